'use strict';

// Per-user two-factor state: whether the user enrolled, and the consecutive second-step
// failures that drive the account lockout. One row per user, created on first need.
const hidden = require('./hidden');

module.exports = {
  kind: 'collectionType',
  collectionName: 'two_factor_accounts',
  info: {
    singularName: 'account',
    pluralName: 'accounts',
    displayName: 'Two-factor account',
  },
  ...hidden,
  attributes: {
    userId: { type: 'integer', required: true, private: true },
    // Set when the user enrolled a factor; an `optional` role then asks for a second step.
    enrolledAt: { type: 'biginteger', private: true },
    failures: { type: 'integer', required: true, default: 0, private: true },
    lastFailureAt: { type: 'biginteger', private: true },
  },
  indexes: [{ name: 'two_factor_accounts_user_id_uq', columns: ['user_id'], type: 'unique' }],
};
