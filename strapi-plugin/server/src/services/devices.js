'use strict';

// Trusted devices: after a verified second step the user may ask to be remembered. The
// device keeps a 256-bit token: an httpOnly cookie when the host hands its sessions out
// that way; otherwise the client gets `deviceToken` in the body and sends it back in the
// X-Two-Factor-Device header. Only its keyed hash is stored, and each use swaps it for a
// new one. A user has at most MAX_TRUSTED_DEVICES; remembering one more forgets the
// oldest. How long a device is trusted, and whether it still is, the core rules.
const tf = require('two-factor-wasm');
const { isToken } = require('../token-shape');

const { MAX_TRUSTED_DEVICES } = tf.LIMITS;
const COOKIE = 'strapi_2fa_device';
const iso = require('../iso');

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  const store = () => d.store.devices;
  const cookieOptions = (expiresAt) => ({
    httpOnly: true,
    secure: d.host.cookieSecure(),
    sameSite: 'strict',
    path: '/api/auth',
    expires: new Date(expiresAt),
    overwrite: true,
  });

  /** Hands `token` to the client: a cookie when sessions travel as cookies, else a body field. */
  const deliver = (ctx, token, expiresAt) => {
    if (d.host.usesRefreshCookie(ctx)) {
      ctx.cookies.set(COOKIE, token, cookieOptions(expiresAt));
      return {};
    }
    return { deviceToken: token };
  };

  /** The write recording a use of this device now, or null once its trust has ended. */
  const use = (row, now) => tf.deviceUse({ now, expiresAt: row.expiresAt });

  return {
    /** Remembers this device for `days`; returns what to add to the response body. */
    async remember(ctx, userId, days, now) {
      const token = tf.generateToken();
      const expiresAt = tf.deviceTrustedUntil({ now, days });
      const label = String(ctx.request.headers['user-agent'] ?? '').slice(0, 200);
      // Only older rows are deleted, so two devices remembered at once never delete each other.
      await store().keepNewest(userId, MAX_TRUSTED_DEVICES - 1);
      // One statement, no read back (a row read back could already be gone).
      await store().insert({ userId, tokenHash: d.keys.tokenHash(token), label, expiresAt, lastUsedAt: now });
      return deliver(ctx, token, expiresAt);
    },

    /**
     * If the request carries a live device token of this user, rotates it and returns
     * what to add to the response body; otherwise null (the second step is due).
     */
    async recognise(ctx, userId, now) {
      const token = ctx.cookies.get(COOKIE) ?? ctx.request.header['x-two-factor-device'];
      if (!isToken(token)) return null;
      const row = await store().byTokenHashes(d.keys.tokenHashes(token));
      const ruled = row && row.userId === userId ? use(row, now) : null;
      if (!ruled) return null;
      // The token is swapped only if it is still the one presented: of two requests with
      // the same token, one wins.
      const next = tf.generateToken();
      const rotated = await store().apply(row, ruled, { tokenHash: d.keys.tokenHash(next) });
      return rotated === 1 ? deliver(ctx, next, row.expiresAt) : null;
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
