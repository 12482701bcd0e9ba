'use strict';

// Faults around the plugin: an SMS provider that hangs or fails, and the purge of
// expired challenges while logins keep coming.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { createUser, shiftClock } = require('./helpers/fixtures');

let app;
let http;
let sms;

test.before(async () => {
  sms = await twilio.start();
  app = await boot({ ...sms.env, TWILIO_TIMEOUT_MS: '500' });
  http = client(app.url);
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
});

const login = (user) => http.post('/api/auth/local', { identifier: user.identifier, password: user.password });

for (const [fault, arrange] of [
  ['does not answer (timeout)', () => sms.hangNext(1)],
  ['answers 500', () => sms.failNext(1, 500)],
]) {
  test(`an SMS provider that ${fault}: 503 with a live challenge, then a resend works`, async () => {
    const user = await createUser(app.strapi, { phone: `+1555012${fault.length.toString().padStart(4, '0')}` });
    arrange();
    const res = await login(user);
    assert.equal(res.status, 503);
    assert.equal(res.body.error.name, 'DeliveryFailedError');
    const { challenge, resendAvailableAt } = res.body.error.details;
    assert.ok(Date.parse(resendAvailableAt) <= Date.now() + 1000, 'no cooldown after a failed send');
    const sent = sms.messages.length;
    const resend = await http.post('/api/auth/2fa/resend', { challenge });
    assert.equal(resend.status, 200, JSON.stringify(resend.body));
    const code = await sms.codeFor(user.phoneNumber, sent);
    assert.equal((await http.post('/api/auth/2fa/verify', { challenge, code })).status, 200);
  });
}

test('the purge under a burst of logins removes only long-expired challenges', async () => {
  const challenges = app.strapi.plugin('two-factor').service('challenges');
  const users = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(app.strapi, { phone: `+155501300${i}` })));
  const burst = async () => (await Promise.all(users.map(login))).map((res) => res.body.error.details.challenge);
  const old = await burst();
  // 66 minutes on: the first burst expired more than an hour ago (5 min life + 1 h grace).
  const reset = shiftClock(app.strapi, 66 * 60 * 1000);
  try {
    const fresh = await burst();
    for (const token of old) assert.equal(await challenges.findByToken(token), null, 'an expired challenge survived');
    for (const token of fresh) assert.ok(await challenges.findByToken(token), 'a live challenge was purged');
    const code = await sms.codeFor(users[0].phoneNumber, 0); // the newest SMS: the fresh burst's
    assert.equal((await http.post('/api/auth/2fa/verify', { challenge: fresh[0], code })).status, 200);
  } finally {
    reset();
  }
});
