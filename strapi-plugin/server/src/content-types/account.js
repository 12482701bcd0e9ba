'use strict';

// Per-user two-factor state: the consecutive second-step failures behind the account
// lockout, and the number of the current recovery-code set. One row per user of a realm,
// created on first need. The enrolled factors have their own table (factor.js).
const hidden = require('./hidden');
const { REALMS } = require('../names');

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
    // The kind of user (see host/index.js); rows from before realms were kept get it at upgrade.
    realm: { type: 'string', required: true, default: REALMS.usersPermissions, private: true },
    userId: { type: 'integer', required: true, private: true },
    failures: { type: 'integer', required: true, default: 0, private: true },
    lastFailureAt: { type: 'biginteger', private: true },
    // The generation of the user's recovery-code set: a regeneration moves it on by one
    // conditional write (so of two at once, one wins), and only codes of this generation work.
    recoveryGeneration: { type: 'integer', default: 0, private: true },

    // Legacy: where the previous release (d24fd0e) keeps the factors. Kept as a copy of
    // the users-permissions factor rows, written with them in one transaction (store/sql.js,
    // store/legacy.js), so that a rollback to that release finds every factor; the next
    // start of this one copies back what that release changed (store/migrate.js). A later
    // release, once rollbacks to d24fd0e are no longer supported, stops writing and drops them.
    totpSecret: { type: 'text', private: true },
    totpPending: { type: 'text', private: true },
    totpEnabledAt: { type: 'biginteger', private: true },
    totpLastStep: { type: 'biginteger', private: true },
    phone: { type: 'text', private: true },
    phoneMasked: { type: 'string', private: true },
    phoneVerifiedAt: { type: 'biginteger', private: true },
  },
  indexes: [{ name: 'two_factor_accounts_realm_user_id_uq', columns: ['realm', 'user_id'], type: 'unique' }],
};
