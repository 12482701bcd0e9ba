'use strict';

// The two-step login on the generated app's settings (refresh tokens, httpOnly cookie),
// with SMS through a Twilio-shaped server and e-mail through a real SMTP server.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const smtp = require('./helpers/smtp');
const { createUser, adminToken, shiftClock, ensureRole } = require('./helpers/fixtures');
const twoStep = require('./helpers/two-step');

let app;
let http;
let sms;
let mail;
const secrets = []; // every code and challenge token seen, to search the logs and tables

test.before(async () => {
  sms = await twilio.start();
  mail = await smtp.start();
  app = await boot({ ...sms.env, ...mail.env });
  http = client(app.url);
  await ensureRole(app.strapi, 'staff'); // policy: off (the plugin's default)
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
  await mail?.close();
});

let phoneSerial = 100;
const phone = () => `+1555010${(phoneSerial += 1)}`;

const startLogin = async (user) => {
  const details = await twoStep.startLogin(http, sms, user);
  secrets.push(details.challenge, details.code);
  return details;
};
const verify = (challenge, code) => twoStep.verify(http, challenge, code);
const wrongCode = (code) => String((Number(code) + 1) % 1e6).padStart(6, '0');

test('a role set to off gets the stock login response', async () => {
  const user = await createUser(app.strapi, { role: 'staff', phone: phone() });
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.body).sort(), ['jwt', 'user']);
  assert.equal(res.body.user.username, user.identifier);
  assert.equal(res.body.user.password, undefined);
  assert.equal(res.body.user.phoneNumber, undefined);
  assert.match(res.headers.get('set-cookie'), /^strapi_up_refresh=[^;]+; path=\/; samesite=lax; httponly/);
  const me = await http.get('/api/users/me', { token: res.body.jwt });
  assert.equal(me.status, 200);
});

test('stock errors are unchanged: wrong password, unknown user, missing fields', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const wrong = await http.post('/api/auth/local', { identifier: user.identifier, password: 'nope' });
  const unknown = await http.post('/api/auth/local', { identifier: 'nobody-here', password: 'nope' });
  for (const res of [wrong, unknown]) {
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Invalid identifier or password');
  }
  const missing = await http.post('/api/auth/local', { identifier: user.identifier });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.name, 'ValidationError');
  assert.equal(sms.messages.filter((m) => m.to === user.phoneNumber).length, 0, 'no code without the password');
});

test('a required role gets a challenge; the SMS code gives a working session', async () => {
  const user = await createUser(app.strapi, { phone: '+15550104567' });
  const before = Date.now();
  const challenge = await startLogin(user);
  assert.match(challenge.challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(challenge.method, 'sms');
  assert.deepEqual(challenge.methods, ['sms', 'email']);
  assert.equal(challenge.destination, '+1••••••4567');
  const expires = Date.parse(challenge.expiresAt) - before;
  assert.ok(expires > 290_000 && expires <= 301_000, `expires in ${expires} ms`);
  assert.ok(Date.parse(challenge.resendAvailableAt) - before >= 29_000);
  assert.equal(sms.messages.at(-1).from, twilio.FROM);
  assert.match(sms.messages.at(-1).body, /is your Playground sign-in code/);

  const res = await verify(challenge.challenge, challenge.code);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body).sort(), ['jwt', 'user']);
  assert.equal(res.body.user.id, user.id);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const cookie = res.headers.get('set-cookie');
  assert.match(cookie, /^strapi_up_refresh=[^;]+;.*httponly/);

  const me = await http.get('/api/users/me', { token: res.body.jwt });
  assert.equal(me.status, 200);
  assert.equal(me.body.username, user.identifier);

  const refreshed = await http.post('/api/auth/refresh', {}, { headers: { cookie: cookie.split(';')[0] } });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.equal((await http.get('/api/users/me', { token: refreshed.body.jwt })).status, 200);
});

test('a wrong code costs one attempt; the right one still works', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const challenge = await startLogin(user);
  const wrong = await verify(challenge.challenge, wrongCode(challenge.code));
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.name, 'ValidationError');
  assert.equal(wrong.body.error.details.attemptsRemaining, 4);
  const letters = await verify(challenge.challenge, 'abcdef');
  assert.equal(letters.body.error.details.attemptsRemaining, 3);
  const right = await verify(challenge.challenge, challenge.code);
  assert.equal(right.status, 200);
});

test('after the maximum attempts the challenge is dead, even for the right code', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const challenge = await startLogin(user);
  for (let remaining = 4; remaining >= 0; remaining -= 1) {
    const res = await verify(challenge.challenge, wrongCode(challenge.code));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details.attemptsRemaining, remaining);
  }
  const late = await verify(challenge.challenge, challenge.code);
  assert.equal(late.status, 401);
  assert.equal(late.body.error.name, 'ChallengeClosedError');
  assert.equal(late.body.error.details.reason, 'exhausted');
  assert.equal(late.body.data, null);
});

test('an expired code is refused and the challenge never revives', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const challenge = await startLogin(user);
  const reset = shiftClock(app.strapi, 301_000);
  try {
    const res = await verify(challenge.challenge, challenge.code);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.details.reason, 'expired');
    const resend = await http.post('/api/auth/2fa/resend', { challenge: challenge.challenge });
    assert.equal(resend.status, 401);
  } finally {
    reset();
  }
  assert.equal((await verify(challenge.challenge, challenge.code)).status, 401, 'still dead with the clock back');
});

test('a used challenge cannot be replayed, and an unknown one is refused', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const challenge = await startLogin(user);
  assert.equal((await verify(challenge.challenge, challenge.code)).status, 200);
  const replay = await verify(challenge.challenge, challenge.code);
  assert.equal(replay.status, 401);
  assert.equal(replay.body.error.details.reason, 'consumed');
  assert.equal(replay.body.jwt, undefined);
  const unknown = await verify('A'.repeat(43), challenge.code);
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error.details.reason, 'unknown');
});

test('malformed verify bodies are refused before any work', async () => {
  for (const body of [{}, { challenge: 'short', code: '123456' }, { challenge: 'A'.repeat(43) }, { challenge: 'A'.repeat(43), code: 123456 }, { challenge: 'A'.repeat(43), code: '1', email: 'x@y.z' }]) {
    const res = await http.post('/api/auth/2fa/verify', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.name, 'ValidationError');
    assert.doesNotMatch(JSON.stringify(res.body), /123456/, 'the error never echoes the code');
  }
});

test('resend: cooldown, a fresh code that kills the old one, no reset of attempts, a cap, and a method switch', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const challenge = await startLogin(user);
  const resend = (method) => http.post('/api/auth/2fa/resend', { challenge: challenge.challenge, ...(method ? { method } : {}) });

  const early = await resend();
  assert.equal(early.status, 429);
  assert.ok(Date.parse(early.body.error.details.retryAt) > Date.now() + 25_000);

  assert.equal((await verify(challenge.challenge, wrongCode(challenge.code))).body.error.details.attemptsRemaining, 4);

  let shift = 0;
  const later = () => shiftClock(app.strapi, (shift += 31_000));
  let reset = later();
  const sent = sms.messages.length;
  const again = await resend();
  reset();
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.data.method, 'sms');
  const fresh = await sms.codeFor(user.phoneNumber, sent);
  secrets.push(fresh);

  reset = later();
  try {
    if (fresh !== challenge.code) {
      const old = await verify(challenge.challenge, challenge.code);
      assert.equal(old.status, 400, 'the old code died');
      assert.equal(old.body.error.details.attemptsRemaining, 3, 'resend did not reset attempts');
    }
    const mailed = mail.mails.length;
    const switched = await resend('email');
    assert.equal(switched.status, 200, JSON.stringify(switched.body));
    assert.equal(switched.body.data.method, 'email');
    assert.match(switched.body.data.destination, /^u•••@example\.com$/);
    const emailed = await mail.codeFor(user.email, mailed);
    secrets.push(emailed);
  } finally {
    reset();
  }

  reset = later();
  assert.equal((await resend()).status, 200, 'third resend');
  reset();
  reset = later();
  const capped = await resend();
  reset();
  assert.equal(capped.status, 429);
  assert.equal(capped.body.error.details.reason, 'cap');

  const notAllowed = await http.post('/api/auth/2fa/resend', { challenge: challenge.challenge, method: 'carrier-pigeon' });
  assert.equal(notAllowed.status, 400);
});

test('a user with no phone gets the code by e-mail through the e-mail plugin', async () => {
  const user = await createUser(app.strapi, {});
  const mailed = mail.mails.length;
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 401);
  const { challenge, method, methods, destination } = res.body.error.details;
  assert.equal(method, 'email');
  assert.deepEqual(methods, ['email']);
  assert.equal(destination, 'u•••@example.com');
  const code = await mail.codeFor(user.email, mailed);
  secrets.push(challenge, code);
  assert.equal((await verify(challenge, code)).status, 200);
});

test('consecutive failures across challenges lock the account; an admin unlocks it', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const first = await startLogin(user);
  const second = await startLogin(user);
  const spare = await startLogin(user); // still alive when the lock falls
  let last;
  for (const challenge of [first, second]) {
    for (let i = 0; i < 5; i += 1) last = await verify(challenge.challenge, wrongCode(challenge.code));
  }
  assert.equal(last.status, 429, 'the tenth failure locks');
  assert.equal(last.body.error.name, 'RateLimitError');

  const blocked = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.error.message, 'Too many failed two-factor attempts. Try again later.');
  assert.ok(!JSON.stringify(blocked.body).includes(user.identifier), 'the error names no user');
  assert.equal((await verify(spare.challenge, spare.code)).status, 429, 'even the right code waits for the lock');
  const reset = shiftClock(app.strapi, 31_000);
  const resend = await http.post('/api/auth/2fa/resend', { challenge: spare.challenge });
  reset();
  assert.equal(resend.status, 429, 'no codes are sent to a locked account');
  assert.equal(resend.body.error.message, 'Too many failed two-factor attempts. Try again later.');

  const token = await adminToken(http);
  const forbidden = await http.post(`/two-factor/users/${user.id}/unlock`, {});
  assert.equal(forbidden.status, 401, 'unlock needs an admin');
  const unlocked = await http.post(`/two-factor/users/${user.id}/unlock`, {}, { token });
  assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
  assert.equal((await verify(spare.challenge, spare.code)).status, 200);
});

test('a provider failure gives a 503 that keeps the challenge; resend works once it recovers', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  sms.failNext(1);
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 503);
  assert.equal(res.body.error.name, 'DeliveryFailedError');
  assert.match(res.body.error.message, /SMS provider could not deliver/);
  const { challenge } = res.body.error.details;
  secrets.push(challenge);
  const sent = sms.messages.length;
  const resend = await http.post('/api/auth/2fa/resend', { challenge });
  assert.equal(resend.status, 200, JSON.stringify(resend.body));
  const code = await sms.codeFor(user.phoneNumber, sent);
  secrets.push(code);
  assert.equal((await verify(challenge, code)).status, 200);
});

test('an optional role asks for a second step only once the user has enrolled', async () => {
  const token = (await http.post('/admin/login', { email: 'admin@example.com', password: 'Admin-Password-1' })).body.data.token;
  await ensureRole(app.strapi, 'member');
  const set = await http.put('/two-factor/settings', { roles: { member: { enforcement: 'optional', methods: ['sms'], trustedDeviceDays: 0 } } }, { token });
  assert.equal(set.status, 200);
  const user = await createUser(app.strapi, { role: 'member' });
  const before = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(before.status, 200, 'not enrolled: the stock login');
  user.phoneNumber = phone();
  await app.strapi.plugin('two-factor').service('factors').setPhone(user.id, user.phoneNumber, Date.now());
  const challenge = await startLogin(user);
  assert.deepEqual(challenge.methods, ['sms']);
  assert.equal((await verify(challenge.challenge, challenge.code)).status, 200);
});

test('a user blocked between the two steps gets the stock blocked error, not a session', async () => {
  const user = await createUser(app.strapi, { phone: phone() });
  const challenge = await startLogin(user);
  await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: user.id }, data: { blocked: true } });
  const res = await verify(challenge.challenge, challenge.code);
  assert.equal(res.status, 400);
  assert.equal(res.body.error.message, 'Your account has been blocked by an administrator');
  assert.equal(res.body.jwt, undefined);
});

test('no code or challenge token reaches the logs or the database in the clear', async () => {
  assert.ok(secrets.length > 20, `collected ${secrets.length} secrets`);
  const logs = app.logs();
  for (const secret of secrets) assert.ok(!logs.includes(secret), 'a code or token appeared in the logs');
  const rows = await app.strapi.db.getConnection('two_factor_challenges').select('*');
  assert.ok(rows.length > 10);
  const dump = JSON.stringify(rows);
  for (const secret of secrets) assert.ok(!dump.includes(secret), 'a code or token is stored in the clear');
  for (const row of rows) assert.match(row.code_hash, /^[0-9a-f]{64}$/);
});
