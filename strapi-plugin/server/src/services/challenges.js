'use strict';

// Persistence of login challenges. Attempts, single use and resends are conditional
// updates: the WHERE clause carries the rule and the affected row count tells the caller
// whether it won, so concurrent requests and several processes cannot over-count.
const tf = require('two-factor-wasm');
const table = require('../db');

const { num } = table;

const UID = 'plugin::two-factor.challenge';
// Expired rows are kept this long so a late verify still gets "expired", then purged.
const PURGE_GRACE_MS = 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;


/** A challenge row with numbers as numbers (bigint columns arrive as strings on some databases). */
const normalize = (row) =>
  row && {
    ...row,
    expiresAt: num(row.expiresAt),
    lastSentAt: num(row.lastSentAt),
    consumedAt: num(row.consumedAt),
    verifiedAt: num(row.verifiedAt),
  };

module.exports = ({ strapi }) => {
  const db = () => table(strapi, UID);
  let lastPurge = 0;

  /** A fresh code of `digits` digits: what to store and what to send. */
  const freshCode = (digits) => {
    const code = tf.generateCode(digits);
    const salt = tf.generateSalt();
    return { code, codeHash: tf.hashCode(code, strapi.plugin('two-factor').service('keys').codeKey(), salt), codeSalt: Buffer.from(salt).toString('hex') };
  };

  return {
    freshCode,

    /**
     * Stores a new challenge and returns `{ token, row, code }`; only the token's hash is
     * kept. A code that is sent counts as sent from now (`lastSentAt`), which a failed
     * delivery undoes. `rules` are the code settings in force (the settings service).
     */
    async create({ userId, purpose = 'login', method, destination = null, now, rules }) {
      await this.purgeExpired(now);
      const token = tf.generateToken();
      const { code, codeHash, codeSalt } = freshCode(rules.code.digits);
      const row = await strapi.db.query(UID).create({
        data: {
          tokenHash: tf.hashToken(token),
          userId,
          purpose,
          destination,
          method,
          codeHash,
          codeSalt,
          expiresAt: tf.codeExpiresAt({ now, ttlSeconds: rules.code.ttlSeconds }),
          attempts: 0,
          maxAttempts: rules.code.maxAttempts,
          resends: 0,
          lastSentAt: method === 'totp' ? null : now,
          consumedAt: null,
          verifiedAt: null,
        },
      });
      return { token, row: normalize(row), code };
    },

    /** The newest challenge of `purpose` for the user (phone confirmation, step-up), or null. */
    async latest(userId, purpose) {
      return normalize(await strapi.db.query(UID).findOne({ where: { userId, purpose }, orderBy: { id: 'desc' } }));
    },

    /** When the user last completed a sign-in challenge (unix ms), or null. */
    async lastVerifiedAt(userId) {
      const row = await strapi.db
        .query(UID)
        .findOne({ where: { userId, purpose: 'login', consumedAt: { $notNull: true } }, orderBy: { consumedAt: 'desc' }, select: ['consumedAt'] });
      return row ? Number(row.consumedAt) : null;
    },

    /** The challenge a client token names, or null. Looked up by its hash (indexed). */
    async findByToken(token) {
      return normalize(await strapi.db.query(UID).findOne({ where: { tokenHash: tf.hashToken(token) } }));
    },

    /** Whether `code` is the code this challenge stored (constant-time comparison). */
    matches(row, code) {
      if (!/^\d{6,10}$/.test(code)) return false;
      const salt = Buffer.from(row.codeSalt, 'hex');
      return strapi.plugin('two-factor').service('keys').codeKeys().some((key) => tf.verifyCode(code, row.codeHash, key, salt));
    },

    /**
     * Spends one attempt of the user's newest challenge of `purpose` on `code`: `'ok'`
     * (and the challenge is used up), `'wrong'`, or `'none'` when no live one is left.
     */
    async spendLatest(userId, purpose, code, now) {
      const row = await this.latest(userId, purpose);
      if (!row || !(await this.reserveAttempt(row.id, now))) return { status: 'none' };
      if (!this.matches(row, code)) return { status: 'wrong' };
      return (await this.consume(row, now)) ? { status: 'ok', row } : { status: 'none' };
    },

    verdict(row, now) {
      return tf.challengeVerdict({ now, expiresAt: row.expiresAt, attempts: row.attempts, maxAttempts: row.maxAttempts, consumed: row.consumedAt !== null });
    },

    /** Takes one attempt if the challenge is still active at `now`; false when it is not. */
    async reserveAttempt(id, now) {
      const { query, col } = db();
      const updated = await query()
        .where(col.id, id)
        .whereNull(col.consumedAt)
        .where(col.expiresAt, '>', now)
        .where(col.attempts, '<', strapi.db.connection.ref(col.maxAttempts))
        .increment(col.attempts, 1);
      return updated === 1;
    },

    /**
     * Marks the challenge used; only one caller can ever get true. An enrolment challenge
     * is marked verified at the same time: from then on it authorises enrolment only.
     */
    async consume(row, now) {
      const { query, col } = db();
      const updated = await query()
        .where(col.id, row.id)
        .whereNull(col.consumedAt)
        .update({ [col.consumedAt]: now, ...(row.purpose === 'enrol' ? { [col.verifiedAt]: now } : {}) });
      return updated === 1;
    },

    /** Ends a challenge for good (an enrolment that completed). */
    async close(id) {
      const { query, col } = db();
      await query().where(col.id, id).update({ [col.expiresAt]: 0 });
    },

    /**
     * Replaces the code of an active challenge, as one resend. The row is the one the
     * caller ruled on: if another resend got there first (the count moved, or the cooldown
     * restarted), nothing changes. The cooldown starts now; a failed send lifts it.
     * `rules` are the code settings the caller ruled with.
     */
    async replaceCode(row, { method, destination, codeHash, codeSalt, now, rules }) {
      const { query, col } = db();
      const updated = await query()
        .where(col.id, row.id)
        .where(col.resends, row.resends)
        .whereNull(col.consumedAt)
        .where(col.expiresAt, '>', now)
        .where(col.attempts, '<', strapi.db.connection.ref(col.maxAttempts))
        .where((q) => q.whereNull(col.lastSentAt).orWhere(col.lastSentAt, '<=', now - rules.resend.cooldownSeconds * 1000))
        .update({
          [col.method]: method,
          [col.destination]: destination,
          [col.codeHash]: codeHash,
          [col.codeSalt]: codeSalt,
          [col.resends]: row.resends + 1,
          [col.lastSentAt]: now,
          [col.expiresAt]: tf.codeExpiresAt({ now, ttlSeconds: rules.code.ttlSeconds }),
        });
      return updated === 1;
    },

    /**
     * Rules on the challenge at `now`, and makes an expiry permanent in the database, so
     * that a process whose clock runs behind can never revive what another saw expire.
     */
    async settle(row, now) {
      const state = this.verdict(row, now);
      if (state === 'expired') await this.close(row.id);
      return state;
    },

    /** A send failed: no cooldown runs, so a resend may follow at once. */
    async markUnsent(id) {
      const { query, col } = db();
      await query().where(col.id, id).update({ [col.lastSentAt]: null });
    },

    /** Deletes challenges long expired; runs at most once a minute per process. */
    async purgeExpired(now) {
      if (now - lastPurge < PURGE_EVERY_MS) return;
      lastPurge = now;
      const { query, col } = db();
      await query().where(col.expiresAt, '<', now - PURGE_GRACE_MS).delete();
    },
  };
};
