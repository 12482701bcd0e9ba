'use strict';

// The admin API behind the settings page and the user panel: role policies and code
// settings (validated by the config's rules, stored all or nothing), delivery status
// without secrets, the test message, one user's state and the actions on it, the events
// they emit, and 403 for an admin without the plugin's permissions.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const smtp = require('./helpers/smtp');
const { createUser, adminToken, createAdmin, ensureRole, recordEvents, shiftClock } = require('./helpers/fixtures');
const twoStep = require('./helpers/two-step');

let app;
let http;
let sms;
let mail;
let token;
let events;

test.before(async () => {
  sms = await twilio.start();
  mail = await smtp.start();
  app = await boot({ ...sms.env, ...mail.env });
  http = client(app.url);
  token = await adminToken(http);
  await ensureRole(app.strapi, 'staff'); // policy: off (the plugin's default)
  events = recordEvents(app.strapi, 'two-factor.admin.');
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
  await mail?.close();
});

const adminId = async () => (await http.get('/admin/users/me', { token })).body.data.id;
const settings = async () => (await http.get('/two-factor/settings', { token })).body.data;
const policyOf = (data, type) => data.roles.find((role) => role.type === type).policy;

test('the settings page data: every role with its policy, code settings, limits, and delivery without secrets', async () => {
  const res = await http.get('/two-factor/settings', { token });
  assert.equal(res.status, 200);
  const body = res.body.data;
  assert.deepEqual(
    body.roles.map((role) => [role.type, role.name]).filter(([type]) => ['authenticated', 'public', 'staff'].includes(type)),
    [['authenticated', 'Authenticated'], ['public', 'Public'], ['staff', 'staff']],
  );
  assert.deepEqual(policyOf(body, 'authenticated'), { enforcement: 'required', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 30 });
  assert.deepEqual(policyOf(body, 'staff'), { enforcement: 'off', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 0 });
  assert.deepEqual(body.code, { digits: 6, ttlSeconds: 300, maxAttempts: 5 });
  assert.deepEqual(body.resend, { cooldownSeconds: 30, maxResends: 3 });
  assert.deepEqual(body.lockout, { threshold: 10, durationSeconds: 900 });
  assert.deepEqual(body.options.ranges.code.digits, [6, 10]);
  assert.deepEqual(body.delivery.sms, { provider: 'twilio', configured: true, from: twilio.FROM, endpoint: null });
  assert.equal(body.delivery.email.provider, 'nodemailer');
  const text = JSON.stringify(res.body);
  for (const secret of [twilio.ACCOUNT_SID, twilio.AUTH_TOKEN, process.env.TWO_FACTOR_SECRET]) assert.ok(!text.includes(secret), 'no provider or plugin secret');
});

test('the plugin\'s three actions are listed for admin roles, under Plugins', async () => {
  const res = await http.get('/admin/permissions', { token });
  assert.equal(res.status, 200);
  const ours = res.body.data.sections.plugins.filter((action) => action.plugin === 'two-factor').map((action) => action.action);
  assert.deepEqual(ours.sort(), ['plugin::two-factor.settings.read', 'plugin::two-factor.settings.update', 'plugin::two-factor.users.manage']);
});

test('a bad change is refused with the config\'s messages, and nothing of it is stored', async () => {
  const before = await settings();
  const bad = await http.put(
    '/two-factor/settings',
    {
      roles: { staff: { enforcement: 'required', methods: ['email'], trustedDeviceDays: 0 }, authenticated: { enforcement: 'sometimes', methods: [], trustedDeviceDays: 91 } },
      code: { digits: 11 },
    },
    { token },
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.name, 'ValidationError');
  assert.deepEqual(
    bad.body.error.details.errors.map((e) => [e.path.join('.'), e.message]).sort(),
    [
      ['code.digits', 'code.digits must be at most 10'],
      ['roles.authenticated.enforcement', 'enforcement must be one of: off, optional, required'],
      ['roles.authenticated.methods', 'methods must list at least one method'],
      ['roles.authenticated.trustedDeviceDays', 'trustedDeviceDays must be at most 90'],
    ],
  );
  for (const body of [{ roles: { ghosts: { enforcement: 'off', methods: ['sms'] } } }, { codes: {} }, { lockout: { threshold: 'ten' } }, { resend: { maxResends: -1 } }]) {
    const res = await http.put('/two-factor/settings', body, { token });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error.details.errors[0].message, /unknown role: ghosts|unknown setting: codes|lockout.threshold must be a number|resend.maxResends must be at least 0/);
  }
  const notAnObject = await http.put('/two-factor/settings', [{ code: { digits: 8 } }], { token });
  assert.equal(notAnObject.status, 400);
  assert.match(notAnObject.body.error.message, /must be an object/);
  assert.deepEqual(await settings(), before, 'the valid staff policy in the refused change was not stored either');
});

test('a change takes effect at the next sign-in: the role policy and the number of digits', async () => {
  const updated = await http.put(
    '/two-factor/settings',
    { roles: { staff: { enforcement: 'required', methods: ['email'], trustedDeviceDays: 0 } }, code: { digits: 8 } },
    { token },
  );
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  assert.deepEqual(policyOf(updated.body.data, 'staff'), { enforcement: 'required', methods: ['email'], trustedDeviceDays: 0 });
  assert.deepEqual(updated.body.data.code, { digits: 8, ttlSeconds: 300, maxAttempts: 5 }, 'a partial group keeps the other values');

  const user = await createUser(app.strapi, { role: 'staff', phone: '+15550109991' });
  const sent = mail.mails.length;
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 401);
  assert.equal(res.body.error.details.method, 'email');
  const code = await mail.codeFor(user.email, sent);
  assert.match(code, /^\d{8}$/);
  assert.equal((await twoStep.verify(http, res.body.error.details.challenge, code)).status, 200);

  const restored = await http.put(
    '/two-factor/settings',
    { roles: { staff: { enforcement: 'off', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 0 } }, code: { digits: 6 } },
    { token },
  );
  assert.equal(restored.status, 200);
  const id = await adminId();
  const changes = events.filter((e) => e.name === 'two-factor.admin.settings.updated').map((e) => [e.payload.changed, e.payload.adminId]);
  assert.deepEqual(changes, [[['roles.staff', 'code'], id], [['roles.staff', 'code'], id]]);
});

test('the test message goes through the configured SMS provider and the e-mail plugin, without a code', async () => {
  const smsBefore = sms.messages.length;
  const bySms = await http.post('/two-factor/settings/test-message', { method: 'sms', to: '+15550107777' }, { token });
  assert.equal(bySms.status, 200, JSON.stringify(bySms.body));
  assert.equal(bySms.body.data.destination, '+1••••••7777');
  const [text] = sms.messages.slice(smsBefore).filter((m) => m.to === '+15550107777');
  assert.match(text.body, /test message/);
  assert.doesNotMatch(text.body, /\d{6}/, 'no code in a test');

  const tooSoon = await http.post('/two-factor/settings/test-message', { method: 'email', to: 'ops@example.com' }, { token });
  assert.equal(tooSoon.status, 429, 'one test per admin per 10 seconds');
  const reset = shiftClock(app.strapi, 11_000);
  const mailsBefore = mail.mails.length;
  try {
    const byEmail = await http.post('/two-factor/settings/test-message', { method: 'email', to: 'ops@example.com' }, { token });
    assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body));
  } finally {
    reset();
  }
  const received = await mail.mailTo('ops@example.com', mailsBefore);
  assert.match(received.text, /This is a test message from/);

  for (const body of [{ method: 'sms', to: '5550107777' }, { method: 'email', to: 'not-an-address' }, { method: 'fax', to: '+15550107777' }, { method: 'sms' }]) {
    assert.equal((await http.post('/two-factor/settings/test-message', body, { token })).status, 400, JSON.stringify(body));
  }
});

test('admins see a user\'s state, unlock, reset factors and revoke devices; each action is an event', async () => {
  const user = await createUser(app.strapi, { phone: '+15550104321' });
  const challenge = await twoStep.startLogin(http, sms, user);
  const wrong = String((Number(challenge.code) + 1) % 1e6).padStart(6, '0');
  assert.equal((await twoStep.verify(http, challenge.challenge, wrong)).status, 400);
  assert.equal((await twoStep.verify(http, challenge.challenge, challenge.code)).status, 200);

  const state = await http.get(`/two-factor/users/${user.id}`, { token });
  assert.equal(state.status, 200, JSON.stringify(state.body));
  assert.deepEqual(state.body.data.methods, { totp: false, sms: '+1••••••4321' });
  assert.equal(state.body.data.locked, false);
  assert.ok(Date.parse(state.body.data.lastVerifiedAt) > Date.now() - 60_000);
  assert.ok(!JSON.stringify(state.body).includes('+15550104321'), 'no full number');

  assert.equal((await http.post(`/two-factor/users/${user.id}/unlock`, {}, { token })).status, 200);
  assert.equal((await http.request('DELETE', `/two-factor/users/${user.id}/devices`, { token })).status, 200);
  assert.equal((await http.post(`/two-factor/users/${user.id}/reset`, {}, { token })).status, 200);
  const after = await http.get(`/two-factor/users/${user.id}`, { token });
  assert.deepEqual(after.body.data.methods, { totp: false, sms: null }, 'factors removed: the user enrols again');
  assert.equal((await http.get('/two-factor/users/999999', { token })).status, 404);
  const id = await adminId();
  assert.deepEqual(
    events.filter((e) => e.payload.userId === user.id).map((e) => [e.name, e.payload.adminId]),
    [
      ['two-factor.admin.unlocked', id],
      ['two-factor.admin.devices.revoked', id],
      ['two-factor.admin.reset', id],
    ],
  );
});

test('an admin allowed only settings.read reads the settings and cannot change them or manage users', async () => {
  const reader = await createAdmin(app.strapi, { email: 'reader@example.com', actions: ['plugin::two-factor.settings.read'] });
  const readerToken = (await http.post('/admin/login', reader)).body.data.token;
  const user = await createUser(app.strapi);
  assert.equal((await http.get('/two-factor/settings', { token: readerToken })).status, 200);
  assert.equal((await http.put('/two-factor/settings', { code: { digits: 8 } }, { token: readerToken })).status, 403);
  assert.equal((await http.post('/two-factor/settings/test-message', { method: 'sms', to: '+15550107777' }, { token: readerToken })).status, 403);
  assert.equal((await http.get(`/two-factor/users/${user.id}`, { token: readerToken })).status, 403);
  assert.equal((await settings()).code.digits, 6);
});

test('an admin without the plugin\'s permissions gets 403 on every admin route', async () => {
  // An editor (Strapi's built-in role) has none of the plugin's actions.
  const editor = await createAdmin(app.strapi, { email: 'editor@example.com', roleCode: 'strapi-editor' });
  const editorToken = (await http.post('/admin/login', editor)).body.data.token;
  const user = await createUser(app.strapi);
  const calls = [
    ['GET', '/two-factor/settings'],
    ['PUT', '/two-factor/settings', { code: { digits: 8 } }],
    ['POST', '/two-factor/settings/test-message', { method: 'sms', to: '+15550107777' }],
    ['GET', `/two-factor/users/${user.id}`],
    ['POST', `/two-factor/users/${user.id}/unlock`, {}],
    ['POST', `/two-factor/users/${user.id}/reset`, {}],
    ['DELETE', `/two-factor/users/${user.id}/devices`],
  ];
  for (const [method, path, body] of calls) {
    assert.equal((await http.request(method, path, { token: editorToken, body })).status, 403, `${method} ${path}`);
  }
  assert.equal((await settings()).code.digits, 6, 'nothing changed');
});
