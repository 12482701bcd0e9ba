'use strict';

// One pending second step of a login. Times are unix milliseconds in bigint columns so
// that the conditional updates compare plain numbers on every database.
const hidden = require('./hidden');
const { REALMS } = require('../names');

module.exports = {
  kind: 'collectionType',
  collectionName: 'two_factor_challenges',
  info: {
    singularName: 'challenge',
    pluralName: 'challenges',
    displayName: 'Two-factor challenge',
  },
  ...hidden,
  attributes: {
    // SHA-256 of the opaque token handed to the client; the token itself is never stored.
    tokenHash: { type: 'string', required: true, private: true },
    // The kind of user (see host/index.js); rows from before realms were kept get it at upgrade.
    realm: { type: 'string', required: true, default: REALMS.usersPermissions, private: true },
    userId: { type: 'integer', required: true, private: true },
    // `login`: the second step of a sign-in. `phone`: confirming a new number, which is
    // `destination`. `enrol`: a sign-in of a user who must enrol before getting a session.
    purpose: { type: 'string', required: true, default: 'login', private: true },
    // Where the code went, sealed and bound to the user; cleared once the challenge ends,
    // so nothing of a number typed into phone setup outlives its challenge.
    destination: { type: 'text', private: true },
    method: { type: 'string', required: true, private: true },
    // HMAC-SHA-256 under the server key of (salt ‖ code).
    codeHash: { type: 'string', required: true, private: true },
    codeSalt: { type: 'string', required: true, private: true },
    expiresAt: { type: 'biginteger', required: true, private: true },
    attempts: { type: 'integer', required: true, default: 0, private: true },
    maxAttempts: { type: 'integer', required: true, private: true },
    resends: { type: 'integer', required: true, default: 0, private: true },
    // When the current code reached the provider; null while it has not.
    lastSentAt: { type: 'biginteger', private: true },
    consumedAt: { type: 'biginteger', private: true },
    // For `enrol`: when the e-mailed code was verified; the challenge then authorises
    // enrolment (and nothing else) until it expires.
    verifiedAt: { type: 'biginteger', private: true },
  },
  // `unique: true` on an attribute creates no index; these do. Verify looks a challenge up
  // by its token hash, and the purge scans by expiry.
  indexes: [
    { name: 'two_factor_challenges_token_hash_uq', columns: ['token_hash'], type: 'unique' },
    { name: 'two_factor_challenges_expires_at_idx', columns: ['expires_at'] },
    { name: 'two_factor_challenges_realm_user_id_idx', columns: ['realm', 'user_id'] },
  ],
};
