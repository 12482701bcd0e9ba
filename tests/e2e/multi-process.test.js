'use strict';

// Three Strapi processes sharing one PostgreSQL or MariaDB database, as behind a load
// balancer. Every limit must hold across them, because it lives in the database.
const test = require('node:test');
const assert = require('node:assert/strict');
const OTPAuth = require('otpauth');
const database = require('./helpers/database');
const cluster = require('./helpers/cluster');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { adminToken } = require('./helpers/fixtures');

const skip = database.kind() === 'sqlite' && 'several processes need a server database (run with DB=postgres or DB=mariadb)';

let nodes;
let stop;
let sms;
let http;

test.before(async () => {
  if (skip) return;
  sms = await twilio.start();
  ({ nodes, stop } = await cluster.start(3, sms.env));
  http = nodes.map((node) => client(node.url));
});
test.after(async () => {
  await stop?.();
  await sms?.close();
});

let phoneSerial = 0;
const userWithPhone = () => nodes[0].call('createUser', { phone: `+1555011${String((phoneSerial += 1)).padStart(4, '0')}` });

/** Password step on process `on`; returns the challenge and the SMS code. */
const challengeOn = async (on, user) => {
  const sent = sms.messages.length;
  const res = await http[on].post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 401, JSON.stringify(res.body));
  return { challenge: res.body.error.details.challenge, code: await sms.codeFor(user.phoneNumber, sent) };
};
const wrongOf = (code) => String((Number(code) + 1) % 1e6).padStart(6, '0');
// How far every process's plugin clock has been moved, summed over the whole file: a code
// computed here must use the time the servers see.
let clockOffset = 0;
const shiftAll = (ms) => {
  clockOffset += ms;
  return Promise.all(nodes.map((node) => node.call('shiftClock', ms)));
};
const tally = (results) => results.reduce((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});

test('a challenge made on one process verifies on another', { skip }, async () => {
  const user = await userWithPhone();
  const { challenge, code } = await challengeOn(0, user);
  const res = await http[1].post('/api/auth/2fa/verify', { challenge, code });
  assert.equal(res.status, 200);
  assert.equal((await http[2].get('/api/users/me', { token: res.body.jwt })).status, 200);
});

test('200 concurrent wrong guesses over three processes use exactly the maximum, none accepted', { skip }, async (t) => {
  const user = await userWithPhone();
  const { challenge, code } = await challengeOn(0, user);
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => http[i % 3].post('/api/auth/2fa/verify', { challenge, code: wrongOf(code) })),
  );
  const counts = tally(results);
  t.diagnostic(`statuses: ${JSON.stringify(counts)}`);
  assert.equal(counts[400], 5);
  assert.equal(counts[200], undefined);
  assert.equal((await nodes[2].call('challenge', challenge)).attempts, 5);
  assert.equal((await http[1].post('/api/auth/2fa/verify', { challenge, code })).status, 401, 'dead for the right code too');
});

test('50 concurrent correct verifies over three processes yield exactly one session', { skip }, async (t) => {
  const user = await userWithPhone();
  const { challenge, code } = await challengeOn(1, user);
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => http[i % 3].post('/api/auth/2fa/verify', { challenge, code })));
  const counts = tally(results);
  t.diagnostic(`statuses: ${JSON.stringify(counts)}`);
  assert.equal(counts[200], 1);
});

test('a resend on one process kills the old code on another', { skip }, async () => {
  const user = await userWithPhone();
  const { challenge, code } = await challengeOn(0, user);
  await shiftAll(31_000);
  const sent = sms.messages.length;
  assert.equal((await http[0].post('/api/auth/2fa/resend', { challenge })).status, 200);
  const fresh = await sms.codeFor(user.phoneNumber, sent);
  if (fresh !== code) assert.equal((await http[1].post('/api/auth/2fa/verify', { challenge, code })).status, 400);
  assert.equal((await http[2].post('/api/auth/2fa/verify', { challenge, code: fresh })).status, 200);
});

test('the lockout counts failures from every process', { skip }, async (t) => {
  const user = await userWithPhone();
  const statuses = [];
  for (let round = 0; round < 2; round += 1) {
    const { challenge, code } = await challengeOn(round, user);
    for (let i = 0; i < 5; i += 1) statuses.push((await http[i % 3].post('/api/auth/2fa/verify', { challenge, code: wrongOf(code) })).status);
  }
  t.diagnostic(`failures: ${(await nodes[0].call('account', user.id)).failures}, last status ${statuses.at(-1)}`);
  assert.equal(statuses.at(-1), 429);
  for (const h of http) assert.equal((await h.post('/api/auth/local', { identifier: user.identifier, password: user.password })).status, 429);
});

test('a TOTP code used on one process is refused on another', { skip }, async () => {
  const user = await userWithPhone();
  const first = await challengeOn(0, user);
  const jwt = (await http[0].post('/api/auth/2fa/verify', first)).body.jwt;
  // The user has a phone: adding an app takes a live code from it (a step-up SMS).
  await shiftAll(31_000);
  const sent = sms.messages.length;
  assert.equal((await http[2].post('/api/auth/2fa/code', { method: 'sms' }, { token: jwt })).status, 200);
  const stepUp = await sms.codeFor(user.phoneNumber, sent);
  const setup = await http[1].post('/api/auth/2fa/totp/setup', { code: stepUp }, { token: jwt });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.data.secret) });
  const at = async (ms) => {
    await shiftAll(ms);
    return totp.generate({ timestamp: Date.now() + clockOffset });
  };
  assert.equal((await http[2].post('/api/auth/2fa/totp/confirm', { code: await at(30_000) }, { token: jwt })).status, 200);
  const code = await at(30_000);
  const loginA = await http[0].post('/api/auth/local', { identifier: user.identifier, password: user.password });
  const loginB = await http[1].post('/api/auth/local', { identifier: user.identifier, password: user.password });
  const [a, b] = await Promise.all([
    http[0].post('/api/auth/2fa/verify', { challenge: loginA.body.error.details.challenge, code }),
    http[1].post('/api/auth/2fa/verify', { challenge: loginB.body.error.details.challenge, code }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 400], 'exactly one of the two processes accepts it');
});

test('an admin\'s settings change on one process rules the next sign-in on the others', { skip }, async () => {
  const token = await adminToken(http[0]);
  assert.equal((await http[1].put('/two-factor/settings', { code: { digits: 8 } }, { token })).status, 200);
  try {
    const user = await userWithPhone();
    const { challenge, code } = await challengeOn(2, user);
    assert.match(code, /^\d{8}$/, 'the process that did not save it sends 8 digits');
    assert.equal((await http[0].post('/api/auth/2fa/verify', { challenge, code })).status, 200);
  } finally {
    assert.equal((await http[1].put('/two-factor/settings', { code: { digits: 6 } }, { token })).status, 200);
  }
});

test('a process killed during a burst of logins: the others keep serving, no challenge is lost', { skip }, async (t) => {
  const users = [];
  for (let i = 0; i < 20; i += 1) users.push(await userWithPhone());
  const victim = nodes[2];
  // Kill the victim once it has answered two logins: mid-burst, with more queued.
  let victimAnswers = 0;
  let killNow;
  const twoAnswered = new Promise((resolve) => {
    killNow = resolve;
  });
  const burst = users.map((user, i) => {
    const onVictim = i % 2 === 0;
    return (onVictim ? http[2] : http[0])
      .post('/api/auth/local', { identifier: user.identifier, password: user.password })
      .then(
        (res) => {
          if (onVictim && (victimAnswers += 1) === 2) killNow();
          return { user, res };
        },
        () => ({ user, res: null }),
      );
  });
  await Promise.race([twoAnswered, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  victim.child.kill('SIGKILL');
  nodes.splice(2, 1); // gone: the cluster's stop() must not wait for it
  const results = await Promise.all(burst);

  const answered = results.filter(({ res }) => res !== null);
  t.diagnostic(`answered ${answered.length} of 20; the killed process dropped ${20 - answered.length}`);
  assert.ok(answered.length >= 12, 'the survivor answered all of its share, the victim some');
  assert.ok(answered.length < 20, 'the victim died before answering all of its share');
  for (const { res } of answered) assert.equal(res.status, 401);
  // Every challenge that reached a client verifies on a surviving process.
  for (const { user, res } of answered) {
    const code = await sms.codeFor(user.phoneNumber, 0);
    const verified = await http[1].post('/api/auth/2fa/verify', { challenge: res.body.error.details.challenge, code });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
  }
  // And the dead process's users can still sign in through the others.
  const retry = results.find(({ res }) => res === null);
  if (retry) assert.equal((await http[0].post('/api/auth/local', { identifier: retry.user.identifier, password: retry.user.password })).status, 401);
});
