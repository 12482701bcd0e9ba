'use strict';

// Test data made through Strapi's own services, as an app's seed script would.
const PASSWORD = 'Correct-Horse-9';

const roleByType = (strapi, type) => strapi.db.query('plugin::users-permissions.role').findOne({ where: { type } });

/** A role of `type` (created if needed) that may call GET /api/users/me. */
const ensureRole = async (strapi, type) => {
  const existing = await roleByType(strapi, type);
  if (existing) return existing;
  const role = await strapi.db.query('plugin::users-permissions.role').create({ data: { name: type, type, description: type } });
  for (const action of ['plugin::users-permissions.user.me', 'plugin::users-permissions.auth.changePassword']) {
    await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
  }
  return role;
};

let serial = 0;
/** A confirmed local user in the role of `type`, with an optional verified phone number. */
const createUser = async (strapi, { role = 'authenticated', phone } = {}) => {
  serial += 1;
  const name = `user${serial}x${process.pid}`;
  const { id: roleId } = await ensureRole(strapi, role);
  const user = await strapi.plugin('users-permissions').service('user').add({
    username: name,
    email: `${name}@example.com`,
    password: PASSWORD,
    provider: 'local',
    confirmed: true,
    role: roleId,
  });
  // A phone verified as the phone enrolment routes would leave it.
  if (phone) await strapi.plugin('two-factor').service('factors').setPhone(user.id, phone, Date.now());
  return { ...user, phoneNumber: phone, password: PASSWORD, identifier: name };
};

/** The first admin, registered over HTTP as on a new install; returns its JWT. */
const adminToken = async (http) => {
  const res = await http.post('/admin/register-admin', {
    email: 'admin@example.com',
    firstname: 'Ada',
    lastname: 'Admin',
    password: 'Admin-Password-1',
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`register-admin: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.token;
};

/** A new admin role, named `name`, allowed exactly `actions` (e.g. `plugin::two-factor.settings.read`). */
const adminRole = async (strapi, name, actions) => {
  const role = await strapi.service('admin::role').create({ name, description: name });
  await strapi.service('admin::role').assignPermissions(role.id, actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] })));
  return role;
};

/**
 * An active admin with one of Strapi's built-in admin roles (`roleCode`: `strapi-editor`,
 * `strapi-author`, `strapi-super-admin`) or a new role allowed only `actions`; returns
 * `{ email, password }`.
 */
const createAdmin = async (strapi, { email, roleCode, actions }) => {
  const role = roleCode
    ? await strapi.db.query('admin::role').findOne({ where: { code: roleCode } })
    : await adminRole(strapi, `only ${actions.join(', ')}`, actions);
  const password = 'Other-Admin-Password-1';
  await strapi.service('admin::user').create({ email, firstname: 'Other', lastname: 'Admin', password, isActive: true, roles: [role.id] });
  return { email, password };
};

/**
 * Records every event whose name starts with `prefix` that Strapi's event hub emits from
 * now on, as `{ name, payload }`, in the array it returns (the events still go out).
 */
const recordEvents = (strapi, prefix) => {
  const events = [];
  const emit = strapi.eventHub.emit.bind(strapi.eventHub);
  strapi.eventHub.emit = (name, payload) => {
    if (name.startsWith(prefix)) events.push({ name, payload });
    return emit(name, payload);
  };
  return events;
};

/** Moves the plugin's clock (the one place it reads the time) by `ms`; returns a reset. */
const shiftClock = (strapi, ms) => {
  const clock = strapi.plugin('two-factor').service('clock');
  const original = clock.now;
  clock.now = () => original() + ms;
  return () => {
    clock.now = original;
  };
};

module.exports = { PASSWORD, ensureRole, createUser, adminToken, createAdmin, recordEvents, shiftClock };
