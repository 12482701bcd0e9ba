'use strict';

// Trusted devices: after a verified second step the user may ask to be remembered. The
// device keeps a 256-bit token, which the host hands over and reads back its own way (an
// httpOnly cookie, or a body field and a header); only its keyed hash is stored, and each
// use swaps it for a new one. A user has at most MAX_TRUSTED_DEVICES; remembering one
// more forgets the oldest. How long a device is trusted, and whether it still is, the
// core rules.
const tf = require('two-factor-wasm');
const { isToken } = require('../token-shape');

const { MAX_TRUSTED_DEVICES } = tf.LIMITS;
const iso = require('../iso');

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const store = () => d.store.devices;

  /** The write recording a use of this device now, or null once its trust has ended. */
  const use = (row, now) => tf.deviceUse({ now, expiresAt: row.expiresAt });

  return {
    /**
     * Remembers a device for `days` under `label` (its user agent, as the host read it);
     * returns its token for the host to hand over: `{ token, expiresAt }`.
     * @returns {Promise<import('./outcome').Device>}
     */
    async remember(userId, days, now, label) {
      const token = tf.generateToken();
      const expiresAt = tf.deviceTrustedUntil({ now, days });
      // Only older rows are deleted, so two devices remembered at once never delete each other.
      await store().keepNewest(userId, MAX_TRUSTED_DEVICES - 1);
      // One statement, no read back (a row read back could already be gone).
      await store().insert({ userId, tokenHash: d.keys.tokenHash(token), label: String(label ?? '').slice(0, 200), expiresAt, lastUsedAt: now });
      return { token, expiresAt };
    },

    /**
     * When `token` (what the request carried, if anything) is a live device token of this
     * user, swaps it for a new one and returns that, `{ token, expiresAt }`; otherwise
     * null (the second step is due).
     * @returns {Promise<import('./outcome').Device | null>}
     */
    async recognise(userId, token, now) {
      if (!isToken(token)) return null;
      const row = await store().byTokenHashes(d.keys.tokenHashes(token));
      const ruled = row && row.userId === userId ? use(row, now) : null;
      if (!ruled) return null;
      // The token is swapped only if it is still the one presented: of two requests with
      // the same token, one wins.
      const next = tf.generateToken();
      const rotated = await store().apply(row, ruled, { tokenHash: d.keys.tokenHash(next) });
      return rotated === 1 ? { token: next, expiresAt: row.expiresAt } : null;
    },

    async list(userId, now) {
      return (await store().list(userId))
        .filter((row) => use(row, now) !== null)
        .map((row) => ({ id: row.id, label: row.label, lastUsedAt: iso(row.lastUsedAt), expiresAt: iso(row.expiresAt) }));
    },

    revoke: (userId, id) => store().delete(userId, id),

    revokeAll: (userId) => store().deleteAll(userId),
  };
};
