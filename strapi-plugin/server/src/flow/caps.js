'use strict';

// What sending codes may cost, whoever asks and however many processes serve them: per
// account, codes an hour by SMS and by e-mail (counted apart) over every send (sign-in
// challenges, resends, phone setup, step-up codes); per phone number, codes an hour;
// per account, new numbers a day through phone setup. Past a cap no message goes out.
// Every count is a limits row, exact across processes; numbers are counted by their
// keyed hash, never stored.
const { LIMITS } = require('two-factor-wasm');
const { errors } = require('../errors');
const { userSubject } = require('../names');

// The windows are the core's: an hour for sends, a day for new numbers.
const { SENDS_WINDOW_SECONDS: HOUR, NEW_NUMBERS_WINDOW_SECONDS: DAY } = LIMITS;

const iso = require('../iso');

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const capped = (userId, method, cap, retryAt) => {
    // Told once the step's writes are committed (at once, outside store.together).
    d.store.afterCommit(() => {
      d.events.emit('delivery.capped', { userId, method, cap });
      d.log.warn(`[two-factor] ${method} cap "${cap}" reached for user ${userId}; no message sent`);
    });
    return { allowed: false, retryAt };
  };

  /** The windows a code to `destination` by `method` counts in: `[scope, subject]` each, the account's first. */
  const windows = (userId, method, destination) => [
    [`sent:${method}`, userSubject(d.host.realm, userId)],
    ...(d.factors.cappedPerDestination(method) ? [['sent:number', d.keys.subjectHash(destination)]] : []),
  ];

  return {
    /**
     * Takes a place under every cap a code to `destination` by `method` counts against.
     * `{ allowed: true }`, or `{ allowed: false, retryAt }` for the first cap that is full
     * (an event is emitted). A cap counts what is sent: when a later cap refuses, the
     * places taken before it are given back. `rules` are the settings in force.
     */
    async take({ userId, method, destination, now, rules }) {
      const { limits } = d;
      const [account, number] = windows(userId, method, destination);
      // The places are taken with one commit where that is cheaper.
      const full = await d.store.together(async () => {
        const perAccount = await limits.take(...account, { cap: rules.caps[`${method}PerHour`], windowSeconds: HOUR, now });
        if (!perAccount.allowed) return { cap: 'account', ...perAccount };
        if (!number) return null;
        const perNumber = await limits.take(...number, { cap: rules.caps.perNumberPerHour, windowSeconds: HOUR, now });
        if (perNumber.allowed) return null;
        await limits.release(...account, now);
        return { cap: 'number', ...perNumber };
      });
      return full ? capped(userId, method, full.cap, full.retryAt) : { allowed: true };
    },

    /** Gives back the places `take` took at `at` for a code that was never sent (its delivery failed). */
    async release({ userId, method, destination, at }) {
      for (const [scope, subject] of windows(userId, method, destination)) await d.limits.release(scope, subject, at);
    },

    /**
     * Ends every delivery window and cooldown the user's sign-ins and sends have filled:
     * the account's (codes by each method, new numbers, the cooldowns of phone and step-up
     * codes, all kept under the user's subject) and that of the user's verified number.
     * An admin's unlock or reset: whatever a password alone can close, an admin can open.
     */
    async lift(userId) {
      const { phone } = await d.factors.of(userId);
      await d.store.limits.forget([userSubject(d.host.realm, userId), ...(phone === null ? [] : [d.keys.subjectHash(phone)])]);
    },

    /** Takes a place for one more new destination (a phone number) the user tries to enrol for `method`. */
    async takeNewNumber({ userId, method, now, rules }) {
      const verdict = await d.limits.take('new-number', userSubject(d.host.realm, userId), { cap: rules.caps.newNumbersPerDay, windowSeconds: DAY, now });
      return verdict.allowed ? verdict : capped(userId, method, 'numbers', verdict.retryAt);
    },

    /** The 429 for a cap: when to try again, and nothing about whom or what. */
    error: (retryAt) => new errors.RateLimitError('Too many codes were sent. Try again later.', { retryAt: iso(retryAt) }),
  };
};
