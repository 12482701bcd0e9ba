'use strict';

// Which roles need a second step, and which methods they may use. Admin edits live in the
// plugin store (see the settings service, which saves them); `roles` in the config seeds
// roles not edited.
const parts = require('../plugin');

module.exports = ({ strapi }) => {
  const part = parts(strapi);
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
  // Role types are names admins choose: "constructor" must not find Object's (security.md #29).
  const own = (policies, type) => (Object.hasOwn(policies, type) ? policies[type] : undefined);
  const effective = (saved, type) => own(saved, type) ?? own(config('roles'), type) ?? config('defaultPolicy');
  const stored = () => part.settings.stored('roles');

  return {
    /** Every role of the host's users: `[{ type, name }]`. */
    roles() {
      return part.host.roles();
    },

    /** Every role with its effective policy: `[{ type, name, policy }]`. */
    async all() {
      const saved = await stored();
      return (await this.roles()).map(({ type, name }) => ({ type, name, policy: effective(saved, type) }));
    },

    /** The policy of role `type`, from `saved` (a settings snapshot's `roles`) or the store. */
    async forRole(type, saved) {
      return effective(saved ?? (await stored()), type);
    },
  };
};
