'use strict';

// Self-service under /api/auth/2fa/ for a signed-in user (or, for enrolment, a user whose
// e-mailed code was verified): status, authenticator app, phone, recovery codes, trusted
// devices, step-up codes and turning 2FA off. Bodies were checked by the `body`
// middleware; nothing from the client reaches the database unchecked.
const tf = require('two-factor-wasm');
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
   */
  const confirmed = async (ctx, user, event, hadFactor) => {
    const recoveryCodes = hadFactor ? undefined : await service('recovery').regenerate(user.id);
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
    const { status, row } = await service('challenges').spendLatest(userId, purpose, code, now);
    if (status === 'none') throw new errors.ValidationError('No code is pending. Ask for a new one.');
    if (status === 'wrong') {
      await service('proof').fail(userId, now);
      throw new errors.ValidationError('Invalid code');
    }
    return row;
  };

  /** Sends a code for `purpose` to `destination`, honouring the resend cooldown. */
  const sendCode = async (user, purpose, method, destination) => {
    const now = service('clock').now();
    const challenges = service('challenges');
    const previous = await challenges.latest(user.id, purpose);
    // Only the cooldown applies here (each code is a new challenge, so there is no cap).
    const rules = await service('settings').get();
    const verdict = tf.resendVerdict({ now, lastSentAt: previous?.lastSentAt ?? 0, resends: 0, cooldownSeconds: rules.resend.cooldownSeconds });
    if (!verdict.allowed) {
      throw new errors.RateLimitError('Wait before asking for another code.', { retryAt: iso(verdict.retryAt) });
    }
    const { token, row, code } = await challenges.create({ userId: user.id, purpose, method, destination, now, rules });
    const { challenge, ...details } = await service('gate').deliver({ token, row, user, methods: [method], code, rules });
    return details;
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
            sms: factors.phone ? mask('sms', factors.phone) : null,
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
      if ((await service('factors').of(user.id)).totp) {
        throw new errors.ValidationError('An authenticator app is already set up. Turn two-factor off first to replace it.');
      }
      ctx.body = { data: await service('factors').startTotp(user) };
    },

    async totpConfirm(ctx) {
      const { user } = ctx.state;
      const now = service('clock').now();
      await service('gate').assertUnlocked(user.id, now);
      const before = await service('factors').of(user.id);
      if (!(await service('factors').confirmTotp(user.id, ctx.request.body.code, now))) {
        await service('proof').fail(user.id, now);
        throw new errors.ValidationError('Invalid code, or no authenticator setup is pending');
      }
      await service('accounts').resetFailures(user.id);
      return confirmed(ctx, user, 'totp.added', service('factors').enrolled(before));
    },

    async phoneSetup(ctx) {
      const { user } = ctx.state;
      const policy = await service('gate').policyOf(user);
      if (!policy.methods.includes('sms')) throw forbidden('Your role does not allow SMS codes');
      await service('gate').assertUnlocked(user.id, service('clock').now());
      ctx.body = { data: await sendCode(user, 'phone', 'sms', ctx.request.body.phoneNumber) };
    },

    async phoneConfirm(ctx) {
      const { user } = ctx.state;
      const now = service('clock').now();
      await service('gate').assertUnlocked(user.id, now);
      const before = await service('factors').of(user.id);
      const row = await checkChallengeCode(user.id, 'phone', ctx.request.body.code, now);
      await service('factors').setPhone(user.id, row.destination, now);
      await service('accounts').resetFailures(user.id);
      return confirmed(ctx, user, 'phone.added', service('factors').enrolled(before));
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
      await service('proof').require(user, ctx.request.body.code);
      const recoveryCodes = await service('recovery').regenerate(user.id);
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
