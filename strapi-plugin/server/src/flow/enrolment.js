'use strict';

// Enrolment: a signed-in user (or one whose e-mailed sign-in code opened enrolment)
// adds an authenticator app or a phone number. A user who has a factor adds or
// replaces one only with a live code from one they have: a stolen session alone cannot
// bind the attacker's app or number. The first factor brings a set of recovery codes,
// shown once; an enrolment sign-in then becomes a session.
const { forbidden } = require('../errors');
const outcome = require('./outcome');

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  /**
   * After a factor is confirmed: the first factor brings a set of recovery codes (shown
   * this once), the user is told by e-mail, and an enrolment sign-in becomes a session.
   * Which confirmation was the first is decided by the write that makes the set: of two
   * racing first factors, one brings the codes and the other none. `enrolment`: the
   * verified enrolment challenge the user came with, if any.
   */
  const confirmed = async (user, event, before, enrolment) => {
    const { recovery } = d;
    const first = !d.factors.enrolled(before);
    const recoveryCodes = first ? ((await recovery.issue(user.id, recovery.generationIn(before.row))) ?? undefined) : undefined;
    await d.notify.send(user, event);
    d.events.emit(event, { userId: user.id });
    if (enrolment) {
      await d.challenges.close(enrolment);
      const { role, ...plain } = user;
      return outcome.respond(plain, recoveryCodes ? { recoveryCodes } : {});
    }
    return outcome.data({ enabled: true, ...(recoveryCodes ? { recoveryCodes } : {}) });
  };

  return {
    /**
     * Enrolment's first step for the factor of `method` (an authenticator app's secret, a
     * code sent to a new number): only a factor the role allows, and with a factor
     * enrolled, only with a live code of it.
     */
    async setup(method, user, body) {
      const factor = d.factors.enrolling(method);
      const policy = await d.signIn.policyOf(user);
      if (!policy.methods.includes(method)) throw forbidden(`Your role does not allow ${factor.noun}`);
      const state = await d.factors.of(user.id);
      const proveIfEnrolled = async () => {
        if (d.factors.enrolled(state)) await d.accounts.requireCode(user, body.code);
      };
      return outcome.data(await factor.setup(user, body, { state, proveIfEnrolled }));
    },

    /**
     * Enrolment's second step: the factor's own proof completes it (`<slot>.added`).
     * `enrolment`: the verified enrolment challenge the user came with, if any.
     */
    async confirm(method, user, body, enrolment) {
      const factor = d.factors.enrolling(method);
      const now = d.clock.now();
      const before = await d.factors.of(user.id);
      await factor.complete(user, body, now);
      return confirmed(user, `${factor.slot}.added`, before, enrolment);
    },
  };
};
