'use strict';

// Startup: load keys and the SMS provider (a bad one stops Strapi here), upgrade rows
// written by an earlier version (store/migrate.js), watch the host's users for changed
// credentials, register the admin permissions, and check that every route able to mint
// a token is behind the gate.
const parts = require('./plugin');
const privateTables = require('./private-tables');
const migrate = require('./store/migrate');
const reseal = require('./store/reseal');

const ACTIONS = [
  { uid: 'settings.read', displayName: 'Read the two-factor policy', subCategory: 'settings' },
  { uid: 'settings.update', displayName: 'Change the two-factor policy', subCategory: 'settings' },
  { uid: 'users.manage', displayName: "See and reset users' second factors, unlock users", subCategory: 'users' },
].map((action) => ({ ...action, section: 'plugins', pluginName: 'two-factor' }));

/**
 * Throws, naming the route, if any of the host's routes could mint a token ungated; and
 * naming the type, if any of the plugin's tables is reachable from outside the plugin
 * (the content API, GraphQL, the content manager or the document service).
 */
const selfCheck = async (strapi) => {
  const problems = [...(await parts(strapi).host.selfCheck()), ...(await privateTables.check(strapi))];
  if (problems.length > 0) throw new Error(`strapi-plugin-two-factor: self-check failed: ${problems.join('; ')}`);
};

const bootstrap = async ({ strapi }) => {
  const part = parts(strapi);
  part.keys.load();
  part.delivery.load();
  // After the configuration checks: a start that stops on one changes no rows.
  await migrate(strapi);
  // While previous secrets are configured, what they sealed is sealed again under the current one.
  await reseal(strapi, part, part.clock.now());
  // What was granted under a user's old credentials ends when they change.
  part.host.watchCredentials((userId) => part.credentials.end(userId));
  await part.host.prepare();
  await strapi.service('admin::permission').actionProvider.registerMany(ACTIONS);
  await selfCheck(strapi);
  const graphql = strapi.plugin('graphql') ? ', GraphQL login/register' : '';
  strapi.log.info(`[two-factor] second step active on login, register, password reset/change, OAuth callbacks${graphql}`);
  strapi.log.info('[two-factor] plugin tables private: no content API, GraphQL, content manager or document service access');
};

module.exports = bootstrap;
module.exports.selfCheck = selfCheck;
module.exports.migrate = migrate;
