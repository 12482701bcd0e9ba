'use strict';

// Per-user two-factor state: the enrolled factors and the consecutive second-step
// failures behind the account lockout. One row per user, created on first need.
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
    failures: { type: 'integer', required: true, default: 0, private: true },
    lastFailureAt: { type: 'biginteger', private: true },
    // Authenticator app: the secret sealed (XChaCha20-Poly1305) and bound to the user id.
    // A setup stays in totpPending until a code from the app confirms it.
    totpSecret: { type: 'text', private: true },
    totpPending: { type: 'text', private: true },
    totpEnabledAt: { type: 'biginteger', private: true },
    // Replay guard: the last time step accepted. A step at or before it never works again.
    totpLastStep: { type: 'biginteger', private: true },
    // Only a number confirmed with a code sent to it receives login codes. Sealed and
    // bound to the user like the TOTP secret; `phoneMasked` is all that is shown.
    phone: { type: 'text', private: true },
    phoneMasked: { type: 'string', private: true },
    phoneVerifiedAt: { type: 'biginteger', private: true },
    // The generation of the user's recovery-code set: a regeneration moves it on by one
    // conditional write (so of two at once, one wins), and only codes of this generation work.
    recoveryGeneration: { type: 'integer', default: 0, private: true },
  },
  indexes: [{ name: 'two_factor_accounts_user_id_uq', columns: ['user_id'], type: 'unique' }],
};
