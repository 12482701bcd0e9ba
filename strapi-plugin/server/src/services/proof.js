'use strict';

// A live second-factor code from a signed-in user, required before sensitive changes
// (new recovery codes, adding or replacing a factor, turning 2FA off). Accepted: a
// current TOTP (replay-guarded), an unused recovery code, or the code of a step-up
// challenge sent by SMS or e-mail. Every code compared, here or at sign-in, first takes
// a place in the account's budget of guesses (`guess`): the lockout is decided before
// the comparison, by one conditional write, so no burst can compare more.
const { errors } = require('../errors');
const { PURPOSES } = require('../names');
const iso = require('../iso');

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {

  const lockedError = (until) =>
    new errors.RateLimitError('Too many failed two-factor attempts. Try again later.', { retryAt: iso(until) });

  return {
    lockedError,

    /**
     * Throws the 429 while consecutive failures keep the user's account locked. Pass the
     * account row and the code settings when the caller has just read them, to save queries.
     */
    async assertUnlocked(userId, now, row, rules) {
      const lock = await d.accounts.lockState(userId, now, row, rules);
      if (lock.locked) throw lockedError(lock.until);
    },

    /**
     * Which factor `code` proved ('totp', 'recovery' or 'step-up'), or null.
     * `allowTotp`: the role allows authenticator apps. `allowStepUp`: a step-up code
     * counts; never at sign-in, where a code proves only the challenge it was sent for.
     */
    async match(userId, code, now, { allowTotp = true, allowStepUp = true } = {}) {
      if (allowTotp && (await d.factors.totp.prove(userId, code, now))) return 'totp';
      if (await d.recovery.use(userId, code, now)) return 'recovery';
      if (allowStepUp && (await d.challenges.spendLatest(userId, PURPOSES.stepUp, code, now)).status === 'ok') return 'step-up';
      return null;
    },

    /** Throws unless `code` is a live factor; a wrong one is a counted failure. */
    async require(user, code) {
      const now = d.clock.now();
      // No code at all is a malformed request, not a guess: it costs no place in the budget.
      if (typeof code !== 'string') throw new errors.ValidationError('A current two-factor code is required for this change', { field: 'code' });
      const rules = await this.guess(user.id, now);
      if (await this.match(user.id, code, now)) {
        await this.passed(user.id);
        return;
      }
      await this.missed(user.id, now, rules);
      throw new errors.ValidationError('A current two-factor code is required for this change', { field: 'code' });
    },

    /**
     * Takes a place in the account's budget of guesses before a code is compared; 429 when
     * spent. Returns the code settings it ruled with, for `missed` to rule with the same.
     */
    async guess(userId, now) {
      const counted = await this.count(userId, now);
      if (counted.locked) throw lockedError(counted.until);
      return counted.rules;
    },

    /**
     * `guess` without the throw, for a caller that answers after other writes:
     * `{ rules }`, or `{ locked: true, until, rules }` when the budget is spent.
     */
    async count(userId, now) {
      const rules = await d.settings.get();
      if (await d.accounts.takeGuess(userId, now, rules)) return { rules };
      const lock = await d.accounts.lockState(userId, now, undefined, rules);
      return { locked: true, until: lock.locked ? lock.until : now, rules };
    },

    /** A right code: the guess it took, and the run of failures before it, are given back. */
    async passed(userId) {
      await d.accounts.resetFailures(userId);
    },

    /** A wrong code (already counted by `guess`, whose `rules` these are); throws the 429 when it was the last one. */
    async missed(userId, now, rules) {
      const lock = await d.accounts.lockState(userId, now, undefined, rules);
      if (lock.locked) {
        d.events.emit('locked', { userId, until: lock.until });
        d.log.warn(`[two-factor] account of user ${userId} locked after repeated failed codes`);
        throw lockedError(lock.until);
      }
    },
  };
};
