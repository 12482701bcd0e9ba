'use strict';

// The factors a user can prove, one module each, of the same shape: `method`,
// `enrolled(state)`, `usable(user, state)` and what starts and proves it. A new factor
// is one module here (and its rules in the core). Recovery codes (factors/recovery.js)
// stand apart: they prove a sign-in but are never offered as a method.
const mask = require('../mask');
const { METHODS, PURPOSES } = require('../names');

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const totp = require('./totp')(d);
  const sms = require('./sms')(d);
  const email = require('./email')(d);
  const byMethod = { [METHODS.totp]: totp, [METHODS.sms]: sms, [METHODS.email]: email };

  return {
    totp,
    sms,
    email,

    /**
     * What the user has enrolled (absent rows mean nothing); `phone` is the opened number,
     * `row` the account row (lockout counters, recovery set), read at the same time, and
     * `unavailable` the methods enrolled whose stored value does not open (a secret no
     * longer configured, a corrupt row): never offered, said in a log line and a
     * `two-factor.factor.unreadable` event, and still enrolled (no factor is bound in
     * their place without proof).
     */
    async of(userId) {
      const [row, slots] = await Promise.all([d.accounts.find(userId), d.store.factors.list(userId)]);
      const inSlot = (slot) => slots.find((factor) => factor.slot === slot) ?? null;
      const unavailable = [];
      const app = totp.read(userId, inSlot(totp.slot));
      if (app === 'unavailable') unavailable.push(METHODS.totp);
      const phoneRow = inSlot(sms.slot);
      let phone = await sms.read(userId, phoneRow);
      if (phone === sms.UNAVAILABLE) {
        unavailable.push(METHODS.sms);
        phone = null;
      }
      for (const method of unavailable) {
        d.log.warn(`[two-factor] the ${method} factor of user ${userId} does not open under the current or a previous secret: unavailable until it is set up again or reset`);
        d.events.emit('factor.unreadable', { userId, method });
      }
      return {
        totp: app !== null,
        phone,
        phoneMasked: phoneRow?.enabledAt ? (phoneRow.masked ?? (phone === null ? null : mask(METHODS.sms, phone))) : null,
        row,
        unavailable,
      };
    },

    /** Whether any factor is enrolled, usable or not (e-mail needs no enrolment, so it does not count). */
    enrolled: (state) => Object.values(byMethod).some((factor) => factor.enrolled(state)) || state.unavailable.length > 0,

    /** The methods a login may use for this user, in the role's order. */
    usable: (user, policy, state) => policy.methods.filter((method) => byMethod[method].usable(user, state)),

    // The factors service's own names for enrolment, for an app's own code (imports,
    // scripts) as much as for the enrolment flow.
    /** A new pending authenticator secret: `{ secret, uri, qrSvg }`, shown once. */
    startTotp: (user) => totp.start(user),
    /** Activates the pending secret if `code` is current for it; false otherwise. */
    confirmTotp: (userId, code, now) => totp.confirm(userId, code, now),
    /** Binds a verified phone number. */
    setPhone: (userId, phone, now) => sms.confirm(userId, phone, now),

    /**
     * Which factor `code` proves now ('totp', 'recovery' or 'step-up'), spending it (a
     * TOTP step, a recovery code, a step-up challenge) so it proves nothing again; null
     * when none. `allowTotp`: the role allows authenticator apps. `allowStepUp`: a
     * step-up code counts; never at sign-in, where a code proves only the challenge it
     * was sent for. The caller has taken a place in the account's guess budget.
     */
    async prove(userId, code, now, { allowTotp = true, allowStepUp = true } = {}) {
      if (allowTotp && (await totp.prove(userId, code, now))) return METHODS.totp;
      if (await d.recovery.use(userId, code, now)) return 'recovery';
      if (allowStepUp && (await d.challenges.spendLatest(userId, PURPOSES.stepUp, code, now)).status === 'ok') return 'step-up';
      return null;
    },

    /** Removes every factor (disable, or an admin reset); the lockout counter stays. */
    async clear(userId) {
      await d.store.factors.clear(userId);
    },
  };
};
