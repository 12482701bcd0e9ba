'use strict';

// The factors a user can prove, one module each, of the same shape: `method`,
// `enrolled(state)`, `usable(user, state)` and what starts and proves it. A new factor
// is one module here (and its rules in the core). Recovery codes (factors/recovery.js)
// stand apart: they prove a sign-in but are never offered as a method.
const mask = require('../mask');
const { METHODS } = require('../names');

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  const totp = require('./totp')(d);
  const sms = require('./sms')(d);
  const email = require('./email')(d);
  const byMethod = { [METHODS.totp]: totp, [METHODS.sms]: sms, [METHODS.email]: email };

  return {
    totp,
    sms,
    email,

    /** What the user has enrolled (an absent row means nothing); `phone` is the opened number. */
    async of(userId) {
      const row = await d.accounts.find(userId);
      const phone = await sms.read(row);
      return {
        totp: totp.read(row),
        phone,
        phoneMasked: phone === null ? null : (row.phoneMasked ?? mask(METHODS.sms, phone)),
        row,
      };
    },

    /** Whether any factor is enrolled (e-mail needs no enrolment, so it does not count). */
    enrolled: (state) => Object.values(byMethod).some((factor) => factor.enrolled(state)),

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

    /** Removes every factor (disable, or an admin reset); the lockout counter stays. */
    async clear(userId) {
      await d.accounts.update(userId, { ...totp.cleared, ...sms.cleared });
    },
  };
};
