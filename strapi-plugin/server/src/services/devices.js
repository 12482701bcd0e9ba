'use strict';

// Trusted devices: after a verified second step the user may ask to be remembered. The
// device keeps a 256-bit token: an httpOnly cookie in httpOnly mode; otherwise the
// client gets `deviceToken` in the body and sends it back in the X-Two-Factor-Device
// header. Only its keyed hash is stored, and each use swaps it for a new one. A user has
// at most MAX_TRUSTED_DEVICES; remembering one more forgets the oldest.
const tf = require('two-factor-wasm');
const table = require('../db');
const { isToken } = require('../token-shape');

const UID = 'plugin::two-factor.device';
const { MAX_TRUSTED_DEVICES } = tf.LIMITS;
const DAY_MS = 24 * 60 * 60 * 1000;
const COOKIE = 'strapi_2fa_device';

module.exports = ({ strapi }) => {
  const keys = () => strapi.plugin('two-factor').service('keys');
  const cookieOptions = (expiresAt) => ({
    httpOnly: true,
    secure: strapi.plugin('two-factor').service('login').cookieSecure(),
    sameSite: 'strict',
    path: '/api/auth',
    expires: new Date(expiresAt),
    overwrite: true,
  });
  // The same rule as users-permissions' refresh cookie: only in refresh mode.
  const usesCookie = (ctx) =>
    strapi.config.get('plugin::users-permissions.jwtManagement') === 'refresh' &&
    (Boolean(strapi.config.get('plugin::users-permissions.sessions')?.httpOnly) || ctx.request.header['x-strapi-refresh-cookie'] === 'httpOnly');

  /** Hands `token` to the client: a cookie in httpOnly mode, else a body field. */
  const deliver = (ctx, token, expiresAt) => {
    if (usesCookie(ctx)) {
      ctx.cookies.set(COOKIE, token, cookieOptions(expiresAt));
      return {};
    }
    return { deviceToken: token };
  };

  /**
   * Before a new device: keeps the user's newest MAX_TRUSTED_DEVICES - 1 and forgets
   * older ones. Only older rows are deleted, so two devices remembered at once never
   * delete each other.
   */
  const makeRoom = async (userId) => {
    const kept = await strapi.db.query(UID).findMany({ where: { userId }, orderBy: { id: 'desc' }, limit: MAX_TRUSTED_DEVICES - 1, select: ['id'] });
    if (kept.length < MAX_TRUSTED_DEVICES - 1) return;
    await strapi.db.query(UID).deleteMany({ where: { userId, id: { $lt: kept.at(-1).id } } });
  };

  return {
    /** Remembers this device for `days`; returns what to add to the response body. */
    async remember(ctx, userId, days, now) {
      const token = tf.generateToken();
      const expiresAt = now + days * DAY_MS;
      const label = String(ctx.request.headers['user-agent'] ?? '').slice(0, 200);
      await makeRoom(userId);
      // One statement, no read back (a row read back could already be gone).
      await table(strapi, UID).insert({ userId, tokenHash: keys().tokenHash(token), label, expiresAt, lastUsedAt: now });
      return deliver(ctx, token, expiresAt);
    },

    /**
     * If the request carries a live device token of this user, rotates it and returns
     * what to add to the response body; otherwise null (the second step is due).
     */
    async recognise(ctx, userId, now) {
      const token = ctx.cookies.get(COOKIE) ?? ctx.request.header['x-two-factor-device'];
      if (!isToken(token)) return null;
      const row = await strapi.db.query(UID).findOne({ where: { tokenHash: { $in: keys().tokenHashes(token) } } });
      if (!row || row.userId !== userId || Number(row.expiresAt) <= now) return null;
      const next = tf.generateToken();
      const { query, col } = table(strapi, UID);
      const rotated = await query()
        .where(col.id, row.id)
        .where(col.tokenHash, row.tokenHash)
        .update({ [col.tokenHash]: keys().tokenHash(next), [col.lastUsedAt]: now });
      return rotated === 1 ? deliver(ctx, next, Number(row.expiresAt)) : null;
    },

    async list(userId, now) {
      const rows = await strapi.db.query(UID).findMany({ where: { userId }, orderBy: { id: 'asc' } });
      return rows
        .filter((row) => Number(row.expiresAt) > now)
        .map((row) => ({ id: row.id, label: row.label, lastUsedAt: new Date(Number(row.lastUsedAt)).toISOString(), expiresAt: new Date(Number(row.expiresAt)).toISOString() }));
    },

    async revoke(userId, id) {
      const { query, col } = table(strapi, UID);
      return (await query().where(col.id, id).where(col.userId, userId).delete()) === 1;
    },

    async revokeAll(userId) {
      await strapi.db.query(UID).deleteMany({ where: { userId } });
    },
  };
};
