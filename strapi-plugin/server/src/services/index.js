'use strict';

// Strapi's services of the plugin. The domain's parts (domain.js) take the plugin's
// parts (plugin.js) rather than Strapi, so the flow tests can build them over an
// in-memory store; the rest is Strapi work: the clock, settings, policies, delivery,
// notifications, events and credential changes.
const parts = require('../plugin');
const DOMAIN = require('../domain');

const domain = Object.fromEntries(Object.entries(DOMAIN).map(([name, factory]) => [name, ({ strapi }) => factory(parts(strapi))]));

module.exports = {
  clock: require('./clock'),
  policy: require('./policy'),
  settings: require('./settings'),
  credentials: require('./credentials'),
  notify: require('./notify'),
  delivery: require('./delivery'),
  events: require('./events'),
  ...domain,
};
