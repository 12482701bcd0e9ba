'use strict';

// Which roles need a second step, and which methods they may use. Admin edits live in the
// plugin store (so every process sees them); `roles` in the config seeds roles not edited.
const { rolePolicySchema } = require('../config/schema');

const STORE_KEY = 'roles';

module.exports = ({ strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: 'two-factor' });
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);

  return {
    /** Every role's effective policy, by role type. */
    async all() {
      const roles = await strapi.db.query('plugin::users-permissions.role').findMany({ select: ['type'] });
      const stored = (await store().get({ key: STORE_KEY })) ?? {};
      return Object.fromEntries(
        roles.map(({ type }) => [type, stored[type] ?? config('roles')[type] ?? config('defaultPolicy')]),
      );
    },

    async forRole(type) {
      const stored = (await store().get({ key: STORE_KEY })) ?? {};
      return stored[type] ?? config('roles')[type] ?? config('defaultPolicy');
    },

    /** Validates and stores policies for the given role types; unknown types are refused. */
    async update(patch) {
      const known = new Set((await strapi.db.query('plugin::users-permissions.role').findMany({ select: ['type'] })).map((r) => r.type));
      const next = (await store().get({ key: STORE_KEY })) ?? {};
      for (const [type, policy] of Object.entries(patch)) {
        if (!known.has(type)) throw new Error(`unknown role type: ${type}`);
        next[type] = rolePolicySchema.validateSync(policy, { strict: true });
      }
      await store().set({ key: STORE_KEY, value: next });
      return next;
    },
  };
};
