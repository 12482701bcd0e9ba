'use strict';

// The per-user row: created on first need, and the lockout after consecutive
// second-step failures across challenges. Counters change only by atomic SQL increments.
const { lockoutVerdict } = require('two-factor-wasm');
const table = require('../db');

const { num } = table;

const UID = 'plugin::two-factor.account';

module.exports = ({ strapi }) => {
  const db = () => table(strapi, UID);

  const find = (userId) => strapi.db.query(UID).findOne({ where: { userId } });

  /** Creates the user's row if it does not exist; safe when processes race to do it. */
  const ensure = async (userId) => {
    const { query, col } = db();
    await query()
      .insert({ [col.userId]: userId, [col.failures]: 0 })
      .onConflict(col.userId)
      .ignore();
  };

  const verdict = async (row, now) => {
    // Without a failure there is nothing to rule on, and no settings to read.
    if (!row?.failures) return { locked: false };
    const { threshold, durationSeconds } = (await strapi.plugin('two-factor').service('settings').get()).lockout;
    return lockoutVerdict({ now, failures: row.failures, lastFailureAt: num(row.lastFailureAt), threshold, durationSeconds });
  };

  return {
    find,
    ensure,

    /** Sets columns of the user's row (created if needed); `data` uses attribute names. */
    async update(userId, data) {
      await ensure(userId);
      await strapi.db.query(UID).update({ where: { userId }, data });
    },

    /**
     * `{ locked: false }` or `{ locked: true, until }` for this user at `now`. Pass the
     * row when the caller has just read it, to save a query.
     */
    async lockState(userId, now, row) {
      return verdict(row === undefined ? await find(userId) : row, now);
    },

    /** Counts one failure and returns the lock state it leads to. */
    async recordFailure(userId, now) {
      await ensure(userId);
      const { query, col } = db();
      await query()
        .where(col.userId, userId)
        .update({ [col.failures]: strapi.db.connection.raw('?? + 1', [col.failures]), [col.lastFailureAt]: now });
      return verdict(await find(userId), now);
    },

    /** A correct code, or an admin's unlock, ends the run of failures. */
    async resetFailures(userId) {
      const { query, col } = db();
      await query().where(col.userId, userId).update({ [col.failures]: 0, [col.lastFailureAt]: null });
    },
  };
};
