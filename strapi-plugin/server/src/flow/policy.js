'use strict';

// Which roles need a second step, and which methods they may use. Admin edits live in the
// plugin store (see the settings service, which saves them); `roles` in the config seeds
// roles not edited.

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  // Role types are names admins choose: "constructor" must not find Object's (security.md #29).
  const own = (policies, type) => (Object.hasOwn(policies, type) ? policies[type] : undefined);
  const effective = (saved, type) => own(saved, type) ?? own(d.config('roles'), type) ?? d.config('defaultPolicy');
  const stored = () => d.settings.stored('roles');

  return {
    /** Every role of the host's users with its effective policy: `[{ type, name, policy }]`. */
    async all() {
      const saved = await stored();
      return (await d.host.roles()).map(({ type, name }) => ({ type, name, policy: effective(saved, type) }));
    },

    /** The policy of role `type`, from `saved` (a settings snapshot's `roles`) or the store. */
    async forRole(type, saved) {
      return effective(saved ?? (await stored()), type);
    },
  };
};
