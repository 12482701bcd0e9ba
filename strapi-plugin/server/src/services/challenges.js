'use strict';

// Persistence of login challenges. Attempts, single use and resends are conditional
// updates: the WHERE clause carries the rule and the affected row count tells the caller
// whether it won, so concurrent requests and several processes cannot over-count.
const tf = require('two-factor-wasm');
const table = require('../db');

const { num } = table;

const UID = 'plugin::two-factor.challenge';
const { MAX_OPEN_CHALLENGES } = tf.LIMITS;
// Expired rows are kept this long so a late verify still gets "expired", then purged.
const PURGE_GRACE_MS = 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;


const destinationFor = (userId) => `two-factor destination user:${userId}`;

module.exports = ({ strapi }) => {
  const db = () => table(strapi, UID);
  const keys = () => strapi.plugin('two-factor').service('keys');
  let lastPurge = 0;

  /** Where the code goes, sealed and bound to the user: no number is stored in the clear. */
  const sealDestination = (userId, destination) => (destination === null ? null : keys().sealText(destination, destinationFor(userId)));
  // A row written before destinations were sealed holds the text itself (openText says so).
  const openDestination = (row) => keys().openText(row.destination, destinationFor(row.userId)).text;

  /** A challenge row with numbers as numbers (bigint columns arrive as strings on some databases), the destination opened. */
  const normalize = (row) =>
    row && {
      ...row,
      destination: row.destination ? openDestination(row) : null,
      expiresAt: num(row.expiresAt),
      lastSentAt: num(row.lastSentAt),
      consumedAt: num(row.consumedAt),
      verifiedAt: num(row.verifiedAt),
    };

  /** A fresh code of `digits` digits: what to store and what to send. */
  const freshCode = (digits) => {
    const code = tf.generateCode(digits);
    const salt = tf.generateSalt();
    return { code, codeHash: tf.hashCode(code, strapi.plugin('two-factor').service('keys').codeKey(), salt), codeSalt: Buffer.from(salt).toString('hex') };
  };

  /**
   * Before a new challenge of `purpose`: keeps the user's newest MAX_OPEN_CHALLENGES - 1
   * open ones and forgets the rest, so a known password can make logins without end but
   * not rows.
   */
  const makeRoom = async (userId, purpose) => {
    const open = { userId, purpose, consumedAt: null };
    const kept = await strapi.db.query(UID).findMany({ where: open, orderBy: { id: 'desc' }, limit: MAX_OPEN_CHALLENGES - 1, select: ['id'] });
    if (kept.length < MAX_OPEN_CHALLENGES - 1) return;
    await strapi.db.query(UID).deleteMany({ where: { ...open, id: { $lt: kept.at(-1).id } } });
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
      await makeRoom(userId, purpose);
      const token = tf.generateToken();
      const { code, codeHash, codeSalt } = freshCode(rules.code.digits);
      const row = {
        tokenHash: keys().tokenHash(token),
        userId,
        purpose,
        destination: sealDestination(userId, destination),
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
      };
      // One statement, no read back: a row that a burst of newer logins displaced at once
      // is simply a dead challenge, never a 500.
      const id = await db().insert(row);
      return { token, row: normalize({ ...row, id }), code };
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

    /**
     * The challenge a client token names, or null. Looked up by its keyed hash (indexed),
     * under the current secret or a previous one.
     */
    async findByToken(token) {
      return normalize(await strapi.db.query(UID).findOne({ where: { tokenHash: { $in: keys().tokenHashes(token) } } }));
    },

    /** Whether `code` is the code this challenge stored (constant-time comparison). */
    matches(row, code) {
      if (!/^\d{6,10}$/.test(code)) return false;
      const salt = Buffer.from(row.codeSalt, 'hex');
      return strapi.plugin('two-factor').service('keys').codeKeys().some((key) => tf.verifyCode(code, row.codeHash, key, salt));
    },

    /**
     * Spends one attempt of the user's newest challenge of `purpose` on `code`: `'ok'`
     * (and the challenge is used up), `'wrong'`, `'lost'` (right, but another request used
     * it up first), or `'none'` when no live one is left.
     * `guess`, when given, runs once the attempt is taken and before the comparison
     * (the account's budget of guesses; it throws when that is spent).
     */
    async spendLatest(userId, purpose, code, now, guess) {
      const row = await this.latest(userId, purpose);
      if (!row || !(await this.reserveAttempt(row.id, now))) return { status: 'none' };
      if (guess) await guess();
      if (!this.matches(row, code)) return { status: 'wrong' };
      // A right code that lost the race to another is no wrong guess: 'lost', not 'wrong'.
      return (await this.consume(row, now)) ? { status: 'ok', row } : { status: 'lost' };
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
        .update({ [col.consumedAt]: now, [col.destination]: null, ...(row.purpose === 'enrol' ? { [col.verifiedAt]: now } : {}) });
      return updated === 1;
    },

    /**
     * Ends every challenge of the user that could still lead to a session: the open
     * ones, and verified enrolments (which authorise enrolment until they expire).
     */
    async closeAll(userId) {
      // The query engine, not raw SQL: called from a lifecycle, this joins the
      // transaction of the change that caused it, and stands or falls with it.
      await strapi.db.query(UID).updateMany({
        where: { userId, $or: [{ consumedAt: null }, { purpose: 'enrol' }] },
        data: { expiresAt: 0 },
      });
    },

    /**
     * Gives a consumed challenge back when the answer to its right code could not be
     * built (a session store that failed): a right code is never burnt by a 500. Only
     * the consumption made by this caller (`row`, consumed just now) is undone.
     */
    async release(row) {
      const { query, col } = db();
      await query().where(col.id, row.id).whereNotNull(col.consumedAt).whereNull(col.verifiedAt).update({ [col.consumedAt]: null });
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
          [col.destination]: sealDestination(row.userId, destination),
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
      // An ended challenge keeps nothing of where its code went.
      await query()
        .whereNotNull(col.destination)
        .where((q) => q.where(col.expiresAt, '<=', now).orWhereNotNull(col.consumedAt))
        .update({ [col.destination]: null });
      await strapi.plugin('two-factor').service('limits').purge(now);
    },
  };
};
