'use strict';

// Startup: load keys and the SMS provider (a bad one stops Strapi here), register the
// admin permissions, and check that every route able to mint a token is behind the gate.
const { WRAPPED, TOKEN_ACTIONS } = require('./register');
const privateTables = require('./private-tables');

// users-permissions auth actions that never mint a token for a password alone: refresh
// only trades a refresh token, which itself came through the gate.
const TOKENLESS_ACTIONS = ['connect', 'forgotPassword', 'sendEmailConfirmation', 'refresh', 'logout', 'getSessions', 'revokeSession'];

const ACTIONS = [
  { uid: 'settings.read', displayName: 'Read the two-factor policy', subCategory: 'settings' },
  { uid: 'settings.update', displayName: 'Change the two-factor policy', subCategory: 'settings' },
  { uid: 'users.manage', displayName: "See and reset users' second factors, unlock users", subCategory: 'users' },
].map((action) => ({ ...action, section: 'plugins', pluginName: 'two-factor' }));

/**
 * Throws, naming the route, if any users-permissions route could mint a token ungated;
 * and naming the type, if any of the plugin's tables is reachable from outside the plugin
 * (the content API, GraphQL, the content manager or the document service).
 */
const selfCheck = async (strapi) => {
  const auth = strapi.plugin('users-permissions').controller('auth');
  const unwrapped = TOKEN_ACTIONS.filter((action) => !auth[action]?.[WRAPPED]);
  if (unwrapped.length > 0) {
    throw new Error(`strapi-plugin-two-factor: self-check failed: users-permissions auth.${unwrapped.join(', auth.')} is not gated`);
  }
  const routes = strapi.plugin('users-permissions').routes['content-api'];
  const list = (typeof routes === 'function' ? routes() : routes).routes;
  const unknown = list
    .filter((route) => typeof route.handler === 'string' && route.handler.startsWith('auth.'))
    .filter((route) => {
      const action = route.handler.slice('auth.'.length);
      return !TOKEN_ACTIONS.includes(action) && !TOKENLESS_ACTIONS.includes(action);
    });
  if (unknown.length > 0) {
    throw new Error(
      `strapi-plugin-two-factor: self-check failed: users-permissions has auth routes this plugin does not know (${unknown
        .map((route) => `${route.method} ${route.path} -> ${route.handler}`)
        .join('; ')}); they might mint tokens without the second step`,
    );
  }
  const missing = TOKEN_ACTIONS.filter((action) => !list.some((route) => route.handler === `auth.${action}`));
  if (missing.length > 0) {
    throw new Error(
      `strapi-plugin-two-factor: self-check failed: no users-permissions route for auth.${missing.join(', auth.')}; this plugin does not match the installed users-permissions`,
    );
  }
  const reachable = await privateTables.check(strapi);
  if (reachable.length > 0) throw new Error(`strapi-plugin-two-factor: self-check failed: ${reachable.join('; ')}`);
};

const bootstrap = async ({ strapi }) => {
  strapi.plugin('two-factor').service('keys').load();
  strapi.plugin('two-factor').service('delivery').load();
  strapi.plugin('two-factor').service('credentials').watch();
  // Made now, not by the first login with an unknown identifier, whose answer it would slow.
  await require('./dummy-hash')(strapi);
  await strapi.service('admin::permission').actionProvider.registerMany(ACTIONS);
  await selfCheck(strapi);
  const graphql = strapi.plugin('graphql') ? ', GraphQL login/register' : '';
  strapi.log.info(`[two-factor] second step active on login, register, password reset/change, OAuth callbacks${graphql}`);
  strapi.log.info('[two-factor] plugin tables private: no content API, GraphQL, content manager or document service access');
};

module.exports = bootstrap;
module.exports.selfCheck = selfCheck;
