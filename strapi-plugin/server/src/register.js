'use strict';

// The host puts the second step in front of every route of its own that can mint a token
// (this must run in register(), before routes are bound), the plugin's tables are shut
// to every API but the plugin's routes, and processes starting together take turns at
// the schema sync and the upgrade (store/migrate.js).
const parts = require('./plugin');
const privateTables = require('./private-tables');
const migrate = require('./store/migrate');
const { WRAPPED, TOKEN_ACTIONS } = require('./host');

module.exports = ({ strapi }) => {
  const { host, signIn } = parts(strapi);
  host.install(signIn);
  privateTables.seal({ strapi });
  migrate.lockDuringSync(strapi);
};
module.exports.WRAPPED = WRAPPED;
module.exports.TOKEN_ACTIONS = TOKEN_ACTIONS;
