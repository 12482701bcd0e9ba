'use strict';

// Strapi's services of the plugin. Its own are the Strapi adapters the domain takes
// (domain.js): the clock, settings, delivery, notices and events. The domain's parts of
// the users-permissions realm are services too, under the names they had before the
// domain was made in one place, for an app's own code (imports, scripts) and the
// end-to-end tests: `strapi.plugin('two-factor').service('factors').setPhone(...)`.
// Each is the very part the plugin uses, made once per Strapi by plugin.js.
const parts = require('../plugin');

const PUBLIC_PARTS = ['keys', 'accounts', 'challenges', 'limits', 'caps', 'devices', 'factors', 'recovery', 'codes', 'signIn', 'enrolment', 'account'];

module.exports = {
  clock: require('./clock'),
  settings: require('./settings'),
  notify: require('./notify'),
  delivery: require('./delivery'),
  events: require('./events'),
  ...Object.fromEntries(PUBLIC_PARTS.map((name) => [name, ({ strapi }) => parts(strapi)[name]])),
};
