'use strict';

// The host puts the second step in front of every route of its own that can mint a token
// (this must run in register(), before routes are bound), and the plugin's tables
// are shut to every API but the plugin's routes.
const parts = require('./plugin');
const privateTables = require('./private-tables');
const { WRAPPED, TOKEN_ACTIONS } = require('./host');

module.exports = ({ strapi }) => {
  parts(strapi).host.install();
  privateTables.seal({ strapi });
};
module.exports.WRAPPED = WRAPPED;
module.exports.TOKEN_ACTIONS = TOKEN_ACTIONS;
