'use strict';

// With SEED_DEMO_USER set (the demo does), make sure the walk-through's user exists, with
// a phone number already verified (as the phone enrolment routes would leave it).
module.exports = {
  register() {},
  async bootstrap({ strapi }) {
    if (!process.env.SEED_DEMO_USER) return;
    const users = strapi.db.query('plugin::users-permissions.user');
    if (await users.findOne({ where: { username: 'demo' } })) return;
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const user = await strapi.plugin('users-permissions').service('user').add({
      username: 'demo',
      email: 'demo@example.com',
      password: process.env.SEED_DEMO_USER,
      provider: 'local',
      confirmed: true,
      role: role.id,
    });
    await strapi.plugin('two-factor').service('factors').setPhone(user.id, '+15555550123', Date.now());
  },
};
