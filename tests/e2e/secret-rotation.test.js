'use strict';

// A secret rotation as an operator runs it, on one scratch database: users enrol under
// secret A; Strapi restarts with B and A as a previous secret, and seals every stored
// value again under B at start-up, saying how many are left under A (none); it restarts
// with B alone, and users who had not signed in since (an SMS user, a TOTP user) sign in
// with their factor, no 500. Then a value that opens under no configured secret (a
// corrupt row, or one sealed under a secret already dropped) makes its factor
// unavailable: not offered, shown to the admin and the user, logged, and a code for it
// is refused before a guess is taken.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const restarts = require('./helpers/restarts');
const database = require('./helpers/database');
const { appSecrets } = require('./helpers/strapi');
const twilio = require('./helpers/twilio');
const smtp = require('./helpers/smtp');
const { adminToken } = require('./helpers/fixtures');
const { startLogin, verify } = require('./helpers/two-step');

const ROTATION = /\[two-factor\] secret rotation: (\d+) values sealed again under the current secret; (\d+) still under a previous one; (\d+) open under no configured secret/;
const secret = () => crypto.randomBytes(32).toString('base64');
const password = (user) => ({ identifier: user.identifier, password: user.password });

test('a secret rotation: values sealed again at start-up, the old secret dropped, every factor still works; a value that opens under no secret is an unavailable factor, never a 500', async (t) => {
  const why = await restarts.unavailable();
  if (why) return t.skip(why);
  const sms = await twilio.start();
  const mail = await smtp.start();
  const db = await restarts.scratchDatabase('rotation');
  const [A, B] = [secret(), secret()];
  const env = { ...appSecrets(), ...sms.env, ...mail.env, ...db.env, UP_JWT_MANAGEMENT: 'legacy-support', TWO_FACTOR_SECRET: A };
  const ops = restarts.operator(env);
  const { nextStep, totp } = ops;
  try {
    // Under A: an SMS user and a TOTP user of an optional role that allows e-mail too.
    const first = await ops.boot();
    await first.call('ensureRole', 'rotation');
    const admin = await adminToken(first.http);
    const roles = { rotation: { enforcement: 'optional', methods: ['totp', 'sms', 'email'] } };
    assert.equal((await first.http.put('/two-factor/settings', { roles }, { token: admin })).status, 200);
    const smsUser = await first.call('createUser', { role: 'rotation', phone: '+15550170001' });
    const totpUser = await first.call('createUser', { role: 'rotation' });
    const { secret: app } = await ops.enrolApp(totpUser);

    // B, with A as a previous secret: both values sealed again at start-up, none left.
    const rotating = await ops.boot({ TWO_FACTOR_SECRET: B, TWO_FACTOR_PREVIOUS_SECRETS: A });
    const [, resealed, left, unreadable] = (await rotating.call('logs')).match(ROTATION) ?? [];
    assert.deepEqual([resealed, left, unreadable].map(Number), [2, 0, 0], 'the start-up log says what was sealed again and what is left');
    const shown = (await rotating.http.get('/two-factor/settings', { token: admin })).body.data.rotation;
    assert.deepEqual([shown.previousSecrets, shown.resealed, shown.left, shown.unreadable], [1, 2, 0, 0], 'the settings page shows it');
    assert.match(await rotating.call('logs'), /the previous secrets can be removed/);

    // B alone: neither user signed in during the rotation, and both sign in with their factor.
    const rotated = await ops.boot({ TWO_FACTOR_SECRET: B });
    const bySms = await startLogin(rotated.http, sms, smsUser);
    assert.equal(bySms.method, 'sms');
    assert.equal((await verify(rotated.http, bySms.challenge, bySms.code)).status, 200, 'the SMS user, sealed again at start-up');
    await nextStep();
    const byApp = await rotated.http.post('/api/auth/local', password(totpUser));
    assert.equal(byApp.body.error?.details?.method, 'totp', JSON.stringify(byApp.body));
    assert.equal((await verify(rotated.http, byApp.body.error.details.challenge, totp(app))).status, 200, 'the TOTP user, sealed again at start-up');
    assert.equal((await rotated.http.get('/two-factor/settings', { token: admin })).body.data.rotation.previousSecrets, 0);

    // A TOTP challenge is open when the secret stops opening (a corrupt row here; a value
    // under a dropped secret is the same): a code for it ends it before any guess.
    await nextStep();
    const open = await rotated.http.post('/api/auth/local', password(totpUser));
    assert.equal(open.body.error.details.method, 'totp');
    await rotated.call('updateRows', 'factor', { userId: totpUser.id, slot: 'totp' }, { secret: 'v1.not-a-sealed-value' });
    await rotated.call('updateRows', 'factor', { userId: smsUser.id, slot: 'phone' }, { secret: 'v1.not-a-sealed-value' });
    const refused = await verify(rotated.http, open.body.error.details.challenge, totp(app));
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.deepEqual([refused.body.error.name, refused.body.error.details.reason], ['ChallengeClosedError', 'unavailable']);
    assert.equal((await rotated.call('account', totpUser.id)).failures, 0, 'no guess was taken');

    // Neither unavailable factor is offered: each user gets an e-mailed code, never a 500.
    for (const user of [totpUser, smsUser]) {
      const login = await rotated.http.post('/api/auth/local', password(user));
      assert.equal(login.status, 401, JSON.stringify(login.body));
      assert.deepEqual([login.body.error.details.method, login.body.error.details.methods], ['email', ['email']]);
      const view = await rotated.http.get(`/two-factor/users/${user.id}`, { token: admin });
      assert.equal(view.status, 200, JSON.stringify(view.body));
      assert.deepEqual(view.body.data.unavailable, [user === totpUser ? 'totp' : 'sms'], "the admin's view says which");
    }
    const logs = await rotated.call('logs');
    assert.match(logs, /the totp factor of user \d+ does not open/);
    assert.match(logs, /the sms factor of user \d+ does not open/);
    assert.ok(!logs.includes('+15550170001') && !logs.includes(app), 'no number or secret in the logs');
    t.diagnostic(`${database.kind()}: passed`);
  } finally {
    await ops.stop().catch(() => {});
    await sms.close();
    await mail.close();
    await db.drop();
  }
});
