'use strict';

// Which roles need a second step, and which methods they may use. Admin edits live in the
// plugin store (see the settings service, which saves them); `roles` in the config seeds
// roles not edited.
module.exports = ({ strapi }) => {
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
  // Role types are names admins choose: "constructor" must not find Object's (security.md #29).
  const own = (policies, type) => (Object.hasOwn(policies, type) ? policies[type] : undefined);
  const effective = (saved, type) => own(saved, type) ?? own(config('roles'), type) ?? config('defaultPolicy');
  const stored = () => strapi.plugin('two-factor').service('settings').stored('roles');

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
  };
};
