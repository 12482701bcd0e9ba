'use strict';

// What a signed-in user sees and changes of their own two-factor account: its status,
// a step-up code for a sensitive change, a new set of recovery codes, turning two-factor
// off and forgetting a trusted device. Every change that could weaken the account needs
// a live code (accounts.requireCode); a step-up code is one way to get one.
const { errors, forbidden } = require('../errors');
const { PURPOSES } = require('../names');
const outcome = require('./outcome');

/** @param {import('../domain').Domain} d */
module.exports = (d) => ({
  async status(user) {
    const now = d.clock.now();
    const policy = await d.signIn.policyOf(user);
    const factors = await d.factors.of(user.id);
    return outcome.data({
      enabled: d.factors.enrolled(factors),
      enforcement: policy.enforcement,
      required: policy.enforcement === 'required',
      allowedMethods: policy.methods,
      methods: d.factors.shown(user, factors),
      unavailable: factors.unavailable,
      recoveryCodesRemaining: await d.recovery.remaining(user.id),
      trustedDeviceDays: policy.trustedDeviceDays ?? 0,
      trustedDevices: await d.devices.list(user.id, now),
    });
  },

  /** A code by SMS or e-mail that proves a factor for the next sensitive change. */
  async stepUp(user, { method }) {
    const policy = await d.signIn.policyOf(user);
    const factors = await d.factors.of(user.id);
    if (!d.factors.usable(user, policy, factors).includes(method) || !d.factors.sends(method)) {
      throw new errors.ValidationError('method must be sms or e-mail, enrolled and allowed for your role');
    }
    await d.accounts.assertUnlocked(user.id, d.clock.now());
    return outcome.data(await d.codes.sendFor(user, PURPOSES.stepUp, method, d.factors.destination(user, method, factors)));
  },

  async regenerateRecoveryCodes(user, { code }) {
    if (!d.factors.enrolled(await d.factors.of(user.id))) {
      throw new errors.ValidationError('Enrol an authenticator app or a phone first');
    }
    // The set this request replaces is the one it saw before proving a factor.
    const from = await d.recovery.generationOf(user.id);
    await d.accounts.requireCode(user, code);
    const recoveryCodes = await d.recovery.regenerate(user.id, from);
    await d.notify.send(user, 'recovery.regenerated');
    d.events.emit('recovery.regenerated', { userId: user.id });
    return outcome.data({ recoveryCodes });
  },

  async disable(user, { code }) {
    const policy = await d.signIn.policyOf(user);
    if (policy.enforcement === 'required') {
      throw forbidden('Two-factor authentication is required for your role and cannot be turned off');
    }
    await d.accounts.requireCode(user, code);
    await d.factors.clear(user.id);
    await d.recovery.clear(user.id);
    await d.devices.revokeAll(user.id);
    await d.notify.send(user, 'disabled');
    d.events.emit('disabled', { userId: user.id });
    return outcome.data({ enabled: false });
  },

  async revokeDevice(user, id) {
    if (!Number.isSafeInteger(id) || !(await d.devices.revoke(user.id, id))) {
      throw new errors.NotFoundError('No such trusted device');
    }
    await d.notify.send(user, 'device.revoked');
    d.events.emit('device.revoked', { userId: user.id, deviceId: id });
    return outcome.data({ id, revoked: true });
  },
});
