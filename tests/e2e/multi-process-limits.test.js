'use strict';

// Limits that a burst over several processes must not overrun, on one PostgreSQL or
// MariaDB database shared by three Strapi processes: the account lockout's budget of
// guesses, the delivery caps, the cooldown of phone and step-up codes, the admin's test
// message, and the races of recovery-code regeneration and first-factor confirmation.
const test = require('node:test');
const assert = require('node:assert/strict');
const OTPAuth = require('otpauth');
const database = require('./helpers/database');
const cluster = require('./helpers/cluster');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { adminToken } = require('./helpers/fixtures');

const skip = database.kind() === 'sqlite' && 'several processes need a server database (run with DB=postgres or DB=mariadb)';
const THRESHOLD = 10; // the lockout's default

// Caps high enough that only the test about caps meets them.
const ROOMY = { smsPerHour: 100, emailPerHour: 100, perNumberPerHour: 100, newNumbersPerDay: 3 };

let nodes;
let stop;
let sms;
let http;
let admin;

test.before(async () => {
  if (skip) return;
  sms = await twilio.start();
  ({ nodes, stop } = await cluster.start(3, sms.env));
  http = nodes.map((node) => client(node.url));
  admin = await adminToken(http[0]);
  await nodes[0].call('ensureRole', 'smsonly');
  const roles = { smsonly: { enforcement: 'required', methods: ['sms'], trustedDeviceDays: 0 } };
  assert.equal((await http[0].put('/two-factor/settings', { roles, caps: ROOMY }, { token: admin })).status, 200);
});
test.after(async () => {
  await stop?.();
  await sms?.close();
});

let phoneSerial = 0;
const nextPhone = () => `+1555013${String((phoneSerial += 1)).padStart(4, '0')}`;
const userWithPhone = () => nodes[0].call('createUser', { phone: nextPhone() });
const password = (user) => ({ identifier: user.identifier, password: user.password });
const wrongOf = (code) => String((Number(code) + 1) % 1e6).padStart(6, '0');
const tally = (results) => results.reduce((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});
const sentTo = (phone) => sms.messages.filter((m) => m.to === phone).length;

/** Password step on process `on`; returns the challenge and the SMS code. */
const challengeOn = async (on, user) => {
  const sent = sms.messages.length;
  const res = await http[on].post('/api/auth/local', password(user));
  assert.equal(res.status, 401, JSON.stringify(res.body));
  return { challenge: res.body.error.details.challenge, code: await sms.codeFor(user.phoneNumber, sent) };
};

/** A signed-in session for a user with a verified phone. */
const sessionOf = async (user) => {
  const { challenge, code } = await challengeOn(0, user);
  const res = await http[1].post('/api/auth/2fa/verify', { challenge, code });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.jwt;
};

test('a burst of wrong codes over three processes and many challenges is compared at most threshold times; a right code after that is refused', { skip }, async (t) => {
  const user = await userWithPhone();
  const open = [];
  for (let i = 0; i < 10; i += 1) open.push(await challengeOn(i % 3, user));
  const right = open.pop(); // its own challenge: no wrong guess touches it
  const sendWrong = (i) => {
    const { challenge, code } = open[i % open.length];
    return http[i % 3].post('/api/auth/2fa/verify', { challenge, code: wrongOf(code) });
  };
  const burst = Array.from({ length: 40 }, (_, i) => sendWrong(i));
  // Request 41 of 50: the right code, while the wrong ones are still in flight.
  await new Promise((resolve) => setTimeout(resolve, 25));
  const rightAnswer = http[40 % 3].post('/api/auth/2fa/verify', right);
  for (let i = 41; i < 50; i += 1) burst.push(sendWrong(i));
  const results = await Promise.all(burst);
  const answer = await rightAnswer;
  const { failures } = await nodes[0].call('account', user.id);
  t.diagnostic(`wrong guesses: ${JSON.stringify(tally(results))}; right code: ${answer.status}; failures counted: ${failures}`);
  assert.ok(failures <= THRESHOLD, `${failures} guesses were compared, more than the threshold of ${THRESHOLD}`);
  assert.equal(answer.status, 429, `the right code after the budget was spent: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.error.name, 'RateLimitError');
  assert.equal(results.filter((r) => r.status === 200).length, 0);
});

test('30 logins spread over three processes send at most 10 SMS; the rest get 429', { skip }, async (t) => {
  // The default account cap; the number's own cap (5) stays raised, or it would bind first.
  assert.equal((await http[0].put('/two-factor/settings', { caps: { smsPerHour: 10 } }, { token: admin })).status, 200);
  try {
    const user = await nodes[0].call('createUser', { phone: nextPhone(), role: 'smsonly' });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => http[i % 3].post('/api/auth/local', password(user))));
    t.diagnostic(`statuses: ${JSON.stringify(tally(results))}; SMS sent: ${sentTo(user.phoneNumber)}`);
    assert.ok(sentTo(user.phoneNumber) <= 10, `${sentTo(user.phoneNumber)} SMS went out`);
    assert.equal(results.filter((r) => r.status === 401).length, sentTo(user.phoneNumber), 'one SMS per challenge');
    assert.ok(results.filter((r) => r.status === 429).every((r) => r.body.error.name === 'RateLimitError' && r.body.error.details.retryAt));
  } finally {
    assert.equal((await http[0].put('/two-factor/settings', { caps: ROOMY }, { token: admin })).status, 200);
  }
});

test("40 logins over three processes whose number's cap binds first: the account's window counts exactly the SMS sent", { skip }, async (t) => {
  assert.equal((await http[0].put('/two-factor/settings', { caps: { smsPerHour: 10, perNumberPerHour: 5 } }, { token: admin })).status, 200);
  try {
    const user = await nodes[0].call('createUser', { phone: nextPhone(), role: 'smsonly' });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => http[i % 3].post('/api/auth/local', password(user))));
    const [window] = await nodes[1].call('rows', 'limit', { scope: 'sent:sms', subject: `users-permissions:${user.id}` });
    const recorded = window?.times ? window.times.split(',').length : 0;
    t.diagnostic(`statuses: ${JSON.stringify(tally(results))}; SMS sent: ${sentTo(user.phoneNumber)}; recorded against the account: ${recorded}`);
    assert.equal(sentTo(user.phoneNumber), 5);
    assert.equal(recorded, sentTo(user.phoneNumber), 'no place is stranded by the refusals of the number cap');
  } finally {
    assert.equal((await http[0].put('/two-factor/settings', { caps: ROOMY }, { token: admin })).status, 200);
  }
});

test('phone setup over three processes: one SMS per cooldown', { skip }, async () => {
  for (let round = 0; round < 3; round += 1) {
    const staff = await nodes[0].call('createUser', { role: 'staff' });
    const jwt = (await http[0].post('/api/auth/local', password(staff))).body.jwt;
    const number = nextPhone();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => http[i % 3].post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt })));
    assert.deepEqual(tally(results), { 200: 1, 429: 5 });
    assert.equal(sentTo(number), 1, `round ${round}: ${sentTo(number)} SMS inside one cooldown`);
  }
});

test('concurrent recovery-code regenerations: exactly one wins, and only its set works', { skip }, async () => {
  const user = await userWithPhone();
  const jwt = await sessionOf(user);
  for (let round = 0; round < 3; round += 1) {
    // Each regeneration needs a live code: recovery codes of the current set serve.
    const issued = await http[0].post('/api/auth/2fa/recovery-codes', { code: await stepUpCode(jwt, user) }, { token: jwt });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const spare = issued.body.data.recoveryCodes;
    const results = await Promise.all(spare.slice(0, 3).map((code, i) => http[i].post('/api/auth/2fa/recovery-codes', { code }, { token: jwt })));
    const winners = results.filter((r) => r.status === 200);
    assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(tally(results))}`);
    // A loser gets 409, or 400 when the set its own code came from was already replaced.
    assert.ok(results.filter((r) => r.status !== 200).every((r) => [400, 409].includes(r.status) && !r.body.data?.recoveryCodes));
    const status = await http[1].get('/api/auth/2fa/status', { token: jwt });
    assert.equal(status.body.data.recoveryCodesRemaining, 10, 'exactly one full set is valid');
    const login = await challengeOn(2, user);
    const old = await http[2].post('/api/auth/2fa/verify', { challenge: login.challenge, code: spare[5] });
    assert.equal(old.status, 400, 'the set that lost is dead');
    assert.equal((await http[0].post('/api/auth/2fa/verify', { challenge: login.challenge, code: winners[0].body.data.recoveryCodes[0] })).status, 200);
  }
});

/** A step-up code by SMS for a signed-in user (past the cooldown of the previous one). */
let clockOffset = 0;
const shiftAll = (ms) => {
  clockOffset += ms;
  return Promise.all(nodes.map((node) => node.call('shiftClock', ms)));
};
const stepUpCode = async (jwt, user) => {
  await shiftAll(31_000); // past the previous step-up code's cooldown
  const sent = sms.messages.length;
  const res = await http[0].post('/api/auth/2fa/code', { method: 'sms' }, { token: jwt });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return sms.codeFor(user.phoneNumber, sent);
};

test('concurrent first-factor confirmations: one set of recovery codes, no 500', { skip }, async () => {
  for (let round = 0; round < 4; round += 1) {
    const staff = await nodes[0].call('createUser', { role: 'staff' });
    const jwt = (await http[0].post('/api/auth/local', password(staff))).body.jwt;
    const number = nextPhone();
    const sent = sms.messages.length;
    assert.equal((await http[0].post('/api/auth/2fa/phone/setup', { phoneNumber: number }, { token: jwt })).status, 200);
    const smsCode = await sms.codeFor(number, sent);
    const setup = await http[1].post('/api/auth/2fa/totp/setup', {}, { token: jwt });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.data.secret) });
    const [phone, app] = await Promise.all([
      http[0].post('/api/auth/2fa/phone/confirm', { code: smsCode }, { token: jwt }),
      http[2].post('/api/auth/2fa/totp/confirm', { code: totp.generate({ timestamp: Date.now() + clockOffset }) }, { token: jwt }),
    ]);
    assert.deepEqual([phone.status, app.status], [200, 200], `round ${round}: ${JSON.stringify([phone.body, app.body])}`);
    const sets = [phone, app].filter((r) => r.body.data.recoveryCodes);
    assert.equal(sets.length, 1, `round ${round}: ${sets.length} sets handed out`);
    const status = await http[1].get('/api/auth/2fa/status', { token: jwt });
    assert.equal(status.body.data.recoveryCodesRemaining, 10);
  }
});

test('the admin\'s test message: one per interval over three processes', { skip }, async () => {
  const to = nextPhone();
  const results = await Promise.all(http.map((h) => h.post('/two-factor/settings/test-message', { method: 'sms', to }, { token: admin })));
  assert.deepEqual(tally(results), { 200: 1, 429: 2 });
  assert.equal(sentTo(to), 1);
});
