'use strict';

// What a known password, a stolen session or a self-registered account can make the
// plugin send, store or accept: the delivery caps per account, per number and per day of
// new numbers, the allowed countries, codes that prove only their own challenge, a live
// code before a factor changes, bounded rows, keyed token hashes and sealed numbers.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const OTPAuth = require('otpauth');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const smtp = require('./helpers/smtp');
const { createUser, adminToken, ensureRole, recordEvents, shiftClock } = require('./helpers/fixtures');
const { startLogin, verify } = require('./helpers/two-step');

let app;
let http;
let sms;
let mail;
let admin;
let events;

test.before(async () => {
  sms = await twilio.start();
  mail = await smtp.start();
  // Only North American numbers may be enrolled (the +44 number below is refused).
  app = await boot({ ...sms.env, ...mail.env, TWO_FACTOR_SMS_COUNTRIES: '1' });
  http = client(app.url);
  admin = await adminToken(http);
  for (const role of ['smsonly', 'staff']) await ensureRole(app.strapi, role);
  const roles = { smsonly: { enforcement: 'required', methods: ['sms', 'totp'], trustedDeviceDays: 30 } };
  assert.equal((await http.put('/two-factor/settings', { roles }, { token: admin })).status, 200);
  events = recordEvents(app.strapi, 'two-factor.delivery');
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
  await mail?.close();
});

let phoneSerial = 0;
const nextPhone = () => `+1555014${String((phoneSerial += 1)).padStart(4, '0')}`;
const password = (user) => ({ identifier: user.identifier, password: user.password });
const sentTo = (number) => sms.messages.filter((m) => m.to === number).length;
let clockOffset = 0;
const later = (ms) => {
  clockOffset += ms;
  shiftClock(app.strapi, ms);
};

/** A signed-in user of the `staff` role (off): the stock login answers a JWT. */
const signedIn = async (options = {}) => {
  const user = await createUser(app.strapi, { role: 'staff', ...options });
  const res = await http.post('/api/auth/local', password(user));
  assert.equal(res.status, 200);
  return { user, jwt: res.body.jwt };
};

/** Enrols an authenticator app through the plugin's services, as a seed would. */
const enrolTotp = async (user) => {
  const factors = app.strapi.plugin('two-factor').service('factors');
  const { secret } = await factors.startTotp(user);
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
  const now = Date.now() + clockOffset;
  assert.equal(await factors.confirmTotp(user.id, totp.generate({ timestamp: now }), now), true);
  return () => {
    later(30_000);
    return totp.generate({ timestamp: Date.now() + clockOffset });
  };
};

/** Logs `user` in `times` times in a row; returns the statuses and the last 429. */
const loginsInARow = async (user, times) => {
  const statuses = [];
  let capped;
  for (let i = 0; i < times; i += 1) {
    const res = await http.post('/api/auth/local', password(user));
    statuses.push(res.status);
    if (res.status === 429) capped = res;
  }
  return { statuses, capped };
};

/** Runs `fn` with the cap settings `caps` laid over the defaults, then puts them back. */
const withCaps = async (caps, fn) => {
  assert.equal((await http.put('/two-factor/settings', { caps }, { token: admin })).status, 200);
  try {
    return await fn();
  } finally {
    const defaults = { smsPerHour: 10, emailPerHour: 10, perNumberPerHour: 5, newNumbersPerDay: 3 };
    assert.equal((await http.put('/two-factor/settings', { caps: defaults }, { token: admin })).status, 200);
  }
};

const assertCapped = (capped, user, cap) => {
  assert.equal(capped.body.error.name, 'RateLimitError');
  assert.ok(Date.parse(capped.body.error.details.retryAt) > Date.now() + clockOffset, 'retryAt is in the future');
  assert.ok(!JSON.stringify(capped.body).includes(user.phoneNumber.slice(-4)), 'the 429 names no number');
  assert.ok(events.some((e) => e.name === 'two-factor.delivery.capped' && e.payload.userId === user.id && e.payload.cap === cap));
};

test('30 logins in a row: the number gets 5 SMS, then 429 with retryAt, and no message', async () => {
  const user = await createUser(app.strapi, { role: 'smsonly', phone: nextPhone() });
  const { statuses, capped } = await loginsInARow(user, 30);
  assert.equal(sentTo(user.phoneNumber), 5, `SMS sent: ${sentTo(user.phoneNumber)}`);
  assert.deepEqual([...new Set(statuses)], [401, 429]);
  assertCapped(capped, user, 'number');
});

test('30 logins in a row with the number cap raised: the account gets 10 SMS, then 429', async () => {
  await withCaps({ perNumberPerHour: 100 }, async () => {
    const user = await createUser(app.strapi, { role: 'smsonly', phone: nextPhone() });
    const { statuses, capped } = await loginsInARow(user, 30);
    assert.equal(sentTo(user.phoneNumber), 10, `SMS sent: ${sentTo(user.phoneNumber)}`);
    assert.deepEqual([...new Set(statuses)], [401, 429]);
    assertCapped(capped, user, 'account');
  });
});

/** How many sends the window of `scope` and `subject` holds. */
const counted = async (scope, subject) => {
  const row = await app.strapi.db.query('plugin::two-factor.limit').findOne({ where: { scope, subject } });
  return row?.times ? row.times.split(',').length : 0;
};
const accountWindow = (user) => counted('sent:sms', `users-permissions:${user.id}`);

test("a cap counts what was sent: the number's cap gives the account's place back, and a failed delivery gives back both", async () => {
  const user = await createUser(app.strapi, { role: 'smsonly', phone: nextPhone() });
  await loginsInARow(user, 30);
  assert.equal(sentTo(user.phoneNumber), 5);
  assert.equal(await accountWindow(user), 5, "the account's window holds the 5 SMS sent, not the 25 the number's cap refused");

  const other = await createUser(app.strapi, { role: 'smsonly', phone: nextPhone() });
  sms.failNext(1);
  const failed = await http.post('/api/auth/local', password(other));
  assert.equal(failed.status, 503, JSON.stringify(failed.body));
  const hash = app.strapi.plugin('two-factor').service('keys').subjectHash(other.phoneNumber);
  assert.deepEqual([await accountWindow(other), await counted('sent:number', hash)], [0, 0], 'nothing went out, nothing is counted');
});

test("an admin's unlock and reset end the delivery windows a password alone filled", async () => {
  const user = await createUser(app.strapi, { role: 'smsonly', phone: nextPhone() });
  const { capped } = await loginsInARow(user, 7);
  assert.equal(capped?.status, 429, 'the number is capped');
  assert.equal((await http.post(`/two-factor/users/${user.id}/unlock`, {}, { token: admin })).status, 200);
  const sent = sentTo(user.phoneNumber);
  const after = await startLogin(http, sms, user);
  assert.equal(after.method, 'sms', 'after the unlock a code is sent again');
  assert.equal(sentTo(user.phoneNumber), sent + 1);

  await loginsInARow(user, 6);
  const hash = app.strapi.plugin('two-factor').service('keys').subjectHash(user.phoneNumber);
  assert.ok((await counted('sent:number', hash)) > 0);
  assert.equal((await http.post(`/two-factor/users/${user.id}/reset`, {}, { token: admin })).status, 200);
  assert.deepEqual([await accountWindow(user), await counted('sent:number', hash)], [0, 0], 'the reset ended both windows');
});

test('a capped SMS does not stop a user with an authenticator app from signing in', async () => {
  const user = await createUser(app.strapi, { role: 'smsonly', phone: nextPhone() });
  const nextTotp = await enrolTotp(user);
  for (let i = 0; i < 5; i += 1) assert.equal((await http.post('/api/auth/local', password(user))).body.error.details.method, 'sms');
  const login = await http.post('/api/auth/local', password(user));
  assert.equal(login.status, 401, JSON.stringify(login.body));
  assert.equal(login.body.error.details.method, 'totp', 'SMS is capped, so the challenge asks for the app');
  assert.equal(sentTo(user.phoneNumber), 5);
  assert.equal((await verify(http, login.body.error.details.challenge, nextTotp())).status, 200);
});

test('one number gets at most 5 codes an hour, whoever asks for them', async () => {
  const number = nextPhone();
  const statuses = [];
  for (let i = 0; i < 7; i += 1) {
    const { jwt } = await signedIn();
    statuses.push((await http.post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt })).status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  assert.equal(sentTo(number), 5);
});

test('one account tries at most 3 new numbers a day through phone setup', async () => {
  const { jwt } = await signedIn();
  const numbers = Array.from({ length: 20 }, nextPhone);
  const statuses = [];
  for (const number of numbers) {
    later(31_000); // past the cooldown each time
    statuses.push((await http.post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt })).status);
  }
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(statuses.slice(3).every((status) => status === 429), JSON.stringify(statuses));
  assert.equal(numbers.reduce((sum, number) => sum + sentTo(number), 0), 3);
});

test('phone setup refuses a number outside sms.allowedCountries, saying so', async () => {
  const { jwt } = await signedIn();
  const res = await http.post('/api/auth/2fa/phone/setup', { phoneNumber: '+447700900123' }, { token: jwt });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /country/);
  assert.ok(!JSON.stringify(res.body).includes('7700900123'), 'the number is not echoed');
  assert.equal(sentTo('+447700900123'), 0);
});

test('phone and step-up codes: the cooldown holds against a burst', async () => {
  const { jwt } = await signedIn();
  const number = nextPhone();
  const results = await Promise.all(Array.from({ length: 10 }, () => http.post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt })));
  assert.equal(results.filter((r) => r.status === 200).length, 1);
  assert.equal(sentTo(number), 1);
});

test('a step-up code proves only the step-up: it never completes a sign-in challenge', async () => {
  const user = await createUser(app.strapi, { phone: nextPhone() });
  const first = await startLogin(http, sms, user);
  const jwt = (await verify(http, first.challenge, first.code)).body.jwt;
  const mailed = mail.mails.length;
  assert.equal((await http.post('/api/auth/2fa/code', { method: 'email' }, { token: jwt })).status, 200);
  const stepUp = await mail.codeFor(user.email, mailed);

  const login = await startLogin(http, sms, user);
  const res = await verify(http, login.challenge, stepUp);
  assert.equal(res.status, 400, `the step-up code completed a sign-in: ${JSON.stringify(res.body)}`);
  // Wrong sign-in guesses never touch the step-up challenge: its code still works.
  const regenerated = await http.post('/api/auth/2fa/recovery-codes', { code: stepUp }, { token: jwt });
  assert.equal(regenerated.status, 200, JSON.stringify(regenerated.body));
});

test('with a factor enrolled, adding or replacing one needs a live code', async () => {
  const user = await createUser(app.strapi, { phone: nextPhone() });
  const first = await startLogin(http, sms, user);
  const jwt = (await verify(http, first.challenge, first.code)).body.jwt;
  const bare = await http.post('/api/auth/2fa/totp/setup', {}, { token: jwt });
  assert.equal(bare.status, 400, `an app was added with the session alone: ${JSON.stringify(bare.body)}`);
  const replace = await http.post('/api/auth/2fa/phone/setup', { phoneNumber: nextPhone() }, { token: jwt });
  assert.equal(replace.status, 400, `the phone was replaced with the session alone: ${JSON.stringify(replace.body)}`);

  const mailed = mail.mails.length;
  assert.equal((await http.post('/api/auth/2fa/code', { method: 'email' }, { token: jwt })).status, 200);
  const code = await mail.codeFor(user.email, mailed);
  const setup = await http.post('/api/auth/2fa/totp/setup', { code }, { token: jwt });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
});

test('trusted devices: at most 10 per user, the oldest forgotten first; open challenges are bounded too', async () => {
  await withCaps({ smsPerHour: 100, perNumberPerHour: 100 }, async () => {
    const user = await createUser(app.strapi, { phone: nextPhone() });
    const remembered = [];
    for (let i = 0; i < 12; i += 1) {
      const login = await startLogin(http, sms, user);
      const res = await http.post('/api/auth/2fa/verify', { challenge: login.challenge, code: login.code, rememberDevice: true });
      assert.equal(res.status, 200);
      remembered.push(res.headers.getSetCookie().find((c) => c.startsWith('strapi_2fa_device=')).split(';')[0]);
    }
    const devices = await app.strapi.db.query('plugin::two-factor.device').count({ where: { userId: user.id } });
    assert.equal(devices, 10);
    const oldest = await http.post('/api/auth/local', password(user), { headers: { cookie: remembered[0] } });
    assert.equal(oldest.status, 401, 'the oldest device was forgotten');
    const newest = await http.post('/api/auth/local', password(user), { headers: { cookie: remembered[11] } });
    assert.equal(newest.status, 200, 'the newest still skips the second step');

    for (let i = 0; i < 15; i += 1) await http.post('/api/auth/local', password(user));
    const open = await app.strapi.db.query('plugin::two-factor.challenge').count({ where: { userId: user.id, consumedAt: null } });
    assert.ok(open <= 10, `${open} open challenges for one user`);
  });
});

test('a device row written without the server secret never skips the second step', async () => {
  const user = await createUser(app.strapi, { phone: nextPhone() });
  const token = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  await app.strapi.db.query('plugin::two-factor.device').create({
    data: { userId: user.id, tokenHash: crypto.createHash('sha256').update(token).digest('hex'), label: 'forged', expiresAt: now + 86_400_000, lastUsedAt: now },
  });
  const res = await http.post('/api/auth/local', password(user), { headers: { 'x-two-factor-device': token } });
  assert.equal(res.status, 401, 'a forged device row signed the user in');
});

test('phone numbers are sealed at rest, and an unverified number is gone once its challenge ends', async () => {
  const number = nextPhone();
  const user = await createUser(app.strapi, { phone: number });
  const { jwt } = await signedIn();
  const typed = nextPhone();
  assert.equal((await http.post('/api/auth/2fa/phone/setup', { phoneNumber: typed }, { token: jwt })).status, 200);
  const rows = async (uid) => JSON.stringify(await app.strapi.db.query(uid).findMany({}));
  const digits = (n) => n.slice(2);
  assert.ok(!(await rows('plugin::two-factor.account')).includes(digits(number)), 'a verified number is stored in the clear');
  assert.ok(!(await rows('plugin::two-factor.factor')).includes(digits(number)), 'a verified number is stored in the clear');
  assert.ok(!(await rows('plugin::two-factor.challenge')).includes(digits(typed)), 'a typed number is stored in the clear');
  later(11 * 60_000); // the phone challenge expires, and the next purge runs
  await startLogin(http, sms, user);
  const challenge = await app.strapi.db.query('plugin::two-factor.challenge').findOne({ where: { purpose: 'phone' }, orderBy: { id: 'desc' } });
  assert.equal(challenge.destination, null, 'the typed number outlived its challenge');
});

test('a phone-setup SMS the provider refused can be retried at once: nothing went out, no cooldown runs', async () => {
  const { jwt } = await signedIn();
  const number = nextPhone();
  sms.failNext(1);
  const failed = await http.post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt });
  assert.equal(failed.status, 503, JSON.stringify(failed.body));
  const retried = await http.post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt });
  assert.equal(retried.status, 200, `the retry the 503 offers: ${JSON.stringify(retried.body)}`);
  assert.equal(sentTo(number), 1);
});

test('devices remembered at the same moment keep each other: ten concurrent sign-ins, ten working devices', async () => {
  await withCaps({ smsPerHour: 100, perNumberPerHour: 100 }, async () => {
    const user = await createUser(app.strapi, { phone: nextPhone() });
    const logins = [];
    for (let i = 0; i < 10; i += 1) logins.push(await startLogin(http, sms, user));
    const verified = await Promise.all(logins.map((login) => http.post('/api/auth/2fa/verify', { challenge: login.challenge, code: login.code, rememberDevice: true })));
    assert.deepEqual(verified.map((res) => res.status), Array(10).fill(200));
    const cookies = verified.map((res) => res.headers.getSetCookie().find((c) => c.startsWith('strapi_2fa_device=')).split(';')[0]);
    const again = await Promise.all(cookies.map((cookie) => http.post('/api/auth/local', password(user), { headers: { cookie } })));
    assert.deepEqual(again.map((res) => res.status), Array(10).fill(200), 'every remembered device still skips the second step');
  });
});
