'use strict';

// Self-service enrolment over HTTP: authenticator apps (codes computed here with the
// independent otpauth library from the secret the API returned), phone numbers through
// the Twilio-shaped server, recovery codes, trusted devices, turning 2FA off, the
// enrolment-only sign-in, and the notification e-mails on the SMTP server.
const test = require('node:test');
const assert = require('node:assert/strict');
const OTPAuth = require('otpauth');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const smtp = require('./helpers/smtp');
const { createUser, adminToken, shiftClock, ensureRole } = require('./helpers/fixtures');

let app;
let http;
let sms;
let mail;
const secrets = []; // TOTP secrets and recovery codes handed out, to search the tables for
let clockOffset = 0;

test.before(async () => {
  sms = await twilio.start();
  mail = await smtp.start();
  app = await boot({ ...sms.env, ...mail.env });
  http = client(app.url);
  const token = await adminToken(http);
  for (const role of ['member', 'totponly']) await ensureRole(app.strapi, role);
  const policies = {
    member: { enforcement: 'optional', methods: ['totp', 'sms', 'email'] },
    totponly: { enforcement: 'required', methods: ['totp'] },
  };
  assert.equal((await http.put('/two-factor/settings', { roles: policies }, { token })).status, 200);
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
  await mail?.close();
});

/** Moves the plugin's clock on by whole TOTP steps, so each code below is a new step. */
const nextStep = () => {
  clockOffset += 30_000;
  shiftClock(app.strapi, 30_000);
};
const nowMs = () => Date.now() + clockOffset;
const totpFor = (secret, offsetMs = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: nowMs() + offsetMs });

const password = (user) => ({ identifier: user.identifier, password: user.password });

/** First login of a user with nothing enrolled: the e-mail fallback, then a session. */
const emailLogin = async (user) => {
  const mailed = mail.mails.length;
  const res = await http.post('/api/auth/local', password(user));
  assert.equal(res.status, 401);
  assert.equal(res.body.error.details.method, 'email');
  const code = await mail.codeFor(user.email, mailed);
  const verified = await http.post('/api/auth/2fa/verify', { challenge: res.body.error.details.challenge, code });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  return verified.body.jwt;
};

/** Sets up and confirms an authenticator app; returns the secret and recovery codes. */
const enrolTotp = async (jwt, headers) => {
  const setup = await http.post('/api/auth/2fa/totp/setup', {}, { token: jwt, headers });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const { secret, uri, qrSvg } = setup.body.data;
  secrets.push(secret);
  nextStep();
  const confirm = await http.post('/api/auth/2fa/totp/confirm', { code: totpFor(secret) }, { token: jwt, headers });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  secrets.push(...(confirm.body.recoveryCodes ?? confirm.body.data?.recoveryCodes ?? []));
  return { secret, uri, qrSvg, confirm };
};

test('a required user goes from the e-mail fallback to a TOTP login with recovery codes', async () => {
  const user = await createUser(app.strapi, {});
  const jwt = await emailLogin(user);

  const before = await http.get('/api/auth/2fa/status', { token: jwt });
  assert.equal(before.status, 200);
  assert.equal(before.body.data.enabled, false);
  assert.equal(before.body.data.required, true);
  assert.equal(before.body.data.methods.totp, false);

  const wrong = await http.post('/api/auth/2fa/totp/confirm', { code: '000000' }, { token: jwt });
  assert.equal(wrong.status, 400, 'nothing pending yet');

  const mailed = mail.mails.length;
  const { secret, uri, qrSvg, confirm } = await enrolTotp(jwt);
  assert.match(secret, /^[A-Z2-7]{32}$/, '160-bit secret in base32');
  assert.ok(uri.startsWith(`otpauth://totp/Playground:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Playground`), uri);
  assert.match(qrSvg, /^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(confirm.body.data.enabled, true);
  assert.equal(confirm.body.data.recoveryCodes.length, 10);
  await mail.mailTo(user.email, mailed, /An authenticator app was added/);

  const status = await http.get('/api/auth/2fa/status', { token: jwt });
  assert.equal(status.body.data.enabled, true);
  assert.equal(status.body.data.methods.totp, true);
  assert.equal(status.body.data.recoveryCodesRemaining, 10);
  assert.ok(!JSON.stringify(status.body).includes(secret), 'the secret is never shown again');

  const sent = sms.messages.length + mail.mails.length;
  const login = await http.post('/api/auth/local', password(user));
  assert.equal(login.status, 401);
  const { challenge, method, methods, destination } = login.body.error.details;
  assert.equal(method, 'totp');
  assert.deepEqual(methods, ['totp', 'email']);
  assert.equal(destination, undefined);
  assert.equal(sms.messages.length + mail.mails.length, sent, 'nothing is sent for a TOTP challenge');
  nextStep();
  const code = totpFor(secret);
  const verified = await http.post('/api/auth/2fa/verify', { challenge, code });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  assert.equal((await http.get('/api/users/me', { token: verified.body.jwt })).status, 200);

  const again = await http.post('/api/auth/local', password(user));
  const replay = await http.post('/api/auth/2fa/verify', { challenge: again.body.error.details.challenge, code });
  assert.equal(replay.status, 400, 'the same TOTP step never works twice');
});

test('TOTP drift: one step either side is accepted, two steps behind is not', async () => {
  const user = await createUser(app.strapi, {});
  const { secret } = await enrolTotp(await emailLogin(user));
  const attempt = async (offsetMs) => {
    const login = await http.post('/api/auth/local', password(user));
    return http.post('/api/auth/2fa/verify', { challenge: login.body.error.details.challenge, code: totpFor(secret, offsetMs) });
  };
  // Far enough past the confirmation step that only the window can refuse a code.
  nextStep();
  nextStep();
  nextStep();
  assert.equal((await attempt(-60_000)).status, 400, 'two steps behind');
  assert.equal((await attempt(-30_000)).status, 200, 'one step behind (a slow phone clock)');
  nextStep();
  nextStep();
  assert.equal((await attempt(30_000)).status, 200, 'one step ahead');
});

test('a recovery code works once; a new set needs a live code and kills the old one', async () => {
  const user = await createUser(app.strapi, {});
  const jwt = await emailLogin(user);
  const { secret, confirm } = await enrolTotp(jwt);
  const [first, second] = confirm.body.data.recoveryCodes;

  const login = async () => (await http.post('/api/auth/local', password(user))).body.error.details.challenge;
  const used = await http.post('/api/auth/2fa/verify', { challenge: await login(), code: first.toUpperCase() });
  assert.equal(used.status, 200, 'case and hyphens do not matter');
  assert.equal((await http.post('/api/auth/2fa/verify', { challenge: await login(), code: first })).status, 400, 'only once');
  assert.equal((await http.get('/api/auth/2fa/status', { token: jwt })).body.data.recoveryCodesRemaining, 9);

  assert.equal((await http.post('/api/auth/2fa/recovery-codes', {}, { token: jwt })).status, 400, 'a code is required');
  assert.equal((await http.post('/api/auth/2fa/recovery-codes', { code: '123456' }, { token: jwt })).status, 400);
  nextStep();
  const mailed = mail.mails.length;
  const fresh = await http.post('/api/auth/2fa/recovery-codes', { code: totpFor(secret) }, { token: jwt });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  assert.equal(fresh.body.data.recoveryCodes.length, 10);
  secrets.push(...fresh.body.data.recoveryCodes);
  await mail.mailTo(user.email, mailed, /New recovery codes were generated/);
  assert.equal((await http.post('/api/auth/2fa/verify', { challenge: await login(), code: second })).status, 400, 'the old set is dead');
  assert.equal((await http.post('/api/auth/2fa/verify', { challenge: await login(), code: fresh.body.data.recoveryCodes[0] })).status, 200);
});

test('phone enrolment through the SMS provider; an unconfirmed number is never used', async () => {
  const user = await createUser(app.strapi, {});
  const jwt = await emailLogin(user);
  const number = '+15550106001';

  assert.equal((await http.post('/api/auth/2fa/phone/setup', { phoneNumber: '555-0100' }, { token: jwt })).status, 400, 'E.164 only');
  const sent = sms.messages.length;
  const setup = await http.post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  assert.equal(setup.body.data.destination, '+1••••••6001');
  assert.equal(setup.body.data.challenge, undefined);
  const code = await sms.codeFor(number, sent);

  // Not confirmed yet: a login still uses e-mail, and no SMS goes to the number.
  const pending = await http.post('/api/auth/local', password(user));
  assert.deepEqual(pending.body.error.details.methods, ['email']);
  assert.equal(sms.messages.filter((m) => m.to === number).length, 1);

  const confirm = await http.post('/api/auth/2fa/phone/confirm', { code }, { token: jwt });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  assert.equal(confirm.body.data.recoveryCodes.length, 10, 'the first factor brings recovery codes');
  secrets.push(...confirm.body.data.recoveryCodes);
  assert.equal((await http.get('/api/auth/2fa/status', { token: jwt })).body.data.methods.sms, '+1••••••6001');

  const before = sms.messages.length;
  const login = await http.post('/api/auth/local', password(user));
  assert.equal(login.body.error.details.method, 'sms');
  const smsCode = await sms.codeFor(number, before);
  assert.equal((await http.post('/api/auth/2fa/verify', { challenge: login.body.error.details.challenge, code: smsCode })).status, 200);
});

test('a trusted device skips the second step until it is revoked', async () => {
  const user = await createUser(app.strapi, {});
  const jwt = await emailLogin(user);
  const { secret } = await enrolTotp(jwt);
  const login = await http.post('/api/auth/local', password(user));
  nextStep();
  const remembered = await http.post('/api/auth/2fa/verify', { challenge: login.body.error.details.challenge, code: totpFor(secret), rememberDevice: true });
  assert.equal(remembered.status, 200);
  const cookieOf = (res) => res.headers.getSetCookie().find((c) => c.startsWith('strapi_2fa_device='));
  const first = cookieOf(remembered);
  assert.match(first, /; path=\/api\/auth; expires=[^;]+; samesite=strict; httponly/);

  const skipped = await http.post('/api/auth/local', password(user), { headers: { cookie: first.split(';')[0] } });
  assert.equal(skipped.status, 200, 'no second step on a trusted device');
  assert.ok(skipped.body.jwt);
  const rotated = cookieOf(skipped);
  assert.notEqual(rotated.split(';')[0], first.split(';')[0], 'the token rotates on use');
  assert.equal((await http.post('/api/auth/local', password(user), { headers: { cookie: first.split(';')[0] } })).status, 401, 'the old token is dead');

  const status = await http.get('/api/auth/2fa/status', { token: jwt });
  assert.equal(status.body.data.trustedDevices.length, 1);
  const { id } = status.body.data.trustedDevices[0];
  assert.equal((await http.request('DELETE', `/api/auth/2fa/devices/${id}`, { token: jwt })).status, 200);
  assert.equal((await http.post('/api/auth/local', password(user), { headers: { cookie: rotated.split(';')[0] } })).status, 401, 'revoked');

  // A new password ends every trust granted under the old one.
  const again = await http.post('/api/auth/local', password(user));
  nextStep();
  const trusted = await http.post('/api/auth/2fa/verify', { challenge: again.body.error.details.challenge, code: totpFor(secret), rememberDevice: true });
  const cookie = cookieOf(trusted).split(';')[0];
  const newPassword = 'Changed-Horse-8';
  const changed = await http.post('/api/auth/change-password', { currentPassword: user.password, password: newPassword, passwordConfirmation: newPassword }, { token: trusted.body.jwt });
  assert.equal(changed.status, 401, 'change-password answers the challenge');
  assert.equal((await http.post('/api/auth/local', { identifier: user.identifier, password: newPassword }, { headers: { cookie } })).status, 401, 'the device is no longer trusted');
});

test('turning 2FA off: needs a live code, and is refused while the role requires it', async () => {
  const required = await createUser(app.strapi, {});
  const jwt = await emailLogin(required);
  const { secret } = await enrolTotp(jwt);
  assert.equal((await http.post('/api/auth/2fa/disable', {}, { token: jwt })).status, 400, 'no code');
  nextStep();
  const refused = await http.post('/api/auth/2fa/disable', { code: totpFor(secret) }, { token: jwt });
  assert.equal(refused.status, 403);
  assert.match(refused.body.error.message, /required for your role/);

  const member = await createUser(app.strapi, { role: 'member' });
  const open = await http.post('/api/auth/local', password(member));
  assert.equal(open.status, 200, 'optional and not enrolled: no second step');
  const memberSecret = (await enrolTotp(open.body.jwt)).secret;
  assert.equal((await http.post('/api/auth/2fa/disable', { code: '000000' }, { token: open.body.jwt })).status, 400, 'a wrong code');
  nextStep();
  const mailed = mail.mails.length;
  const off = await http.post('/api/auth/2fa/disable', { code: totpFor(memberSecret) }, { token: open.body.jwt });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  await mail.mailTo(member.email, mailed, /Two-factor authentication was turned off/);
  assert.equal((await http.post('/api/auth/local', password(member))).status, 200, 'back to one step');
});

test('a role that allows only authenticator apps: an e-mailed code opens enrolment, never a session', async () => {
  const user = await createUser(app.strapi, { role: 'totponly' });
  const mailed = mail.mails.length;
  const login = await http.post('/api/auth/local', password(user));
  assert.equal(login.status, 401);
  const details = login.body.error.details;
  assert.equal(details.enrolmentRequired, true);
  assert.equal(details.method, 'email');
  const code = await mail.codeFor(user.email, mailed);

  const headers = { 'x-two-factor-challenge': details.challenge };
  assert.equal((await http.post('/api/auth/2fa/totp/setup', {}, { headers })).status, 401, 'not before the e-mailed code');
  const verified = await http.post('/api/auth/2fa/verify', { challenge: details.challenge, code });
  assert.equal(verified.status, 200);
  assert.equal(verified.body.jwt, undefined, 'no session yet');
  assert.deepEqual(verified.body.enrolment.methods, ['totp']);
  assert.equal((await http.get('/api/auth/2fa/status', { headers })).status, 401, 'the challenge opens enrolment only');

  const { confirm } = await enrolTotp(null, headers);
  assert.ok(confirm.body.jwt, 'enrolment ends in a session');
  assert.equal(confirm.body.recoveryCodes.length, 10);
  assert.equal((await http.get('/api/users/me', { token: confirm.body.jwt })).status, 200);
  assert.equal((await http.post('/api/auth/2fa/totp/setup', {}, { headers })).status, 401, 'and the challenge is spent');
});

test('one TOTP code or one recovery code raced on five challenges signs in exactly once', async () => {
  const user = await createUser(app.strapi, {});
  const { secret, confirm } = await enrolTotp(await emailLogin(user));
  const challenges = async () =>
    // Five each: the losers' failures (at most 4 + 4) stay below the lockout threshold.
    Promise.all(Array.from({ length: 5 }, async () => (await http.post('/api/auth/local', password(user))).body.error.details.challenge));
  nextStep();
  const code = totpFor(secret);
  const totpRace = await Promise.all((await challenges()).map((challenge) => http.post('/api/auth/2fa/verify', { challenge, code })));
  assert.equal(totpRace.filter((r) => r.status === 200).length, 1, totpRace.map((r) => r.status).join(','));
  const [recovery] = confirm.body.data.recoveryCodes;
  const recoveryRace = await Promise.all((await challenges()).map((challenge) => http.post('/api/auth/2fa/verify', { challenge, code: recovery })));
  assert.equal(recoveryRace.filter((r) => r.status === 200).length, 1, recoveryRace.map((r) => r.status).join(','));
});

test('rotating the secret: enrolled users keep working under the previous one, TOTP secrets are sealed again', async () => {
  const user = await createUser(app.strapi, {});
  const { secret, confirm } = await enrolTotp(await emailLogin(user));
  const inFlight = await http.post('/api/auth/local', password(user));
  const totpRow = () => app.strapi.db.query('plugin::two-factor.factor').findOne({ where: { userId: user.id, slot: 'totp' } });
  const sealedBefore = (await totpRow()).secret;

  // What a restart with a new TWO_FACTOR_SECRET and the old one in previousSecrets does.
  const keys = app.strapi.plugin('two-factor').service('keys');
  const old = app.strapi.config.get('plugin::two-factor.secret');
  app.strapi.config.set('plugin::two-factor.secret', require('node:crypto').randomBytes(32).toString('base64'));
  app.strapi.config.set('plugin::two-factor.previousSecrets', [old]);
  keys.load();
  try {
    nextStep();
    const code = totpFor(secret);
    assert.equal((await http.post('/api/auth/2fa/verify', { challenge: inFlight.body.error.details.challenge, code })).status, 200, 'a challenge from before');
    const sealedAfter = (await totpRow()).secret;
    assert.notEqual(sealedAfter, sealedBefore, 'sealed again under the new secret');
    const recovery = await http.post('/api/auth/local', password(user));
    assert.equal((await http.post('/api/auth/2fa/verify', { challenge: recovery.body.error.details.challenge, code: confirm.body.data.recoveryCodes[0] })).status, 200);

    // Once the old secret is dropped, the resealed TOTP secret still opens.
    app.strapi.config.set('plugin::two-factor.previousSecrets', []);
    keys.load();
    nextStep();
    const login = await http.post('/api/auth/local', password(user));
    assert.equal((await http.post('/api/auth/2fa/verify', { challenge: login.body.error.details.challenge, code: totpFor(secret) })).status, 200);
  } finally {
    app.strapi.config.set('plugin::two-factor.secret', old);
    app.strapi.config.set('plugin::two-factor.previousSecrets', []);
    keys.load();
  }
});

test('self-service needs a signed-in user and refuses unknown fields', async () => {
  assert.equal((await http.get('/api/auth/2fa/status')).status, 401);
  assert.equal((await http.post('/api/auth/2fa/totp/setup', {}, { token: 'not-a-jwt' })).status, 401);
  const user = await createUser(app.strapi, {});
  const jwt = await emailLogin(user);
  const sneaky = await http.post('/api/auth/2fa/phone/setup', { phoneNumber: '+15550106002', phoneVerifiedAt: 1 }, { token: jwt });
  assert.equal(sneaky.status, 400);
  assert.match(sneaky.body.error.message, /unknown field: phoneVerifiedAt/);
});

test('no TOTP secret or recovery code is stored in the clear', async () => {
  assert.ok(secrets.length > 30);
  const tables = ['two_factor_accounts', 'two_factor_factors', 'two_factor_recovery_codes', 'two_factor_challenges', 'two_factor_devices'];
  const dump = JSON.stringify(await Promise.all(tables.map((t) => app.strapi.db.getConnection(t).select('*'))));
  for (const secret of secrets) {
    assert.ok(!dump.includes(secret) && !dump.includes(secret.replace(/-/g, '')), 'a secret is stored in the clear');
  }
  const factors = await app.strapi.db.getConnection('two_factor_factors').where('slot', 'totp').whereNotNull('secret').select('secret');
  assert.ok(factors.length > 0 && factors.every((row) => row.secret.startsWith('v1.')));
  const logs = app.logs();
  for (const secret of secrets) assert.ok(!logs.includes(secret), 'a secret reached the logs');
});
