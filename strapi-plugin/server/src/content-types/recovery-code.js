'use strict';

// One recovery code of a user's current set: keyed, salted hash only; usable once.
const hidden = require('./hidden');

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
    userId: { type: 'integer', required: true, private: true },
    codeHash: { type: 'string', required: true, private: true },
    codeSalt: { type: 'string', required: true, private: true },
    usedAt: { type: 'biginteger', private: true },
    // The set it belongs to (the account's recoveryGeneration when it was made).
    generation: { type: 'integer', default: 0, private: true },
  },
  indexes: [{ name: 'two_factor_recovery_codes_user_id_idx', columns: ['user_id'] }],
};
