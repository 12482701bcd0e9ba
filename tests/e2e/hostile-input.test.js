'use strict';

// Wrong-typed and hostile bodies on every route the plugin serves or wraps. Each is
// answered 4xx, never 500, and no error quotes what the client sent: yup's default type
// message prints the value it got, which can be a password or a code (security.md #30).
// Also: a deviceId longer than strapi_sessions.device_id holds is refused before the
// challenge is spent (#34), and a role policy may not list a method twice.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const twoStep = require('./helpers/two-step');
const { createUser, ensureRole, adminToken } = require('./helpers/fixtures');
const pluginConfig = require('../../strapi-plugin/server/src/config');

let app;
let http;
let sms;
let adminJwt;
let userJwt;
let staff;

test.before(async () => {
  sms = await twilio.start();
  app = await boot(sms.env);
  http = client(app.url);
  adminJwt = await adminToken(http);
  await ensureRole(app.strapi, 'staff'); // policy: off (the plugin's default)
  staff = await createUser(app.strapi, { role: 'staff' });
  const login = await http.post('/api/auth/local', { identifier: staff.identifier, password: staff.password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  userJwt = login.body.jwt;
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
});

// What the client sends, chosen so that an echo is unmistakable.
const MARK = 'ECHO-MARKER-5c1e';
const NUMBER = 987654321;
const WRONG_TYPES = [NUMBER, [MARK, NUMBER], { nested: MARK }, true, false, null];
// Well typed but hostile: a route may accept it (a username), but an error must not quote it.
const LONG = `${MARK}-${'9'.repeat(4000)}`;
// yup's default type message, whatever value it quotes.
const DEFAULT_TYPE_MESSAGE = /final value was|cast from the value/;

const echoes = (text) => text.includes(MARK) || text.includes(String(NUMBER)) || DEFAULT_TYPE_MESSAGE.test(text);

/** One request with a raw body (`type` its content type); returns `{ status, text }`. */
const send = async ({ method, path, token, type = 'application/json', raw, headers = {} }) => {
  const response = await fetch(app.url + path, {
    method,
    headers: { ...(raw === undefined ? {} : { 'content-type': type }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: raw,
  });
  return { status: response.status, text: await response.text() };
};

/** `body` with `value` at `path` (dot-separated keys). */
const withValue = (body, path, value) => {
  const [key, ...rest] = path.split('.');
  return { ...body, [key]: rest.length === 0 ? value : withValue(body[key] ?? {}, rest.join('.'), value) };
};

const CHALLENGE = 'A'.repeat(43);
const NEW_PASSWORD = 'New-Horse-Battery-9';
const staffPolicy = { enforcement: 'off', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 0 };

// Every POST/PUT route: a body that is valid in shape (the request may still fail for
// other reasons, e.g. an unknown challenge), the fields to replace with hostile values,
// and the token it needs.
const ROUTES = [
  { path: '/api/auth/local', body: () => ({ identifier: staff.identifier, password: 'Wrong-Password-1' }), fields: ['identifier', 'password'] },
  {
    path: '/api/auth/local/register',
    body: () => ({ username: `reg${Date.now()}`, email: 'not-an-email', password: NEW_PASSWORD }),
    fields: ['username', 'email', 'password'],
  },
  { path: '/api/auth/forgot-password', body: () => ({ email: 'nobody@example.com' }), fields: ['email'] },
  {
    path: '/api/auth/reset-password',
    body: () => ({ code: 'not-a-reset-code', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }),
    fields: ['code', 'password', 'passwordConfirmation'],
  },
  {
    path: '/api/auth/change-password',
    token: 'user',
    body: () => ({ currentPassword: 'Wrong-Password-1', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }),
    fields: ['currentPassword', 'password', 'passwordConfirmation'],
  },
  {
    path: '/api/auth/2fa/verify',
    body: () => ({ challenge: CHALLENGE, code: '123456', rememberDevice: false, deviceId: 'device-1' }),
    fields: ['challenge', 'code', 'rememberDevice', 'deviceId'],
  },
  { path: '/api/auth/2fa/resend', body: () => ({ challenge: CHALLENGE, method: 'sms' }), fields: ['challenge', 'method'] },
  { path: '/api/auth/2fa/totp/setup', token: 'user', body: () => ({}), fields: ['extra', 'code'] },
  { path: '/api/auth/2fa/totp/confirm', token: 'user', body: () => ({ code: '123456' }), fields: ['code'] },
  { path: '/api/auth/2fa/phone/setup', token: 'user', body: () => ({ phoneNumber: '+15550100001' }), fields: ['phoneNumber', 'code'] },
  { path: '/api/auth/2fa/phone/confirm', token: 'user', body: () => ({ code: '123456' }), fields: ['code'] },
  { path: '/api/auth/2fa/code', token: 'user', body: () => ({ method: 'email' }), fields: ['method'] },
  { path: '/api/auth/2fa/recovery-codes', token: 'user', body: () => ({ code: '123456' }), fields: ['code'] },
  { path: '/api/auth/2fa/disable', token: 'user', body: () => ({ code: '123456' }), fields: ['code'] },
  {
    method: 'PUT',
    path: '/two-factor/settings',
    token: 'admin',
    body: () => ({ roles: { staff: staffPolicy }, code: { digits: 6 } }),
    fields: [
      'roles',
      'roles.staff',
      'roles.staff.enforcement',
      'roles.staff.methods',
      'roles.staff.trustedDeviceDays',
      'code',
      'code.digits',
      'resend',
      'resend.maxResends',
      'lockout.threshold',
    ],
  },
  { path: '/two-factor/settings/test-message', token: 'admin', body: () => ({ method: 'sms', to: '+15550100002' }), fields: ['method', 'to'] },
];

const tokenFor = (route) => ({ user: userJwt, admin: adminJwt })[route.token];

/** Every hostile request for `route`: `{ label, request, mayPass }`. */
const casesFor = (route) => {
  const base = { method: route.method ?? 'POST', path: route.path, token: tokenFor(route) };
  const json = (body) => ({ ...base, raw: JSON.stringify(body) });
  return [
    ...route.fields.flatMap((field) => [
      ...WRONG_TYPES.map((value) => ({ label: `${field} = ${JSON.stringify(value)}`, request: json(withValue(route.body(), field, value)) })),
      { label: `${field} = a 4 kB string`, request: json(withValue(route.body(), field, LONG)), mayPass: true },
    ]),
    ...WRONG_TYPES.map((value) => ({ label: `methods[0] = ${JSON.stringify(value)}`, request: json({ roles: { staff: { ...staffPolicy, methods: [value] } } }) }))
      .filter(() => route.path === '/two-factor/settings'),
    { label: 'a text/plain body', request: { ...base, type: 'text/plain', raw: MARK } },
    { label: 'a JSON array body', request: json([MARK, NUMBER]) },
    { label: 'a urlencoded body with an array', request: { ...base, type: 'application/x-www-form-urlencoded', raw: `${route.fields[0].split('.')[0]}[]=${MARK}` } },
  ];
};

test('no hostile body gets a 500 or an error that quotes it, on any route', async () => {
  const failures = [];
  for (const route of ROUTES) {
    for (const { label, request, mayPass } of casesFor(route)) {
      const { status, text } = await send(request);
      const refused = status >= 400 && status < 500;
      if (!(refused || (mayPass && status < 400))) failures.push(`${request.method} ${route.path}, ${label}: ${status} ${text.slice(0, 200)}`);
      else if (refused && echoes(text)) failures.push(`${request.method} ${route.path}, ${label}: echoed: ${text.slice(0, 300)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('routes without a body: a hostile token or id is refused without an echo', async () => {
  const cases = [
    { method: 'GET', path: '/api/auth/2fa/status', headers: { authorization: `Bearer ${MARK}` } },
    { method: 'POST', path: '/api/auth/2fa/totp/setup', raw: '{}', headers: { authorization: `Bearer ${MARK}.${NUMBER}` } },
    { method: 'DELETE', path: `/api/auth/2fa/devices/${MARK}`, token: userJwt },
    { method: 'DELETE', path: `/api/auth/2fa/devices/${NUMBER}`, token: userJwt },
  ];
  for (const request of cases) {
    const { status, text } = await send(request);
    assert.ok(status >= 400 && status < 500, `${request.method} ${request.path}: ${status}`);
    assert.ok(!echoes(text), `${request.method} ${request.path} echoed: ${text}`);
  }
});

test('the reported cases: a numeric password, and a string where the admin expects a group', async () => {
  const login = await http.post('/api/auth/local', { identifier: staff.identifier, password: NUMBER });
  assert.equal(login.status, 400);
  assert.equal(login.body.error.name, 'ValidationError');
  assert.deepEqual(login.body.error.details.errors.map((e) => [e.path.join('.'), e.message]), [['password', 'password must be a string']]);
  const settings = await http.put('/two-factor/settings', { code: 'x' }, { token: adminJwt });
  assert.equal(settings.status, 400);
  assert.deepEqual(settings.body.error.details.errors.map((e) => [e.path.join('.'), e.message]), [['code', 'code must be an object']]);
  const text = await send({ method: 'POST', path: '/api/auth/2fa/verify', type: 'text/plain', raw: MARK });
  assert.equal(text.status, 400);
  assert.equal(JSON.parse(text.text).error.message, 'The request body must be an object, sent as JSON');
});

test("a malformed JSON body gets a plain 400: the playground's strapi::body onError, as the README recommends", async () => {
  const { status, text } = await send({ method: 'POST', path: '/api/auth/2fa/verify', raw: `{"code": ${MARK}}` });
  assert.equal(status, 400);
  assert.ok(!text.includes('ECHO-MARK'), text);
});

test('a lone surrogate in a code is a 400, never a 500 from the core', async () => {
  const user = await createUser(app.strapi, { phone: '+15550103002' });
  const { challenge, code } = await twoStep.startLogin(http, sms, user);
  const { status, text } = await send({ method: 'POST', path: '/api/auth/2fa/verify', raw: `{"challenge":"${challenge}","code":"\\ud800"}` });
  assert.equal(status, 400, text);
  assert.equal((await twoStep.verify(http, challenge, code)).status, 200, 'the challenge still works');
});

test('a deviceId longer than strapi_sessions.device_id holds is refused, and the challenge still works', async () => {
  const user = await createUser(app.strapi, { phone: '+15550103001' });
  const { challenge, code } = await twoStep.startLogin(http, sms, user);
  const tooLong = await http.post('/api/auth/2fa/verify', { challenge, code, deviceId: 'd'.repeat(256) });
  assert.equal(tooLong.status, 400, JSON.stringify(tooLong.body));
  assert.deepEqual(tooLong.body.error.details.errors.map((e) => [e.path.join('.'), e.message]), [['deviceId', 'deviceId must be at most 255 characters']]);
  const fits = await http.post('/api/auth/2fa/verify', { challenge, code, deviceId: 'd'.repeat(255) });
  assert.equal(fits.status, 200, JSON.stringify(fits.body));
  const sessions = await app.strapi.db.query('admin::session').findMany({ where: { userId: String(user.id) } });
  assert.deepEqual(sessions.map((session) => session.deviceId), ['d'.repeat(255)]);
});

test('a role policy may not list a method twice: admin change and plugin config', async () => {
  const before = (await http.get('/two-factor/settings', { token: adminJwt })).body.data;
  const res = await http.put('/two-factor/settings', { roles: { staff: { ...staffPolicy, methods: ['email', 'email', 'email'] } } }, { token: adminJwt });
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body.error.details.errors.map((e) => [e.path.join('.'), e.message]), [['roles.staff.methods', 'methods must not list a method twice']]);
  assert.deepEqual((await http.get('/two-factor/settings', { token: adminJwt })).body.data, before, 'nothing stored');
  const config = { ...pluginConfig.default, defaultPolicy: { ...staffPolicy, methods: ['sms', 'sms'] } };
  assert.throws(() => pluginConfig.validator(config), /defaultPolicy.methods must not list a method twice|methods must not list a method twice/);
});
