'use strict';

// The demo's seed. With SEED_DEMO_ADMIN_EMAIL and SEED_DEMO_ADMIN_PASSWORD set, a super
// admin with that e-mail exists and has that password (the demo prints both). With
// SEED_DEMO_USER set, the walk-through's user exists, with a phone number already verified
// (as the phone enrolment routes would leave it).
const seedAdmin = async (strapi, email, password) => {
  const users = strapi.service('admin::user');
  const existing = await users.findOneByEmail(email);
  if (existing) {
    await users.updateById(existing.id, { password });
    return;
  }
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  await users.create({ email, firstname: 'Demo', lastname: 'Admin', password, isActive: true, roles: [superAdmin.id] });
};

module.exports = {
  register() {},
  async bootstrap({ strapi }) {
    const { SEED_DEMO_ADMIN_EMAIL: adminEmail, SEED_DEMO_ADMIN_PASSWORD: adminPassword } = process.env;
    if (adminEmail && adminPassword) await seedAdmin(strapi, adminEmail, adminPassword);
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
