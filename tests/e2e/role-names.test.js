'use strict';

// Role types are slugs of names admins choose, so a role can be called "Constructor" or
// "toString". None of them may find something of Object.prototype where a policy is
// looked up (security.md #29): each logs in as the stock login does while its policy is
// off, can be set to required by the admin, and is listed on the settings page.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const smtp = require('./helpers/smtp');
const { createUser, ensureRole, adminToken } = require('./helpers/fixtures');

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const REQUIRED = { enforcement: 'required', methods: ['email'], trustedDeviceDays: 0 };
const OFF = { enforcement: 'off', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 0 };

let app;
let http;
let mail;
let token;
const users = {};

test.before(async () => {
  mail = await smtp.start();
  app = await boot(mail.env);
  http = client(app.url);
  token = await adminToken(http);
  for (const type of NAMES) {
    await ensureRole(app.strapi, type);
    users[type] = await createUser(app.strapi, { role: type });
  }
});
test.after(async () => {
  await app?.stop();
  await mail?.close();
});

const login = (type) => http.post('/api/auth/local', { identifier: users[type].identifier, password: users[type].password });
const listed = async () => (await http.get('/two-factor/settings', { token })).body.data.roles.filter((role) => NAMES.includes(role.type));

test('each role logs in with the stock answer while its policy is off (the default)', async () => {
  for (const type of NAMES) {
    const res = await login(type);
    assert.equal(res.status, 200, `${type}: ${JSON.stringify(res.body)}`);
    assert.ok(res.body.jwt, type);
  }
});

test('the settings page lists each role with the default policy', async () => {
  assert.deepEqual(
    (await listed()).map(({ type, name, policy }) => [type, name, policy]),
    NAMES.map((type) => [type, type, OFF]),
  );
});

test('the admin sets each role to required, and its next login owes a second step', async () => {
  // JSON with a "__proto__" key never reaches the plugin: Strapi's body parser refuses it.
  for (const type of NAMES.filter((name) => name !== '__proto__')) {
    const res = await http.put('/two-factor/settings', { roles: { [type]: REQUIRED } }, { token });
    assert.equal(res.status, 200, `${type}: ${JSON.stringify(res.body)}`);
  }
  const proto = await fetch(`${app.url}/two-factor/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: `{"roles":{"__proto__":${JSON.stringify(REQUIRED)}}}`,
  });
  assert.equal(proto.status, 400, 'the body parser refuses the key');
  // The same change through the service behind the admin route, from a parsed body.
  await app.strapi.plugin('two-factor').service('settings').change(JSON.parse(`{"roles":{"__proto__":${JSON.stringify(REQUIRED)}}}`));

  assert.deepEqual(
    (await listed()).map(({ type, policy }) => [type, policy]),
    NAMES.map((type) => [type, REQUIRED]),
  );
  for (const type of NAMES) {
    const res = await login(type);
    assert.equal(res.status, 401, `${type}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.name, 'TwoFactorRequiredError', type);
    assert.deepEqual(res.body.error.details.methods, ['email'], type);
  }
});
