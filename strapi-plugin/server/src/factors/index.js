'use strict';

// The factors a user can prove, one module each, of the same shape:
//   method                    the name a role lists and a challenge stores
//   slot                      the factor row it is kept in, when a user enrols it
//   sends                     whether a code goes out (and counts against the delivery caps)
//   read(userId, row)         what its row (null: none) adds to the user's state, with
//                             `unavailable: true` when its stored value does not open
//   enrolled(state), usable(user, state)
//   destination(user, state)  where a code goes (a factor that sends)
//   cappedPerDestination      (SMS) its codes are also capped per destination
//   shown(user, state)        what the user's status and the admin see of it: never a
//                             secret, a code or a full number
//   prove(userId, code, now)  (a factor that sends nothing) whether `code` proves it now
//   available(userId)         (optional) whether it can prove anything now
//   withoutEnrolment          (e-mail) needs no enrolment: the account's own address
// and, for a factor a user enrols, its enrolment: `ENROLMENT` (the route path and the
// setup body's fields, read when routes are made), `noun` (what a role may not allow),
// `setup(user, body, { state, proveIfEnrolled })` and `complete(user, body, now)`.
// Everything else (codes, sign-in, the account, the admin page) iterates them. A new
// factor is one module here (and its rules in the core). Recovery codes
// (factors/recovery.js) stand apart: they prove a sign-in but are never offered as a method.
const MODULES = [require('./totp'), require('./sms'), require('./email')];

/** The enrolment of each factor a user enrols: `{ method, path, setupBody }` (routes, bodies). */
const ENROLMENTS = MODULES.filter((module) => module.ENROLMENT).map((module) => module.ENROLMENT);

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const ALL = MODULES.map((make) => make(d));
  const byMethod = Object.fromEntries(ALL.map((factor) => [factor.method, factor]));
  const STORED = ALL.filter((factor) => factor.slot);
  const { totp, sms } = byMethod;

  return {
    /** The factor of `method` a user enrols (one of ENROLMENTS). */
    enrolling: (method) => byMethod[method],

    /**
     * What the user has enrolled (absent rows mean nothing), each factor's part of the
     * state read from its row; `row` is the account row (lockout counters, recovery set),
     * read at the same time, and `unavailable` the methods enrolled whose stored value
     * does not open (a secret no longer configured, a corrupt row): never offered, said
     * in a log line and a `two-factor.factor.unreadable` event, and still enrolled (no
     * factor is bound in their place without proof).
     */
    async of(userId) {
      const [row, slots] = await Promise.all([d.accounts.find(userId), d.store.factors.list(userId)]);
      const state = { row, unavailable: [] };
      for (const factor of STORED) {
        const { unavailable, ...part } = await factor.read(userId, slots.find((stored) => stored.slot === factor.slot) ?? null);
        Object.assign(state, part);
        if (!unavailable) continue;
        state.unavailable.push(factor.method);
        d.log.warn(`[two-factor] the ${factor.method} factor of user ${userId} does not open under the current or a previous secret: unavailable until it is set up again or reset`);
        d.events.emit('factor.unreadable', { userId, method: factor.method });
      }
      return state;
    },

    /** Whether any factor is enrolled, usable or not (e-mail needs no enrolment, so it does not count). */
    enrolled: (state) => STORED.some((factor) => factor.enrolled(state)) || state.unavailable.length > 0,

    /** The methods a login may use for this user, in the role's order. */
    usable: (user, policy, state) => policy.methods.filter((method) => byMethod[method].usable(user, state)),

    /** Whether a code goes out by `method` (and so counts against the delivery caps). */
    sends: (method) => byMethod[method].sends,

    /** Whether codes by `method` are also capped per destination (SMS: per number, whoever asks). */
    cappedPerDestination: (method) => byMethod[method].cappedPerDestination === true,

    /** Where a code by `method` goes for this user: the verified phone, the account e-mail; null for one that sends nothing. */
    destination: (user, method, state) => (byMethod[method].sends ? byMethod[method].destination(user, state) : null),

    /** Whether the user's factor of `method` can prove anything now (its secret opens). */
    available: async (userId, method) => (byMethod[method].available ? byMethod[method].available(userId) : true),

    /** The methods that need no enrolment (the account's own e-mail): what opens enrolment for a user with nothing enrolled. */
    withoutEnrolment: () => ALL.filter((factor) => factor.withoutEnrolment).map((factor) => factor.method),

    /**
     * What the user's status shows of each factor, by method (never a secret, a code or a
     * full number); `enrolledOnly`: only the factors a user enrols, as the admin sees them.
     */
    shown: (user, state, { enrolledOnly = false } = {}) =>
      Object.fromEntries(ALL.filter((factor) => !enrolledOnly || factor.slot).map((factor) => [factor.method, factor.shown(user, state)])),

    // The factors service's own names for enrolment, for an app's own code (imports,
    // scripts) as much as for the enrolment flow.
    /** A new pending authenticator secret: `{ secret, uri, qrSvg }`, shown once. */
    startTotp: (user) => totp.start(user),
    /** Activates the pending secret if `code` is current for it; false otherwise. */
    confirmTotp: (userId, code, now) => totp.confirm(userId, code, now),
    /** Binds a verified phone number. */
    setPhone: (userId, phone, now) => sms.confirm(userId, phone, now),

    /**
     * Which factor proves `code` on its own, with no challenge (a factor's method, or
     * 'recovery'), spending it (a TOTP step, a recovery code) so it proves nothing again;
     * null when none. `methods`: the factors the role allows (all when not given). The
     * caller has taken a place in the account's guess budget (flow/verify.js).
     */
    async prove(userId, code, now, { methods } = {}) {
      for (const factor of ALL) {
        if (factor.prove && (!methods || methods.includes(factor.method)) && (await factor.prove(userId, code, now))) return factor.method;
      }
      return (await d.recovery.use(userId, code, now)) ? 'recovery' : null;
    },

    /** Removes every factor (disable, or an admin reset); the lockout counter stays. */
    async clear(userId) {
      await d.store.factors.clear(userId);
    },
  };
};
module.exports.ENROLMENTS = ENROLMENTS;
