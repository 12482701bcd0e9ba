'use strict';

// A user's two-factor account: its row (created on first need) and its budget of
// guesses. Every code compared, at sign-in, in enrolment or for a sensitive change,
// first takes a place in that budget (`count`, from flow/verify.js): one conditional
// write, the core's lockout ruling, so past the threshold no code is compared, whatever
// the number of processes, challenges and concurrent requests. A right code gives its
// place back and ends the run of failures (`resetFailures`); the wrong code that was the
// last one locks the account (`missed`).
const { lockoutVerdict, lockoutTake, failuresReset } = require('two-factor-wasm');
const { errors } = require('../errors');
const { PURPOSES } = require('../names');
const iso = require('../iso');

const lockedError = (until) => new errors.RateLimitError('Too many failed two-factor attempts. Try again later.', { retryAt: iso(until) });

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const store = () => d.store.accounts;
  const find = (userId) => store().find(userId);
  const ensure = (userId) => store().ensure(userId);

  /** The lockout policy of `rules` (the code settings) when the caller read them, else the settings'. */
  const lockout = async (rules) => rules?.lockout ?? (await d.settings.get()).lockout;

  /** One guess counted as a failure, under the core's guard; true when the write took it. */
  const takeUnderGuard = async (userId, now, { threshold, durationSeconds }) =>
    (await store().apply(userId, lockoutTake({ now, threshold, durationSeconds }))) === 1;

  /**
   * Takes one guess from the account's budget: a single conditional write counts it as a
   * failure, and only if the account is not locked. At most `threshold` guesses are taken
   * per lock. False when the budget is spent.
   */
  const takeGuess = async (userId, now, rules) => {
    const policy = await lockout(rules);
    if (await takeUnderGuard(userId, now, policy)) return true;
    // No row yet (a user's first guess): create it, then the same write decides.
    if (await find(userId)) return false;
    await ensure(userId);
    return takeUnderGuard(userId, now, policy);
  };

  return {
    find,
    ensure,
    lockedError,

    /**
     * `{ locked: false }` or `{ locked: true, until }` for this user at `now`. Pass the
     * row, and the code settings, when the caller has just read them, to save queries.
     */
    async lockState(userId, now, row, rules) {
      const account = row === undefined ? await find(userId) : row;
      // Without a failure there is nothing to rule on, and no settings to read.
      if (!account?.failures) return { locked: false };
      const { threshold, durationSeconds } = await lockout(rules);
      return lockoutVerdict({ now, failures: account.failures, lastFailureAt: account.lastFailureAt, threshold, durationSeconds });
    },

    /** Throws the 429 while consecutive failures keep the account locked (see `lockState` for `row` and `rules`). */
    async assertUnlocked(userId, now, row, rules) {
      const lock = await this.lockState(userId, now, row, rules);
      if (lock.locked) throw lockedError(lock.until);
    },

    /**
     * Takes a place in the budget before a code is compared (flow/verify.js): `{ rules }`,
     * the code settings it ruled with, for `missed` to rule with the same; or `{ locked:
     * true, until, rules }` when the budget is spent.
     */
    async count(userId, now) {
      const rules = await d.settings.get();
      if (await takeGuess(userId, now, rules)) return { rules };
      const lock = await this.lockState(userId, now, undefined, rules);
      // Locked when the write was refused; unlocked again by now only if a right code
      // (or an admin) ended the run since: then there is nothing to wait for.
      return { locked: true, until: lock.locked ? lock.until : now, rules };
    },

    /** A right code, or an admin's unlock: the guess it took, and the run of failures before it, are given back. */
    async resetFailures(userId) {
      await store().apply(userId, failuresReset());
    },

    /** A wrong code (already counted by `guess`, whose `rules` these are); throws the 429 when it was the last one. */
    async missed(userId, now, rules) {
      const lock = await this.lockState(userId, now, undefined, rules);
      if (lock.locked) {
        d.events.emit('locked', { userId, until: lock.until });
        d.log.warn(`[two-factor] account of user ${userId} locked after repeated failed codes`);
        throw lockedError(lock.until);
      }
    },

    /**
     * Throws unless `code` is a live second factor of the user, as a sensitive change
     * requires: the code of the user's step-up challenge, a TOTP or a recovery code. A
     * wrong one is a counted failure.
     */
    async requireCode(user, code) {
      const now = d.clock.now();
      const refused = () => new errors.ValidationError('A current two-factor code is required for this change', { field: 'code' });
      // No code at all is a malformed request, not a guess: it costs no place in the budget.
      if (typeof code !== 'string') throw refused();
      const stepUp = await d.challenges.latest(user.id, PURPOSES.stepUp);
      const others = (guess) => d.factors.prove(user.id, guess, now);
      const verdict = await d.verify.code({ userId: user.id, challenge: stepUp, optional: true, code, now, others });
      if (verdict.proved) return;
      await d.verify.refuse(user.id, now, verdict);
      throw refused();
    },
  };
};
