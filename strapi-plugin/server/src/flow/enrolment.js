'use strict';

// Enrolment: a signed-in user (or one whose e-mailed sign-in code opened enrolment)
// adds an authenticator app or a phone number. A user who has a factor adds or
// replaces one only with a live code from one they have: a stolen session alone cannot
// bind the attacker's app or number. The first factor brings a set of recovery codes,
// shown once; an enrolment sign-in then becomes a session.
const { errors, forbidden } = require('../errors');
const { METHODS, PURPOSES } = require('../names');
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

  /** The user's pending challenge of `purpose` if `code` is its code; throws otherwise. */
  const checkChallengeCode = async (userId, purpose, code, now) => {
    let rules;
    const { status, row } = await d.challenges.spendLatest(userId, purpose, code, now, async () => {
      rules = await d.accounts.guess(userId, now);
    });
    if (status === 'lost') await d.accounts.resetFailures(userId);
    if (status !== 'ok' && status !== 'wrong') throw new errors.ValidationError('No code is pending. Ask for a new one.');
    if (status === 'wrong') {
      await d.accounts.missed(userId, now, rules);
      throw new errors.ValidationError('Invalid code');
    }
    await d.accounts.resetFailures(userId);
    return row;
  };

  const requireProofIfEnrolled = async (user, factors, code) => {
    if (d.factors.enrolled(factors)) await d.accounts.requireCode(user, code);
  };

  /** Refuses a number outside `sms.allowedCountries` (E.164 calling codes), saying so. */
  const checkCountry = (phoneNumber) => {
    const allowed = d.config('sms').allowedCountries ?? [];
    if (allowed.length === 0 || allowed.some((code) => phoneNumber.startsWith(`+${code}`))) return;
    throw new errors.ValidationError(`Phone numbers of this country are not accepted. Accepted country codes: ${allowed.map((code) => `+${code}`).join(', ')}`, {
      field: 'phoneNumber',
    });
  };

  return {
    async totpSetup(user, { code }) {
      const policy = await d.signIn.policyOf(user);
      if (!policy.methods.includes(METHODS.totp)) throw forbidden('Your role does not allow authenticator apps');
      const factors = await d.factors.of(user.id);
      if (factors.totp) {
        throw new errors.ValidationError('An authenticator app is already set up. Turn two-factor off first to replace it.');
      }
      await requireProofIfEnrolled(user, factors, code);
      return outcome.data(await d.factors.startTotp(user));
    },

    async totpConfirm(user, { code }, enrolment) {
      const now = d.clock.now();
      const before = await d.factors.of(user.id);
      const rules = await d.accounts.guess(user.id, now);
      if (!(await d.factors.confirmTotp(user.id, code, now))) {
        await d.accounts.missed(user.id, now, rules);
        throw new errors.ValidationError('Invalid code, or no authenticator setup is pending');
      }
      await d.accounts.resetFailures(user.id);
      return confirmed(user, 'totp.added', before, enrolment);
    },

    async phoneSetup(user, { phoneNumber, code }) {
      const policy = await d.signIn.policyOf(user);
      if (!policy.methods.includes(METHODS.sms)) throw forbidden('Your role does not allow SMS codes');
      checkCountry(phoneNumber);
      await d.accounts.assertUnlocked(user.id, d.clock.now());
      await requireProofIfEnrolled(user, await d.factors.of(user.id), code);
      const previous = await d.challenges.latest(user.id, PURPOSES.phone);
      const newNumber = previous?.destination !== phoneNumber;
      return outcome.data(await d.codes.sendFor(user, PURPOSES.phone, METHODS.sms, phoneNumber, { newNumber }));
    },

    async phoneConfirm(user, { code }, enrolment) {
      const now = d.clock.now();
      await d.accounts.assertUnlocked(user.id, now);
      const before = await d.factors.of(user.id);
      const row = await checkChallengeCode(user.id, PURPOSES.phone, code, now);
      // A number sealed under a secret no longer configured cannot be bound.
      if (row.destination === null) throw new errors.ValidationError('No code is pending. Ask for a new one.');
      await d.factors.setPhone(user.id, row.destination, now);
      return confirmed(user, 'phone.added', before, enrolment);
    },
  };
};
