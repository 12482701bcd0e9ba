'use strict';

// Self-service under /api/auth/2fa/ for a signed-in user (or, for enrolment, a user whose
// e-mailed code was verified): status, authenticator app, phone, recovery codes, trusted
// devices, step-up codes and turning 2FA off. Bodies were checked by the `body`
// middleware; nothing from the client reaches the database unchecked.
const { errors, forbidden } = require('../errors');
const mask = require('../mask');

const iso = (ms) => new Date(ms).toISOString();

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);

  /** The user without the populated role, as the stock login answers it. */
  const plain = ({ role, ...user }) => user;

  /**
   * After a factor is confirmed: the first factor brings a set of recovery codes (shown
   * this once), the user is told by e-mail, and an enrolment sign-in becomes a session.
   * Which confirmation was the first is decided by the write that makes the set: of two
   * racing first factors, one brings the codes and the other none.
   */
  const confirmed = async (ctx, user, event, before) => {
    const recovery = service('recovery');
    const first = !service('factors').enrolled(before);
    const recoveryCodes = first ? ((await recovery.issue(user.id, recovery.generationIn(before.row))) ?? undefined) : undefined;
    await service('notify').send(user, event);
    service('events').emit(event, { userId: user.id });
    if (ctx.state.enrolment) {
      await service('challenges').close(ctx.state.enrolment.id);
      return service('login').respond(ctx, plain(user), recoveryCodes ? { recoveryCodes } : {});
    }
    return ctx.send({ data: { enabled: true, ...(recoveryCodes ? { recoveryCodes } : {}) } });
  };

  /** The user's pending challenge of `purpose` if `code` is its code; throws otherwise. */
  const checkChallengeCode = async (userId, purpose, code, now) => {
    const proof = service('proof');
    const { status, row } = await service('challenges').spendLatest(userId, purpose, code, now, () => proof.guess(userId, now));
    if (status === 'lost') await proof.passed(userId);
    if (status !== 'ok' && status !== 'wrong') throw new errors.ValidationError('No code is pending. Ask for a new one.');
    if (status === 'wrong') {
      await proof.missed(userId, now);
      throw new errors.ValidationError('Invalid code');
    }
    await proof.passed(userId);
    return row;
  };

  /**
   * Sends a code for `purpose` to `destination`: one per resend cooldown and purpose
   * (taken by one conditional write, so two processes cannot both send), and only under
   * the delivery caps. `newNumber`: a phone setup to a number not tried just before.
   */
  const sendCode = async (user, purpose, method, destination, { newNumber = false } = {}) => {
    const now = service('clock').now();
    const rules = await service('settings').get();
    const { cooldownSeconds } = rules.resend;
    const cooldown = [`cooldown:${purpose}`, String(user.id)];
    if (cooldownSeconds > 0) {
      const slot = await service('limits').take(...cooldown, { cap: 1, windowSeconds: cooldownSeconds, now });
      if (!slot.allowed) throw new errors.RateLimitError('Wait before asking for another code.', { retryAt: iso(slot.retryAt) });
    }
    const caps = service('caps');
    const verdict = newNumber ? await caps.takeNewNumber({ userId: user.id, now, rules }) : { allowed: true };
    const cap = verdict.allowed ? await caps.take({ userId: user.id, method, destination, now, rules }) : verdict;
    if (!cap.allowed) throw caps.error(cap.retryAt);
    const { token, row, code } = await service('challenges').create({ userId: user.id, purpose, method, destination, now, rules });
    try {
      const { challenge, ...details } = await service('gate').deliver({ token, row, user, methods: [method], code, rules });
      return details;
    } catch (error) {
      // Nothing went out: no cooldown runs, so the retry the 503 offers works at once.
      if (cooldownSeconds > 0) await service('limits').release(...cooldown, now);
      throw error;
    }
  };

  /**
   * A user who has a factor adds or replaces one only with a live code from one they
   * have (as for turning 2FA off): a stolen session alone cannot bind the attacker's app
   * or number. A user with none enrols the first freely.
   */
  const requireProofIfEnrolled = async (user, factors, code) => {
    if (service('factors').enrolled(factors)) await service('proof').require(user, code);
  };

  /** Refuses a number outside `sms.allowedCountries` (E.164 calling codes), saying so. */
  const checkCountry = (phoneNumber) => {
    const allowed = strapi.config.get('plugin::two-factor.sms').allowedCountries ?? [];
    if (allowed.length === 0 || allowed.some((code) => phoneNumber.startsWith(`+${code}`))) return;
    throw new errors.ValidationError(`Phone numbers of this country are not accepted. Accepted country codes: ${allowed.map((code) => `+${code}`).join(', ')}`, {
      field: 'phoneNumber',
    });
  };

  return {
    async status(ctx) {
      const { user } = ctx.state;
      const now = service('clock').now();
      const policy = await service('gate').policyOf(user);
      const factors = await service('factors').of(user.id);
      ctx.body = {
        data: {
          enabled: service('factors').enrolled(factors),
          enforcement: policy.enforcement,
          required: policy.enforcement === 'required',
          allowedMethods: policy.methods,
          methods: {
            totp: factors.totp,
            sms: factors.phoneMasked,
            email: user.email ? mask('email', user.email) : null,
          },
          recoveryCodesRemaining: await service('recovery').remaining(user.id),
          trustedDeviceDays: policy.trustedDeviceDays ?? 0,
          trustedDevices: await service('devices').list(user.id, now),
        },
      };
    },

    async totpSetup(ctx) {
      const { user } = ctx.state;
      const policy = await service('gate').policyOf(user);
      if (!policy.methods.includes('totp')) throw forbidden('Your role does not allow authenticator apps');
      const factors = await service('factors').of(user.id);
      if (factors.totp) {
        throw new errors.ValidationError('An authenticator app is already set up. Turn two-factor off first to replace it.');
      }
      await requireProofIfEnrolled(user, factors, ctx.request.body.code);
      ctx.body = { data: await service('factors').startTotp(user) };
    },

    async totpConfirm(ctx) {
      const { user } = ctx.state;
      const now = service('clock').now();
      const before = await service('factors').of(user.id);
      await service('proof').guess(user.id, now);
      if (!(await service('factors').confirmTotp(user.id, ctx.request.body.code, now))) {
        await service('proof').missed(user.id, now);
        throw new errors.ValidationError('Invalid code, or no authenticator setup is pending');
      }
      await service('proof').passed(user.id);
      return confirmed(ctx, user, 'totp.added', before);
    },

    async phoneSetup(ctx) {
      const { user } = ctx.state;
      const policy = await service('gate').policyOf(user);
      if (!policy.methods.includes('sms')) throw forbidden('Your role does not allow SMS codes');
      const { phoneNumber, code } = ctx.request.body;
      checkCountry(phoneNumber);
      await service('gate').assertUnlocked(user.id, service('clock').now());
      await requireProofIfEnrolled(user, await service('factors').of(user.id), code);
      const previous = await service('challenges').latest(user.id, 'phone');
      const newNumber = previous?.destination !== phoneNumber;
      ctx.body = { data: await sendCode(user, 'phone', 'sms', phoneNumber, { newNumber }) };
    },

    async phoneConfirm(ctx) {
      const { user } = ctx.state;
      const now = service('clock').now();
      await service('gate').assertUnlocked(user.id, now);
      const before = await service('factors').of(user.id);
      const row = await checkChallengeCode(user.id, 'phone', ctx.request.body.code, now);
      await service('factors').setPhone(user.id, row.destination, now);
      return confirmed(ctx, user, 'phone.added', before);
    },

    async stepUp(ctx) {
      const { user } = ctx.state;
      const policy = await service('gate').policyOf(user);
      const factors = await service('factors').of(user.id);
      const method = ctx.request.body.method;
      if (method === 'totp' || !service('factors').usable(user, policy, factors).includes(method)) {
        throw new errors.ValidationError('method must be sms or e-mail, enrolled and allowed for your role');
      }
      await service('gate').assertUnlocked(user.id, service('clock').now());
      ctx.body = { data: await sendCode(user, 'step-up', method, service('gate').destination(user, method, factors)) };
    },

    async regenerateRecoveryCodes(ctx) {
      const { user } = ctx.state;
      if (!service('factors').enrolled(await service('factors').of(user.id))) {
        throw new errors.ValidationError('Enrol an authenticator app or a phone first');
      }
      // The set this request replaces is the one it saw before proving a factor.
      const from = await service('recovery').generationOf(user.id);
      await service('proof').require(user, ctx.request.body.code);
      const recoveryCodes = await service('recovery').regenerate(user.id, from);
      await service('notify').send(user, 'recovery.regenerated');
      service('events').emit('recovery.regenerated', { userId: user.id });
      ctx.body = { data: { recoveryCodes } };
    },

    async disable(ctx) {
      const { user } = ctx.state;
      const policy = await service('gate').policyOf(user);
      if (policy.enforcement === 'required') {
        throw forbidden('Two-factor authentication is required for your role and cannot be turned off');
      }
      await service('proof').require(user, ctx.request.body.code);
      await service('factors').clear(user.id);
      await service('recovery').clear(user.id);
      await service('devices').revokeAll(user.id);
      await service('notify').send(user, 'disabled');
      service('events').emit('disabled', { userId: user.id });
      ctx.body = { data: { enabled: false } };
    },

    async revokeDevice(ctx) {
      const { user } = ctx.state;
      const id = Number(ctx.params.id);
      if (!Number.isSafeInteger(id) || !(await service('devices').revoke(user.id, id))) {
        throw new errors.NotFoundError('No such trusted device');
      }
      await service('notify').send(user, 'device.revoked');
      service('events').emit('device.revoked', { userId: user.id, deviceId: id });
      ctx.body = { data: { id, revoked: true } };
    },
  };
};
