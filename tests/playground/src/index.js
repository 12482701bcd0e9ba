'use strict';

// With SEED_DEMO_USER set (the demo does), make sure the walk-through's user exists.
module.exports = {
  register() {},
  async bootstrap({ strapi }) {
    if (!process.env.SEED_DEMO_USER) return;
    const users = strapi.db.query('plugin::users-permissions.user');
    if (await users.findOne({ where: { username: 'demo' } })) return;
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    await strapi.plugin('users-permissions').service('user').add({
      username: 'demo',
      email: 'demo@example.com',
      password: process.env.SEED_DEMO_USER,
      phoneNumber: '+15555550123',
      provider: 'local',
      confirmed: true,
      role: role.id,
    });
  },
};
