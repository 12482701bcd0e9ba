'use strict';

// A credential change ends what was granted under the old credentials, whoever makes it
// and through whichever path: the user's open sign-in challenges stop working, and so do
// their trusted devices. Paths: an admin in the content manager, PUT /api/users/:id with
// an API token, reset-password, a block, a role change, and the admin's "Reset factors".
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { createUser, adminToken, ensureRole } = require('./helpers/fixtures');
const { startLogin, verify } = require('./helpers/two-step');

const USER_UID = 'plugin::users-permissions.user';
const NEW_PASSWORD = 'Another-Horse-7';

let app;
let http;
let sms;
let admin;
let apiToken;

test.before(async () => {
  sms = await twilio.start();
  app = await boot(sms.env);
  http = client(app.url);
  admin = await adminToken(http);
  const created = await http.post('/admin/api-tokens', { name: 'full', type: 'full-access', lifespan: null }, { token: admin });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  apiToken = created.body.data.accessKey;
  await ensureRole(app.strapi, 'staff');
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
});

let phoneSerial = 0;
const newUser = () => createUser(app.strapi, { phone: `+1555012${String((phoneSerial += 1)).padStart(4, '0')}` });

/** The trusted-device cookie a verify set, as a Cookie header. */
const deviceCookie = (res) => {
  const cookies = res.headers.getSetCookie().filter((c) => c.startsWith('strapi_2fa_device='));
  assert.equal(cookies.length, 1, 'a trusted-device cookie');
  return cookies[0].split(';')[0];
};

/**
 * A user with a trusted device and a second login pending, then `change(user)`. Returns
 * what the old challenge and the old device get afterwards.
 */
const afterChange = async (change, { password = (user) => user.password } = {}) => {
  const user = await newUser();
  const first = await startLogin(http, sms, user);
  const remembered = await http.post('/api/auth/2fa/verify', { challenge: first.challenge, code: first.code, rememberDevice: true });
  assert.equal(remembered.status, 200, JSON.stringify(remembered.body));
  const cookie = deviceCookie(remembered);
  const pending = await startLogin(http, sms, user);

  await change(user);

  const oldChallenge = await verify(http, pending.challenge, pending.code);
  const login = await http.post('/api/auth/local', { identifier: user.identifier, password: password(user) }, { headers: { cookie } });
  return { oldChallenge, login };
};

const assertEnded = ({ oldChallenge, login }) => {
  assert.equal(oldChallenge.status, 401, `the old challenge still works: ${JSON.stringify(oldChallenge.body)}`);
  assert.equal(oldChallenge.body.error.name, 'ChallengeClosedError');
  assert.equal(login.status, 401, `the old trusted device still skips the second step: ${login.status}`);
  assert.equal(login.body.error.name, 'TwoFactorRequiredError');
};

test('a password set by an admin in the content manager ends challenges and trusted devices', async () => {
  assertEnded(
    await afterChange(
      async (user) => {
        const res = await http.put(`/content-manager/collection-types/${USER_UID}/${user.documentId}`, { password: NEW_PASSWORD }, { token: admin });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      },
      { password: () => NEW_PASSWORD },
    ),
  );
});

test('a password set through PUT /api/users/:id ends challenges and trusted devices', async () => {
  assertEnded(
    await afterChange(
      async (user) => {
        const res = await http.put(`/api/users/${user.id}`, { password: NEW_PASSWORD }, { token: apiToken });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      },
      { password: () => NEW_PASSWORD },
    ),
  );
});

test('a password reset ends challenges and trusted devices', async () => {
  assertEnded(
    await afterChange(
      async (user) => {
        await app.strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { resetPasswordToken: `reset-${user.id}` } });
        const res = await http.post('/api/auth/reset-password', { code: `reset-${user.id}`, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD });
        // The reset logs in, so a user who owes a second step gets a challenge instead.
        assert.equal(res.status, 401, JSON.stringify(res.body));
      },
      { password: () => NEW_PASSWORD },
    ),
  );
});

test('a role change ends challenges and trusted devices', async () => {
  const { id: staff } = await ensureRole(app.strapi, 'staff');
  const { id: authenticated } = await ensureRole(app.strapi, 'authenticated');
  assertEnded(
    await afterChange(async (user) => {
      // Away and back: the user ends in the same required role, with nothing of before.
      await app.strapi.plugin('users-permissions').service('user').edit(user.id, { role: staff });
      await app.strapi.plugin('users-permissions').service('user').edit(user.id, { role: authenticated });
    }),
  );
});

test('a block ends challenges and trusted devices', async () => {
  const user = await newUser();
  const pending = await startLogin(http, sms, user);
  await app.strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { blocked: true } });
  await app.strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { blocked: false } });
  const res = await verify(http, pending.challenge, pending.code);
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.name, 'ChallengeClosedError');
});

test('an admin\'s "Reset factors" ends open challenges', async () => {
  const user = await newUser();
  const pending = await startLogin(http, sms, user);
  assert.equal((await http.post(`/two-factor/users/${user.id}/reset`, {}, { token: admin })).status, 200);
  const res = await verify(http, pending.challenge, pending.code);
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.name, 'ChallengeClosedError');
});

test('an edit that changes no credential keeps challenges and devices', async () => {
  const user = await newUser();
  const pending = await startLogin(http, sms, user);
  await app.strapi.plugin('users-permissions').service('user').edit(user.id, { username: `${user.identifier}-renamed` });
  assert.equal((await verify(http, pending.challenge, pending.code)).status, 200);
});
