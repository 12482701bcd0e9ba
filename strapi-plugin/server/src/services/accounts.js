'use strict';

// The per-user row: created on first need, and the lockout after consecutive
// second-step failures across challenges. Counters change only by atomic SQL increments.
const { lockoutVerdict, lockoutGuard } = require('two-factor-wasm');
const table = require('../db');

const { num, retried } = table;

const UID = 'plugin::two-factor.account';

module.exports = ({ strapi }) => {
  const db = () => table(strapi, UID);

  const find = (userId) => strapi.db.query(UID).findOne({ where: { userId } });

  /** Creates the user's row if it does not exist; safe when processes race to do it. */
  const ensure = async (userId) => {
    const { query, col } = db();
    await retried(() =>
      query()
        .insert({ [col.userId]: userId, [col.failures]: 0 })
        .onConflict(col.userId)
        .ignore(),
    );
  };

  const lockout = async () => (await strapi.plugin('two-factor').service('settings').get()).lockout;

  const verdict = async (row, now) => {
    // Without a failure there is nothing to rule on, and no settings to read.
    if (!row?.failures) return { locked: false };
    const { threshold, durationSeconds } = await lockout();
    return lockoutVerdict({ now, failures: row.failures, lastFailureAt: num(row.lastFailureAt), threshold, durationSeconds });
  };

  /** One guess counted as a failure, under the core's guard; true when the write took it. */
  const takeUnderGuard = async (userId, now, { threshold, durationSeconds }) => {
    const guard = lockoutGuard({ now, threshold, durationSeconds });
    const { query, col } = db();
    const taken = await query()
      .where(col.userId, userId)
      .where((q) => {
        q.where(col.failures, '<', guard.failuresBelow);
        if (guard.lastFailureAtMost !== null) q.orWhereNull(col.lastFailureAt).orWhere(col.lastFailureAt, '<=', guard.lastFailureAtMost);
      })
      .update({ [col.failures]: strapi.db.connection.raw('?? + 1', [col.failures]), [col.lastFailureAt]: now });
    return taken === 1;
  };

  return {
    find,
    ensure,

    /** Sets columns of the user's row (created if needed); `data` uses attribute names. */
    async update(userId, data) {
      await ensure(userId);
      await retried(() => strapi.db.query(UID).update({ where: { userId }, data }));
    },

    /**
     * `{ locked: false }` or `{ locked: true, until }` for this user at `now`. Pass the
     * row when the caller has just read it, to save a query.
     */
    async lockState(userId, now, row) {
      return verdict(row === undefined ? await find(userId) : row, now);
    },

    /**
     * Takes one guess from the account's budget, before any code is compared: a single
     * conditional write counts it as a failure, and only if the account is not locked.
     * Whatever the number of processes, challenges and concurrent requests, at most
     * `threshold` guesses are taken per lock. False when the budget is spent. A right
     * code then gives it back (`resetFailures`).
     */
    async takeGuess(userId, now) {
      const rules = await lockout();
      if (await takeUnderGuard(userId, now, rules)) return true;
      // No row yet (a user's first guess): create it, then the same write decides.
      if (await find(userId)) return false;
      await ensure(userId);
      return takeUnderGuard(userId, now, rules);
    },

    /** A correct code, or an admin's unlock, ends the run of failures. */
    async resetFailures(userId) {
      const { query, col } = db();
      await query().where(col.userId, userId).update({ [col.failures]: 0, [col.lastFailureAt]: null });
    },
  };
};
