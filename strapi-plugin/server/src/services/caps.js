'use strict';

// What sending codes may cost, whoever asks and however many processes serve them: per
// account, codes an hour by SMS and by e-mail (counted apart) over every send (sign-in
// challenges, resends, phone setup, step-up codes); per phone number, codes an hour;
// per account, new numbers a day through phone setup. Past a cap no message goes out.
// Every count is a limits row, exact across processes; numbers are counted by their
// keyed hash, never stored.
const { LIMITS } = require('two-factor-wasm');
const { errors } = require('../errors');
const { METHODS, userSubject } = require('../names');

// The windows are the core's: an hour for sends, a day for new numbers.
const { SENDS_WINDOW_SECONDS: HOUR, NEW_NUMBERS_WINDOW_SECONDS: DAY } = LIMITS;

const iso = require('../iso');

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  const capped = (userId, method, cap, retryAt) => {
    // Told once the step's writes are committed (at once, outside store.together).
    d.store.afterCommit(() => {
      d.events.emit('delivery.capped', { userId, method, cap });
      d.log.warn(`[two-factor] ${method} cap "${cap}" reached for user ${userId}; no message sent`);
    });
    return { allowed: false, retryAt };
  };

  return {
    /**
     * Takes a place under every cap a code to `destination` by `method` counts against.
     * `{ allowed: true }`, or `{ allowed: false, retryAt }` for the first cap that is full
     * (an event is emitted). `rules` are the settings in force.
     */
    async take({ userId, method, destination, now, rules }) {
      const { limits } = d;
      const account = userSubject(d.host.realm, userId);
      // The places are taken with one commit where that is cheaper.
      const full = await d.store.together(async () => {
        const perAccount = await limits.take(`sent:${method}`, account, { cap: rules.caps[`${method}PerHour`], windowSeconds: HOUR, now });
        if (!perAccount.allowed) return { cap: 'account', ...perAccount };
        if (method !== METHODS.sms) return null;
        const perNumber = await limits.take('sent:number', d.keys.subjectHash(destination), { cap: rules.caps.perNumberPerHour, windowSeconds: HOUR, now });
        return perNumber.allowed ? null : { cap: 'number', ...perNumber };
      });
      return full ? capped(userId, method, full.cap, full.retryAt) : { allowed: true };
    },

    /** Takes a place for one more new number the user tries through phone setup. */
    async takeNewNumber({ userId, now, rules }) {
      const verdict = await d.limits.take('new-number', userSubject(d.host.realm, userId), { cap: rules.caps.newNumbersPerDay, windowSeconds: DAY, now });
      return verdict.allowed ? verdict : capped(userId, METHODS.sms, 'numbers', verdict.retryAt);
    },

    /** The 429 for a cap: when to try again, and nothing about whom or what. */
    error: (retryAt) => new errors.RateLimitError('Too many codes were sent. Try again later.', { retryAt: iso(retryAt) }),
  };
};
