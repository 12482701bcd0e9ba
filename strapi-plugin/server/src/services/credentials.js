'use strict';

// What was granted under a user's old credentials ends when they change: the user's
// open sign-in challenges and their trusted devices. A password, a block or a role can
// change through the content manager, PUT /api/users/:id, the users-permissions
// `user.edit` service, the auth routes or an app's own code; a lifecycle on the user
// sees every one of them, so no path can be missed.
const USER_UID = 'plugin::users-permissions.user';

/** What counts as the user's credentials: the password hash, the block, the role. */
const credentials = (user) => JSON.stringify([user.password ?? null, user.blocked === true, user.role?.id ?? null]);

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);

  /** The credentials of the users `where` names, by id. */
  const snapshot = async (where) => {
    const users = await strapi.db.query(USER_UID).findMany({ where, select: ['id', 'password', 'blocked'], populate: { role: { select: ['id'] } } });
    return new Map(users.map((user) => [user.id, credentials(user)]));
  };

  const before = async (event) => {
    event.state.twoFactorCredentials = await snapshot(event.params.where);
  };

  // The ids from before: an update can change what its own `where` matches (a block).
  const after = async (event) => {
    const previous = event.state.twoFactorCredentials;
    if (!previous?.size) return;
    const now = await snapshot({ id: { $in: [...previous.keys()] } });
    for (const [id, was] of previous) {
      if (now.get(id) !== was) await service('credentials').end(id);
    }
  };

  return {
    /** Subscribes to every update of a users-permissions user (bootstrap). */
    watch() {
      strapi.db.lifecycles.subscribe({
        models: [USER_UID],
        beforeUpdate: before,
        afterUpdate: after,
        beforeUpdateMany: before,
        afterUpdateMany: after,
      });
    },

    /** Ends the user's open challenges and forgets their trusted devices. */
    async end(userId) {
      await service('challenges').closeAll(userId);
      await service('devices').revokeAll(userId);
      service('events').emit('credentials.changed', { userId });
    },
  };
};
