'use strict';

// One recovery code of a user's current set: keyed, salted hash only; usable once.
const hidden = require('./hidden');
const { REALMS } = require('../names');

module.exports = {
  kind: 'collectionType',
  collectionName: 'two_factor_recovery_codes',
  info: {
    singularName: 'recovery-code',
    pluralName: 'recovery-codes',
    displayName: 'Two-factor recovery code',
  },
  ...hidden,
  attributes: {
    // The kind of user (see host/index.js); rows from before realms were kept get it at upgrade.
    realm: { type: 'string', required: true, default: REALMS.usersPermissions, private: true },
    userId: { type: 'integer', required: true, private: true },
    codeHash: { type: 'string', required: true, private: true },
    codeSalt: { type: 'string', required: true, private: true },
    usedAt: { type: 'biginteger', private: true },
    // The set it belongs to (the account's recoveryGeneration when it was made).
    generation: { type: 'integer', default: 0, private: true },
  },
  indexes: [{ name: 'two_factor_recovery_codes_realm_user_id_idx', columns: ['realm', 'user_id'] }],
};
