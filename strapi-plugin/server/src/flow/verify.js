'use strict';

// The one verify sequence, for every code the plugin compares: a sign-in challenge's
// code (or, for it, an authenticator app's code or a recovery code), a phone
// confirmation's, and the live code a sensitive change asks for. Always in this order:
//
//   attempt  a place on the challenge the code is for: a burst can never pass its maximum
//   budget   a place in the account's guess budget: past the lockout, nothing is compared
//   compare  the code the challenge sent, then the factors that prove a code on their own
//   consume  a right code uses its challenge up (one of any number of concurrent right
//            codes) and gives its guess back; a wrong one stays counted
//
// Each step is a core ruling's conditional write; this file only puts them in order. The
// attempt, the budget and the sent code's acceptance share one commit where that is
// cheaper (store.together); another factor is proved outside it (its proof may send a
// notice).

/**
 * @typedef {{ closed: true }
 *   | { locked: true, until: number }
 *   | { proved: string, attempted: object | null }
 *   | { lost: true }
 *   | { wrong: true, attempted: object | null, rules: object }} Verdict
 */

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  /** A right code: its guess back, even when it then loses the race; the challenge used up (null when another request was first). */
  const accept = async (userId, challenge, now) => {
    await d.accounts.resetFailures(userId);
    return challenge ? d.challenges.consume(challenge, now) : true;
  };

  return {
    /**
     * Rules on `code` from the user: for `challenge` (a stored challenge row, null when
     * none is pending), or, when `optional`, on its own if the challenge takes no more
     * attempts; `others(code)` names another factor that proves it (spending it), or null.
     * Answers a Verdict:
     *   closed  the challenge took no attempt (none pending, used, expired, out of attempts)
     *   locked  the budget is spent: nothing was compared
     *   proved  the method that proved it (the challenge's, or another factor's); the
     *           challenge is used up unless optional; `attempted` is the row as the
     *           attempt left it
     *   lost    right, but a concurrent request used the challenge up first: no failure
     *   wrong   counted as a failure: the caller answers it after `accounts.missed`
     * @returns {Promise<Verdict>}
     */
    async code({ userId, challenge, optional = false, code, now, others = async () => null }) {
      const taken = await d.store.together(async () => {
        const attempted = challenge ? await d.challenges.reserveAttempt(challenge, now) : null;
        if (!attempted && !optional) return { closed: true };
        const budget = await d.accounts.count(userId, now);
        if (budget.locked) return budget;
        const sent = attempted && d.factors.sends(challenge.method) && d.challenges.matches(challenge, code);
        if (!sent) return { attempted, rules: budget.rules };
        return { attempted, proved: challenge.method, consumed: await accept(userId, challenge, now) };
      });
      if (taken.closed || taken.locked) return taken;
      const { attempted } = taken;
      const proved = taken.proved ?? (await others(code));
      if (!proved) return { wrong: true, attempted, rules: taken.rules };
      // Another factor proves a required challenge, which is then used up; an optional
      // one (a step-up code, one way among others to prove a change) is left as it is.
      const consumed = taken.proved ? taken.consumed : await accept(userId, optional ? null : challenge, now);
      return consumed ? { proved, attempted } : { lost: true };
    },

    /**
     * What a verdict that proved nothing costs before the caller's own 400: the 429 when
     * the budget was spent, and for a wrong code its counted miss (the 429 when that miss
     * locks the account). Returns for any other verdict.
     * @param {Verdict} verdict
     */
    async refuse(userId, now, verdict) {
      if (verdict.locked) throw d.accounts.lockedError(verdict.until);
      if (verdict.wrong) await d.accounts.missed(userId, now, verdict.rules);
    },
  };
};
