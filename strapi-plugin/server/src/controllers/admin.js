'use strict';

// Admin panel routes (admin JWT and the plugin's RBAC actions): the settings page (role
// policies, code settings, delivery status and a test message), and one user's
// two-factor state, with unlock, factor reset and device revocation. Every change is a
// `two-factor.admin.*` event naming the admin.
const iso = require('../iso');
const { errors, deliveryFailed } = require('../errors');
const mask = require('../mask');
const validate = require('../validate');
const { yup } = require('../strapi-utils');
const { METHODS, ENFORCEMENTS, RANGES, TRUSTED_DEVICE_DAYS } = require('../config/schema');
const parts = require('../plugin');

// One test message per admin per interval, counted in the database so that every
// process sees it: the button cannot run up an SMS bill.
const TEST_INTERVAL_SECONDS = 10;

const checkTestMessage = validate(
  yup
    .object({
      method: yup.mixed().oneOf(['sms', 'email'], 'method must be sms or email').required('method is required'),
      to: yup
        .string()
        .typeError('to must be a string')
        .required('to is required')
        .when('method', {
          is: 'sms',
          then: (to) => to.matches(/^\+[1-9]\d{6,14}$/, 'to must be a phone number in E.164 form, like +15551234567'),
          otherwise: (to) => to.email('to must be an e-mail address'),
        }),
    })
    .noUnknown(true, 'unknown field: ${unknown}')
    .strict(),
);

module.exports = ({ strapi }) => {
  const part = parts(strapi);

  /** The host's user named by the route, or a 404. */
  const targetUser = async (ctx) => {
    const id = Number(ctx.params.id);
    const user = Number.isSafeInteger(id) && (await part.host.findUser(id));
    if (!user) throw new errors.NotFoundError('No such user');
    return user;
  };

  /** Records an admin action: an event, and a log line without any secret. */
  const audit = (ctx, action, userId, extra = {}) => {
    part.events.emit(`admin.${action}`, { userId, adminId: ctx.state.user.id, ...extra });
    strapi.log.info(`[two-factor] admin ${ctx.state.user.id}: ${action} for user ${userId}`);
  };

  /** Everything the settings page shows: roles and their policies, code settings, delivery. */
  const settingsView = async () => ({
    roles: await part.policy.all(),
    ...(await part.settings.get()),
    options: { methods: METHODS, enforcements: ENFORCEMENTS, ranges: RANGES, trustedDeviceDays: TRUSTED_DEVICE_DAYS },
    delivery: part.delivery.status(),
    // The secrets a rotation still keeps, and what the last start found sealed under them.
    rotation: { ...(await part.settings.rotation()), previousSecrets: part.keys.previousSecrets() },
  });

  return {
    async getSettings(ctx) {
      ctx.body = { data: await settingsView() };
    },

    /**
     * `{ roles?: { <type>: policy }, code?, resend?, lockout? }`, checked as a whole by the
     * config's rules before anything is stored; a code-settings group may be partial. Only
     * what it names changes, so two admins saving at once keep each other's changes.
     */
    async updateSettings(ctx) {
      const { policies, codes } = await part.settings.change(ctx.request.body);
      const changed = [...Object.keys(policies).map((type) => `roles.${type}`), ...Object.keys(codes)];
      part.events.emit('admin.settings.updated', { changed, adminId: ctx.state.user.id });
      strapi.log.info(`[two-factor] admin ${ctx.state.user.id}: settings changed: ${changed.join(', ') || 'nothing'}`);
      ctx.body = { data: await settingsView() };
    },

    /** Sends a message without a code to what the admin typed, through the configured provider. */
    async sendTestMessage(ctx) {
      const { method, to } = checkTestMessage(ctx.request.body ?? {});
      const adminId = ctx.state.user.id;
      const now = part.clock.now();
      const slot = await part.limits.take('admin-test', String(adminId), { cap: 1, windowSeconds: TEST_INTERVAL_SECONDS, now });
      if (!slot.allowed) {
        throw new errors.RateLimitError('Wait a few seconds before sending another test message.', { retryAt: iso(slot.retryAt) });
      }
      try {
        await part.delivery.sendTest({ method, to, now });
      } catch (error) {
        // A provider's message may quote the recipient: the log keeps it masked, as elsewhere.
        const reason = String(error?.message ?? error);
        strapi.log.warn(`[two-factor] admin ${adminId}: test ${method} failed: ${reason.split(to).join(mask(method, to))}`);
        throw deliveryFailed(method, {}, `The ${method === 'sms' ? 'SMS' : 'e-mail'} provider did not accept the test message: ${reason}`);
      }
      part.events.emit('admin.test.sent', { method, adminId });
      strapi.log.info(`[two-factor] admin ${adminId}: test ${method} sent to ${mask(method, to)}`);
      ctx.body = { data: { sent: true, method, destination: mask(method, to) } };
    },

    /** What an admin may see of a user's second factors: never a secret, a code or a full number. */
    async getUser(ctx) {
      const user = await targetUser(ctx);
      const now = part.clock.now();
      const factors = await part.factors.of(user.id);
      const lock = await part.accounts.lockState(user.id, now, factors.row);
      const lastVerified = await part.challenges.lastVerifiedAt(user.id);
      ctx.body = {
        data: {
          id: user.id,
          methods: part.factors.shown(user, factors, { enrolledOnly: true }),
          // Enrolled, but its stored value does not open under the configured secrets.
          unavailable: factors.unavailable,
          failures: factors.row?.failures ?? 0,
          locked: lock.locked,
          lockedUntil: lock.locked ? iso(lock.until) : null,
          lastVerifiedAt: lastVerified === null ? null : iso(lastVerified),
          recoveryCodesRemaining: await part.recovery.remaining(user.id),
          trustedDevices: (await part.devices.list(user.id, now)).length,
        },
      };
    },

    async unlockUser(ctx) {
      const user = await targetUser(ctx);
      await part.accounts.resetFailures(user.id);
      await part.caps.lift(user.id);
      audit(ctx, 'unlocked', user.id);
      ctx.body = { data: { id: user.id, unlocked: true } };
    },

    /** Removes every factor, recovery code and trusted device, and ends the delivery windows: the user enrols again. */
    async resetUser(ctx) {
      const user = await targetUser(ctx);
      // Before the factors go: the number's window is found through the verified number.
      await part.caps.lift(user.id);
      await part.factors.clear(user.id);
      await part.recovery.clear(user.id);
      await part.credentials.end(user.id);
      await part.notify.send(user, 'disabled');
      audit(ctx, 'reset', user.id);
      ctx.body = { data: { id: user.id, reset: true } };
    },

    async revokeDevices(ctx) {
      const user = await targetUser(ctx);
      await part.devices.revokeAll(user.id);
      audit(ctx, 'devices.revoked', user.id);
      ctx.body = { data: { id: user.id, devicesRevoked: true } };
    },
  };
};
