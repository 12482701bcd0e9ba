'use strict';

// The per-user row: created on first need, and the lockout after consecutive
// second-step failures across challenges. Every count is a core ruling's write, counted
// in the statement under the ruling's condition.
const { lockoutVerdict, lockoutTake, failuresReset } = require('two-factor-wasm');

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  const store = () => d.store.accounts;
  const find = (userId) => store().find(userId);
  const ensure = (userId) => store().ensure(userId);

  const lockout = async () => (await d.settings.get()).lockout;

  const verdict = async (row, now, rules) => {
    // Without a failure there is nothing to rule on, and no settings to read.
    if (!row?.failures) return { locked: false };
    const { threshold, durationSeconds } = rules?.lockout ?? (await lockout());
    return lockoutVerdict({ now, failures: row.failures, lastFailureAt: row.lastFailureAt, threshold, durationSeconds });
  };

  /** One guess counted as a failure, under the core's guard; true when the write took it. */
  const takeUnderGuard = async (userId, now, { threshold, durationSeconds }) =>
    (await store().apply(userId, lockoutTake({ now, threshold, durationSeconds }))) === 1;

  return {
    find,
    ensure,

    /** Sets fields of the user's row (created if needed). */
    async update(userId, data) {
      await ensure(userId);
      await store().update(userId, data);
    },

    /**
     * `{ locked: false }` or `{ locked: true, until }` for this user at `now`. Pass the
     * row, and the code settings, when the caller has just read them, to save queries.
     */
    async lockState(userId, now, row, rules) {
      return verdict(row === undefined ? await find(userId) : row, now, rules);
    },

    /**
     * Takes one guess from the account's budget, before any code is compared: a single
     * conditional write counts it as a failure, and only if the account is not locked.
     * Whatever the number of processes, challenges and concurrent requests, at most
     * `threshold` guesses are taken per lock. False when the budget is spent. A right
     * code then gives it back (`resetFailures`). `rules`: the code settings, when the
     * caller has read them.
     */
    async takeGuess(userId, now, rules) {
      const policy = rules?.lockout ?? (await lockout());
      if (await takeUnderGuard(userId, now, policy)) return true;
      // No row yet (a user's first guess): create it, then the same write decides.
      if (await find(userId)) return false;
      await ensure(userId);
      return takeUnderGuard(userId, now, policy);
    },

    /** A correct code, or an admin's unlock, ends the run of failures. */
    async resetFailures(userId) {
      await store().apply(userId, failuresReset());
    },
  };
};
