'use strict';

// Which roles need a second step, and which methods they may use. Admin edits live in the
// plugin store (so every process sees them); `roles` in the config seeds roles not edited.
const STORE_KEY = 'roles';

module.exports = ({ strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: 'two-factor' });
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
  const stored = async () => (await store().get({ key: STORE_KEY })) ?? {};
  const effective = (saved, type) => saved[type] ?? config('roles')[type] ?? config('defaultPolicy');

  return {
    /** Every users-permissions role: `[{ type, name }]`. */
    async roles() {
      return strapi.db.query('plugin::users-permissions.role').findMany({ select: ['type', 'name'], orderBy: { id: 'asc' } });
    },

    /** Every role with its effective policy: `[{ type, name, policy }]`. */
    async all() {
      const saved = await stored();
      return (await this.roles()).map(({ type, name }) => ({ type, name, policy: effective(saved, type) }));
    },

    async forRole(type) {
      return effective(await stored(), type);
    },

    /** Stores policies, by role type, already checked against the role policy schema. */
    async save(policies) {
      await store().set({ key: STORE_KEY, value: { ...(await stored()), ...policies } });
    },
  };
};
