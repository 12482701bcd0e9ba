'use strict';

// Every other way to a token for a user whose role requires 2FA: register, reset and
// change password, the OAuth callback, and GraphQL login, register and e-mail
// confirmation. Each must answer the challenge, never a token.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const smtp = require('./helpers/smtp');
const { createUser, ensureRole } = require('./helpers/fixtures');

let app;
let http;
let sms;
let mail;
const NEW_PASSWORD = 'Another-Horse-7';

test.before(async () => {
  sms = await twilio.start();
  mail = await smtp.start();
  app = await boot({ ...sms.env, ...mail.env });
  http = client(app.url);
  await ensureRole(app.strapi, 'staff');
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
  await mail?.close();
});

/** Asserts a REST answer is the challenge and carries no token; returns its details. */
const assertChallenge = (res) => {
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.name, 'TwoFactorRequiredError');
  assert.equal(res.body.jwt, undefined);
  assert.equal(res.body.refreshToken, undefined);
  assert.equal(res.headers.get('set-cookie'), null);
  return res.body.error.details;
};

const finish = async (details, phone) => {
  const code = await sms.codeFor(phone, 0);
  const res = await http.post('/api/auth/2fa/verify', { challenge: details.challenge, code });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

const graphql = (query, variables) => http.post('/graphql', { query, variables });

test('register answers the challenge when the default role requires 2FA', async () => {
  const mailed = mail.mails.length;
  const res = await http.post('/api/auth/local/register', { username: 'newcomer', email: 'newcomer@example.com', password: 'Brand-New-1' });
  const details = assertChallenge(res);
  assert.equal(details.method, 'email', 'nothing enrolled yet: an e-mailed code');
  const code = await mail.codeFor('newcomer@example.com', mailed);
  const done = await http.post('/api/auth/2fa/verify', { challenge: details.challenge, code });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.user.username, 'newcomer');
});

test('reset-password answers the challenge, and the new password is in place', async () => {
  const user = await createUser(app.strapi, { phone: '+15550109002' });
  const mailed = mail.mails.length;
  assert.equal((await http.post('/api/auth/forgot-password', { email: user.email })).status, 200);
  const { text } = await mail.mailTo(user.email, mailed, /code=(3D)?[0-9a-f]{128}/);
  const resetCode = text.match(/code=(?:3D)?([0-9a-f]{128})/)[1];
  const res = await http.post('/api/auth/reset-password', { code: resetCode, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD });
  assertChallenge(res);
  const login = await http.post('/api/auth/local', { identifier: user.identifier, password: NEW_PASSWORD });
  assertChallenge(login);
});

test('change-password answers the challenge instead of new tokens', async () => {
  const user = await createUser(app.strapi, { phone: '+15550109003' });
  const session = await finish(assertChallenge(await http.post('/api/auth/local', { identifier: user.identifier, password: user.password })), user.phoneNumber);
  const res = await http.post(
    '/api/auth/change-password',
    { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD },
    { token: session.jwt },
  );
  const details = assertChallenge(res);
  const sent = sms.messages.length;
  const code = await sms.codeFor(user.phoneNumber, sent - 1);
  assert.equal((await http.post('/api/auth/2fa/verify', { challenge: details.challenge, code })).status, 200);
});

test('an off role keeps the stock register-style responses (change-password)', async () => {
  const user = await createUser(app.strapi, { role: 'staff' });
  const login = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(login.status, 200);
  const res = await http.post(
    '/api/auth/change-password',
    { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD },
    { token: login.body.jwt },
  );
  assert.equal(res.status, 200);
  assert.ok(res.body.jwt && res.body.refreshToken);
});

/** A koa-session cookie as Strapi's session middleware signs it (keygrip, first app key). */
const sessionCookie = (session) => {
  const value = Buffer.from(JSON.stringify({ ...session, _expire: Date.now() + 60_000, _maxAge: 60_000 })).toString('base64');
  const key = process.env.APP_KEYS.split(',')[0];
  const sig = crypto.createHmac('sha1', key).update(`koa.sess=${value}`).digest('base64').replace(/\//g, '_').replace(/\+/g, '-').replace(/=+$/, '');
  return `koa.sess=${value}; koa.sess.sig=${sig}`;
};

test('the OAuth provider callback answers the challenge for a required role', async () => {
  const store = app.strapi.store({ type: 'plugin', name: 'users-permissions' });
  const grant = await store.get({ key: 'grant' });
  await store.set({ key: 'grant', value: { ...grant, github: { ...grant.github, enabled: true } } });
  const required = await createUser(app.strapi, { phone: '+15550109004' });
  const off = await createUser(app.strapi, { role: 'staff' });
  // GitHub is not reachable from a test: the provider's profile exchange returns our user.
  const providers = app.strapi.plugin('users-permissions').service('providers');
  const connect = providers.connect;
  const headers = { cookie: sessionCookie({ grant: { response: { access_token: 'loopback' } } }) };
  try {
    providers.connect = async () => app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: required.id } });
    assertChallenge(await http.get('/api/auth/github/callback', { headers }));
    providers.connect = async () => app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: off.id } });
    const stock = await http.get('/api/auth/github/callback', { headers });
    assert.equal(stock.status, 200, JSON.stringify(stock.body));
    assert.ok(stock.body.jwt);
  } finally {
    providers.connect = connect;
  }
});

test('GraphQL login and register answer the challenge in extensions, with no jwt', async () => {
  const user = await createUser(app.strapi, { phone: '+15550109005' });
  const login = await graphql('mutation ($input: UsersPermissionsLoginInput!) { login(input: $input) { jwt } }', {
    input: { identifier: user.identifier, password: user.password },
  });
  assert.equal(login.body.data, null);
  assert.equal(login.body.errors[0].extensions.error.name, 'TwoFactorRequiredError');
  const details = login.body.errors[0].extensions.error.details;
  assert.match(details.challenge, /^[A-Za-z0-9_-]{43}$/);
  await finish(details, user.phoneNumber);

  const off = await createUser(app.strapi, { role: 'staff' });
  const stock = await graphql('mutation ($input: UsersPermissionsLoginInput!) { login(input: $input) { jwt user { username } } }', {
    input: { identifier: off.identifier, password: off.password },
  });
  assert.ok(stock.body.data.login.jwt, 'an off role still logs in over GraphQL');
  assert.equal(stock.body.data.login.user.username, off.identifier);

  const register = await graphql('mutation ($input: UsersPermissionsRegisterInput!) { register(input: $input) { jwt } }', {
    input: { username: 'graphqlnewcomer', email: 'graphqlnewcomer@example.com', password: 'Brand-New-2' },
  });
  assert.equal(register.body.data, null);
  assert.equal(register.body.errors[0].extensions.error.name, 'TwoFactorRequiredError');
});

test('GraphQL e-mail confirmation answers the challenge', async () => {
  const store = app.strapi.store({ type: 'plugin', name: 'users-permissions' });
  const advanced = await store.get({ key: 'advanced' });
  await store.set({ key: 'advanced', value: { ...advanced, email_confirmation: true } });
  try {
    const res = await http.post('/api/auth/local/register', { username: 'confirmme', email: 'confirmme@example.com', password: 'Brand-New-3' });
    assert.equal(res.status, 200);
    assert.equal(res.body.jwt, undefined);
    const user = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'confirmme' } });
    const confirm = await graphql('mutation ($c: String!) { emailConfirmation(confirmation: $c) { jwt } }', { c: user.confirmationToken });
    assert.equal(confirm.body.data?.emailConfirmation ?? null, null);
    assert.equal(confirm.body.errors[0].extensions.error.name, 'TwoFactorRequiredError');
  } finally {
    await store.set({ key: 'advanced', value: advanced });
  }
});
