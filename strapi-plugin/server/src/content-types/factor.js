'use strict';

// One factor a user enrolled, in its own slot: `totp` (an authenticator app) or `phone`
// (a verified number). A passkey will take a slot per credential. Apart from the
// account row, which keeps only the lockout counters and the recovery-set number.
const hidden = require('./hidden');

module.exports = {
  kind: 'collectionType',
  collectionName: 'two_factor_factors',
  info: {
    singularName: 'factor',
    pluralName: 'factors',
    displayName: 'Two-factor factor',
  },
  ...hidden,
  attributes: {
    // The kind of user (see host/index.js) and the user's id in it.
    realm: { type: 'string', required: true, private: true },
    userId: { type: 'integer', required: true, private: true },
    slot: { type: 'string', required: true, private: true },
    // Sealed (XChaCha20-Poly1305) and bound to the user: the TOTP secret, or the number.
    secret: { type: 'text', private: true },
    // A TOTP setup waiting for a code from the app, sealed like the secret.
    pending: { type: 'text', private: true },
    // All that is shown of a number.
    masked: { type: 'string', private: true },
    // When the app was confirmed, or the number verified; null while neither.
    enabledAt: { type: 'biginteger', private: true },
    // Replay guard: the last TOTP time step accepted. A step at or before it never works
    // again. Named as the core's write names it (tf.totpAccept).
    totpLastStep: { type: 'biginteger', private: true },
  },
  // `unique: true` on an attribute creates no index; this does. One row per slot, which
  // makes the store's upsert and the upgrade's copy (store/migrate.js) safe in a race.
  indexes: [{ name: 'two_factor_factors_realm_user_slot_uq', columns: ['realm', 'user_id', 'slot'], type: 'unique' }],
};
