'use strict';

// A browser or app the user chose to trust: a password login that presents its token
// skips the second step until `expiresAt`. The token is stored hashed and rotated on use.
const hidden = require('./hidden');
const { REALMS } = require('../names');

module.exports = {
  kind: 'collectionType',
  collectionName: 'two_factor_devices',
  info: {
    singularName: 'device',
    pluralName: 'devices',
    displayName: 'Two-factor trusted device',
  },
  ...hidden,
  attributes: {
    // The kind of user (see host/index.js); rows from before realms were kept get it at upgrade.
    realm: { type: 'string', required: true, default: REALMS.usersPermissions, private: true },
    userId: { type: 'integer', required: true, private: true },
    tokenHash: { type: 'string', required: true, private: true },
    label: { type: 'string', private: true },
    expiresAt: { type: 'biginteger', required: true, private: true },
    lastUsedAt: { type: 'biginteger', private: true },
  },
  indexes: [
    { name: 'two_factor_devices_token_hash_uq', columns: ['token_hash'], type: 'unique' },
    { name: 'two_factor_devices_realm_user_id_idx', columns: ['realm', 'user_id'] },
  ],
};
