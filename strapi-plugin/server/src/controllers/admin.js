'use strict';

// Admin panel routes (admin JWT and the plugin's RBAC actions): the per-role policy, and
// one user's two-factor state, with unlock, factor reset and device revocation. Every
// change is a `two-factor.admin.*` event naming the admin.
const { errors } = require('../errors');
const mask = require('../mask');

const USER_UID = 'plugin::users-permissions.user';

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);

  /** The users-permissions user named by the route, or a 404. */
  const targetUser = async (ctx) => {
    const id = Number(ctx.params.id);
    const user = Number.isSafeInteger(id) && (await strapi.db.query(USER_UID).findOne({ where: { id } }));
    if (!user) throw new errors.NotFoundError('No such user');
    return user;
  };

  /** Records an admin action: an event, and a log line without any secret. */
  const audit = (ctx, action, userId, extra = {}) => {
    service('events').emit(`admin.${action}`, { userId, adminId: ctx.state.user.id, ...extra });
    strapi.log.info(`[two-factor] admin ${ctx.state.user.id}: ${action} for user ${userId}`);
  };

  return {
    async getPolicies(ctx) {
      ctx.body = { data: { roles: await service('policy').all() } };
    },

    async updatePolicies(ctx) {
      const { roles } = ctx.request.body ?? {};
      if (!roles || typeof roles !== 'object' || Array.isArray(roles)) {
        throw new errors.ValidationError('roles must be an object of role type to policy');
      }
      try {
        await service('policy').update(roles);
      } catch (error) {
        throw new errors.ValidationError(error.message);
      }
      service('events').emit('admin.policy.updated', { roles: Object.keys(roles), adminId: ctx.state.user.id });
      strapi.log.info(`[two-factor] admin ${ctx.state.user.id}: role policies changed: ${Object.keys(roles).join(', ')}`);
      ctx.body = { data: { roles: await service('policy').all() } };
    },

    /** What an admin may see of a user's second factors: never a secret, a code or a full number. */
    async getUser(ctx) {
      const user = await targetUser(ctx);
      const now = service('clock').now();
      const factors = await service('factors').of(user.id);
      const lock = await service('accounts').lockState(user.id, now, factors.row);
      const lastVerified = await service('challenges').lastVerifiedAt(user.id);
      ctx.body = {
        data: {
          id: user.id,
          methods: { totp: factors.totp, sms: factors.phone ? mask('sms', factors.phone) : null },
          failures: factors.row?.failures ?? 0,
          locked: lock.locked,
          lockedUntil: lock.locked ? new Date(lock.until).toISOString() : null,
          lastVerifiedAt: lastVerified === null ? null : new Date(lastVerified).toISOString(),
          recoveryCodesRemaining: await service('recovery').remaining(user.id),
          trustedDevices: (await service('devices').list(user.id, now)).length,
        },
      };
    },

    async unlockUser(ctx) {
      const user = await targetUser(ctx);
      await service('accounts').resetFailures(user.id);
      audit(ctx, 'unlocked', user.id);
      ctx.body = { data: { id: user.id, unlocked: true } };
    },

    /** Removes every factor, recovery code and trusted device: the user enrols again. */
    async resetUser(ctx) {
      const user = await targetUser(ctx);
      await service('factors').clear(user.id);
      await service('recovery').clear(user.id);
      await service('devices').revokeAll(user.id);
      await service('notify').send(user, 'disabled');
      audit(ctx, 'reset', user.id);
      ctx.body = { data: { id: user.id, reset: true } };
    },

    async revokeDevices(ctx) {
      const user = await targetUser(ctx);
      await service('devices').revokeAll(user.id);
      audit(ctx, 'devices.revoked', user.id);
      ctx.body = { data: { id: user.id, devicesRevoked: true } };
    },
  };
};
