'use strict';

// Admin panel routes (admin JWT and the plugin's RBAC actions): the per-role policy, and
// unlocking one user's account after a lockout.
const { errors } = require('../errors');

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);

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
      strapi.log.info(`[two-factor] role policies changed by admin ${ctx.state.user.id}: ${Object.keys(roles).join(', ')}`);
      ctx.body = { data: { roles: await service('policy').all() } };
    },

    async unlockUser(ctx) {
      const id = Number(ctx.params.id);
      const user = Number.isSafeInteger(id) && (await strapi.db.query('plugin::users-permissions.user').findOne({ where: { id } }));
      if (!user) throw new errors.NotFoundError('No such user');
      await service('accounts').resetFailures(id);
      service('events').emit('unlocked', { userId: id, by: ctx.state.user.id });
      strapi.log.info(`[two-factor] user ${id} unlocked by admin ${ctx.state.user.id}`);
      ctx.body = { data: { id, unlocked: true } };
    },
  };
};
