'use strict';

// Every branch of sign-in, enrolment and step-up, through the real domain (core rulings,
// conditional writes, keys, factors, role policies) over the in-memory store: attempts,
// expiry, single use, replay, resend, lockout, delivery caps, trusted devices. The flows
// take plain values and return outcomes (flow/outcome.js), so no request is faked. No
// Strapi, no database: the end-to-end suite proves the same flows over HTTP on SQLite,
// PostgreSQL and MariaDB.
const test = require('node:test');
const assert = require('node:assert/strict');
const { build, refusal } = require('./helpers/flows');
const answer = require('../server/src/host/answer');

const REQUIRED = { enforcement: 'required', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 30 };
const ALICE = { id: 1, username: 'alice', email: 'alice@example.com', roleType: 'staff' };

/** The first factor passed: the sign-in flow's outcome. `request`: what the host read of the request. */
const afterPassword = (world, request = {}, user = ALICE) => world.d.signIn.afterFirstFactor(world.user(user.id), request);

/** A sign-in up to its challenge: `{ token, details }`, and the code the user was sent. */
const signIn = async (world, user = ALICE) => {
  const outcome = await afterPassword(world, {}, user);
  assert.ok(outcome.challenge, `a challenge, not ${Object.keys(outcome)}`);
  return { token: outcome.challenge.challenge, details: outcome.challenge, code: world.lastSent()?.code };
};

const verify = (world, body, request = {}) => world.d.signIn.verify(body, request);

/** The session an outcome gives (the host's login response): its user's id, extra fields and device token. */
const session = (outcome) => {
  assert.ok(outcome.respond, `a session, not ${Object.keys(outcome)}`);
  const { user, extra, device } = outcome.respond;
  return { userId: user.id, ...extra, deviceToken: device?.token };
};

/** The `data` of a 200 outcome. */
const data = (outcome) => {
  assert.ok(outcome.body?.data, `data, not ${Object.keys(outcome)}`);
  return outcome.body.data;
};

const staff = (overrides = {}, settings = {}) => build({ policies: { staff: { ...REQUIRED, ...overrides } }, users: [ALICE], settings });

test('a role that is off, or optional with nothing enrolled, gets the host login at once', async () => {
  for (const enforcement of ['off', 'optional']) {
    const world = staff({ enforcement });
    const outcome = await world.d.signIn.afterFirstFactor({ ...world.user(1), role: { type: 'staff' } });
    assert.equal(session(outcome).userId, 1);
    assert.equal(outcome.respond.user.role, undefined, 'the role loaded for the policy is not answered');
    assert.equal(world.sent.length, 0);
  }
});

test('required: a challenge, the e-mailed code gives a session once, a replay is refused', async () => {
  const world = staff();
  const { token, details, code } = await signIn(world);
  assert.equal(details.method, 'email');
  assert.equal(details.destination, 'a•••@example.com');
  assert.match(code, /^\d{6}$/);
  assert.equal(world.tables.challenges[0].destination.startsWith('v1.'), true, 'the destination is sealed');
  assert.equal(session(await verify(world, { challenge: token, code })).userId, 1);
  const replay = await refusal(() => verify(world, { challenge: token, code }));
  assert.deepEqual([replay.status, replay.details.reason], [401, 'consumed']);
  assert.equal(world.tables.challenges[0].destination, null, 'a consumed challenge forgets where its code went');
  const unknown = await refusal(() => verify(world, { challenge: 'x'.repeat(43), code }));
  assert.deepEqual([unknown.status, unknown.details.reason], [401, 'unknown']);
});

test('attempts: each wrong code costs one, the last one kills the challenge even for the right code', async () => {
  const world = staff({}, { code: { maxAttempts: 3 } });
  const { token, code } = await signIn(world);
  const wrong = code === '000000' ? '111111' : '000000';
  for (const left of [2, 1, 0]) {
    const error = await refusal(() => verify(world, { challenge: token, code: wrong }));
    assert.deepEqual([error.status, error.details.attemptsRemaining], [400, left]);
  }
  const dead = await refusal(() => verify(world, { challenge: token, code }));
  assert.deepEqual([dead.status, dead.details.reason], [401, 'exhausted']);
  assert.equal(world.events.filter((e) => e.name === 'failed').length, 3);
});

test('expiry: an expired code is refused, and the expiry is made permanent', async () => {
  const world = staff({}, { code: { ttlSeconds: 60 } });
  const { token, code } = await signIn(world);
  world.advance(60_000);
  const error = await refusal(() => verify(world, { challenge: token, code }));
  assert.deepEqual([error.status, error.details.reason], [401, 'expired']);
  assert.equal(world.tables.challenges[0].expiresAt, 0, 'a clock running behind cannot revive it');
});

test('resend: cooldown, a new code that kills the old one, no new attempts, a cap, a method switch', async () => {
  const world = build({ policies: { staff: REQUIRED }, users: [{ ...ALICE }], settings: { resend: { cooldownSeconds: 30, maxResends: 2 } } });
  await world.d.factors.setPhone(1, '+15555550123', world.now());
  const { token, code: first } = await signIn(world);
  assert.equal(world.lastSent().method, 'sms');
  const wrong = first === '000000' ? '111111' : '000000';
  await refusal(() => verify(world, { challenge: token, code: wrong }));
  const early = await refusal(() => world.d.signIn.resend({ challenge: token }));
  assert.equal(early.status, 429);
  assert.equal(Date.parse(early.details.retryAt), world.now() + 30_000);
  world.advance(30_000);
  assert.equal(data(await world.d.signIn.resend({ challenge: token, method: 'email' })).method, 'email');
  const second = world.lastSent();
  assert.equal(second.to, 'alice@example.com');
  assert.equal(world.tables.challenges[0].attempts, 1, 'a resend buys no guesses');
  const old = await refusal(() => verify(world, { challenge: token, code: first }));
  assert.equal(old.details.attemptsRemaining, 3, 'the old code died with the resend');
  world.advance(30_000);
  await world.d.signIn.resend({ challenge: token });
  world.advance(30_000);
  const capped = await refusal(() => world.d.signIn.resend({ challenge: token }));
  assert.deepEqual([capped.status, capped.details.reason], [429, 'cap']);
  const notAllowed = await refusal(() => world.d.signIn.resend({ challenge: token, method: 'fax' }));
  assert.equal(notAllowed.status, 400);
  await verify(world, { challenge: token, code: world.lastSent().code });
});

test('lockout: failures across challenges lock the account, then one guess per lock period', async () => {
  const world = staff({}, { lockout: { threshold: 3, durationSeconds: 60 } });
  let last;
  for (let i = 0; i < 3; i += 1) {
    const { token, code } = await signIn(world);
    last = await refusal(() => verify(world, { challenge: token, code: code === '000000' ? '111111' : '000000' }));
  }
  assert.equal(last.status, 429, 'the failure that reaches the threshold answers 429');
  assert.equal(world.events.filter((e) => e.name === 'locked').length, 1);
  const locked = await refusal(() => afterPassword(world));
  assert.equal(locked.status, 429, 'a locked account gets no challenge, and no message is sent');
  world.advance(60_000);
  const { token, code } = await signIn(world);
  assert.equal(session(await verify(world, { challenge: token, code })).userId, 1);
  assert.equal(world.tables.accounts[0].failures, 0, 'a right code ends the run of failures');
});

/** `store` with each operation it is asked for recorded in `calls` as "kind.operation". */
const recorded = (store, calls) => {
  const wrapped = { ...store };
  for (const [kind, ops] of Object.entries(store)) {
    if (kind === 'tables' || typeof ops !== 'object') continue;
    wrapped[kind] = Object.fromEntries(
      Object.entries(ops).map(([name, op]) => [name, (...args) => (calls.push(`${kind}.${name}`), op(...args))]),
    );
  }
  return wrapped;
};

test('while locked, the right code and a wrong one are refused alike: the same answer, reads and writes', async () => {
  const calls = [];
  const world = build({
    policies: { staff: REQUIRED },
    users: [ALICE],
    settings: { lockout: { threshold: 2, durationSeconds: 60 } },
    store: recorded(require('../server/src/store/memory')().forRealm('test'), calls),
  });
  const spare = await signIn(world);
  for (let i = 0; i < 2; i += 1) {
    const { token, code } = await signIn(world);
    await refusal(() => verify(world, { challenge: token, code: code === '000000' ? '111111' : '000000' }));
  }
  const stored = () => world.d.challenges.findByToken(spare.token);
  const before = await stored();
  const refused = {};
  for (const [name, code] of [['right', spare.code], ['wrong', spare.code === '000000' ? '111111' : '000000']]) {
    calls.length = 0;
    const error = await refusal(() => verify(world, { challenge: spare.token, code }));
    refused[name] = { status: error.status, message: error.message, details: error.details, calls: [...calls] };
  }
  assert.equal(refused.right.status, 429);
  assert.deepEqual(refused.right, refused.wrong);
  const after = await stored();
  assert.deepEqual([after.attempts, after.consumedAt], [before.attempts + 2, null], 'each took its attempt; the right code was never accepted');
  world.advance(60_000);
  assert.equal(session(await verify(world, { challenge: spare.token, code: spare.code })).userId, 1, 'once the lock ends, the right code works');
});

test('delivery caps: past the hourly cap no code is sent; an authenticator app still signs in', async () => {
  const world = staff({}, { caps: { emailPerHour: 2 } });
  await signIn(world);
  await signIn(world);
  const capped = await refusal(() => afterPassword(world));
  assert.equal(capped.status, 429);
  assert.equal(world.sent.length, 2);
  assert.equal(world.events.filter((e) => e.name === 'delivery.capped').length, 1);
  world.advance(3_600_000);
  await signIn(world);
  assert.equal(world.sent.length, 3, 'the window slides');
});

test('a failed delivery answers 503 with a live challenge, and a resend works at once', async () => {
  const world = staff();
  world.fail('email');
  const error = await refusal(() => afterPassword(world));
  assert.equal(error.status, 503);
  assert.equal(Date.parse(error.details.resendAvailableAt), world.now());
  world.restore('email');
  await world.d.signIn.resend({ challenge: error.details.challenge });
  await verify(world, { challenge: error.details.challenge, code: world.lastSent().code });
});

test('a blocked user gets the host refusal, not a session', async () => {
  const world = staff();
  const { token, code } = await signIn(world);
  world.block(1);
  const error = await refusal(() => verify(world, { challenge: token, code }));
  assert.equal(error.message, 'Your account has been blocked by an administrator');
});

test('a trusted device skips the second step until it expires; its token turns over on each use', async () => {
  const world = staff({ trustedDeviceDays: 1 });
  const { token, code } = await signIn(world);
  const first = session(await verify(world, { challenge: token, code, rememberDevice: true }, { userAgent: 'Firefox' })).deviceToken;
  assert.match(first, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(world.tables.devices[0].label, 'Firefox', 'the device is named by its user agent');
  const second = session(await afterPassword(world, { deviceToken: first })).deviceToken;
  assert.ok(second && second !== first);
  assert.ok((await afterPassword(world, { deviceToken: first })).challenge, 'a used token no longer skips');
  world.advance(86_400_000);
  assert.ok((await afterPassword(world, { deviceToken: second })).challenge, 'an expired device no longer skips');
});

test('enrolment: a user with nothing the role accepts gets an e-mailed code that opens enrolment only', async () => {
  const world = staff({ methods: ['totp'] });
  const { token, details, code } = await signIn(world);
  assert.equal(details.enrolmentRequired, true);
  const verified = await verify(world, { challenge: token, code });
  assert.deepEqual(verified.body.enrolment.methods, ['totp']);
  assert.equal(verified.respond, undefined, 'no session yet');
  const enrolment = await world.d.challenges.findByToken(token);
  assert.equal(world.d.challenges.authorisesEnrolment(enrolment, world.now()), true);

  const { secret } = data(await world.d.enrolment.setup('totp', world.user(1), {}));
  const wrong = await refusal(() => world.d.enrolment.confirm('totp', world.user(1), { code: '000000' === world.totp(secret) ? '111111' : '000000' }, enrolment));
  assert.equal(wrong.status, 400);
  const done = session(await world.d.enrolment.confirm('totp', world.user(1), { code: world.totp(secret) }, enrolment));
  assert.equal(done.userId, 1);
  assert.equal(done.recoveryCodes.length, 10);
  assert.equal(world.d.challenges.authorisesEnrolment(await world.d.challenges.findByToken(token), world.now()), false, 'the enrolment is closed');
  assert.equal(world.tables.factors[0].secret.startsWith('v1.'), true, 'the secret is sealed');
});

test('TOTP and recovery codes: each proves a sign-in once; a replayed TOTP step is refused', async () => {
  const world = staff();
  const { secret } = data(await world.d.enrolment.setup('totp', world.user(1), {}));
  const [recoveryCode] = data(await world.d.enrolment.confirm('totp', world.user(1), { code: world.totp(secret) })).recoveryCodes;
  world.advance(30_000);

  const first = await signIn(world);
  assert.equal(first.details.method, 'totp');
  assert.equal(world.sent.length, 0, 'nothing is sent for an authenticator app');
  const totp = world.totp(secret);
  await verify(world, { challenge: first.token, code: totp });
  const second = await signIn(world);
  const replay = await refusal(() => verify(world, { challenge: second.token, code: totp }));
  assert.equal(replay.status, 400, 'the same step never works twice');
  await verify(world, { challenge: second.token, code: recoveryCode });
  const third = await signIn(world);
  const spent = await refusal(() => verify(world, { challenge: third.token, code: recoveryCode }));
  assert.equal(spent.status, 400, 'a recovery code works once');
  assert.equal(await world.d.recovery.remaining(1), 9);
});

/** Enrols an authenticator app for Alice; returns its base32 secret. */
const enrolApp = async (world) => {
  const { secret } = data(await world.d.enrolment.setup('totp', world.user(1), {}));
  await world.d.enrolment.confirm('totp', world.user(1), { code: world.totp(secret) });
  world.advance(30_000);
  return secret;
};

test('a secret that does not open: the app is not offered, still enrolled, and its open challenge ends before a guess', async () => {
  const world = staff();
  const secret = await enrolApp(world);
  const open = await signIn(world);
  assert.equal(open.details.method, 'totp');
  // Sealed under a secret no longer configured (here: not a sealed value at all).
  world.tables.factors.find((row) => row.slot === 'totp').secret = 'v1.not-sealed';
  const ended = await refusal(() => verify(world, { challenge: open.token, code: world.totp(secret) }));
  assert.deepEqual([ended.status, ended.details.reason], [401, 'unavailable']);
  assert.equal(world.tables.accounts[0].failures, 0, 'no guess was taken');
  const next = await signIn(world);
  assert.deepEqual([next.details.method, next.details.methods], ['email', ['email']], 'another allowed method is offered');
  const state = await world.d.factors.of(1);
  assert.deepEqual([state.unavailable, world.d.factors.enrolled(state)], [['totp'], true]);
  assert.ok(world.events.some((e) => e.name === 'factor.unreadable' && e.userId === 1 && e.method === 'totp'));
});

test("a delivery cap counts what was sent: a failed send gives its place back, and an admin's lift ends the window", async () => {
  const world = staff({}, { caps: { emailPerHour: 2 } });
  const window = () => world.tables.limits.find((row) => row.scope === 'sent:email')?.times ?? '';
  world.fail('email');
  await refusal(() => afterPassword(world));
  assert.equal(window(), '', 'nothing went out, nothing is counted');
  world.restore('email');
  await signIn(world);
  await signIn(world);
  const capped = await refusal(() => afterPassword(world));
  assert.equal(capped.status, 429);
  await world.d.caps.lift(1);
  assert.equal((await signIn(world)).details.method, 'email', 'after the lift a code is sent again');
});

test('phone enrolment and step-up: codes prove only their own purpose; sensitive changes need a live code', async () => {
  const world = staff();
  // The first factor is free; the next needs a live code of the first.
  const sent = data(await world.d.enrolment.setup('sms', world.user(1), { phoneNumber: '+15555550123' }));
  assert.equal(sent.destination, '+1••••••0123');
  const phoneCode = world.lastSent().code;
  assert.equal(data(await world.d.enrolment.confirm('sms', world.user(1), { code: phoneCode })).recoveryCodes.length, 10);

  const noProof = await refusal(() => world.d.account.regenerateRecoveryCodes(world.user(1), { code: '123456' }));
  assert.equal(noProof.status, 400);
  await world.d.account.stepUp(world.user(1), { method: 'sms' });
  const stepUpCode = world.lastSent().code;
  // A step-up code never proves a sign-in.
  const { token } = await signIn(world);
  const notForSignIn = await refusal(() => verify(world, { challenge: token, code: stepUpCode }));
  assert.equal(notForSignIn.status, 400);
  assert.equal(data(await world.d.account.regenerateRecoveryCodes(world.user(1), { code: stepUpCode })).recoveryCodes.length, 10);
  const refused = await refusal(() => world.d.account.disable(world.user(1), { code: stepUpCode }));
  assert.equal(refused.status, 403, 'a required role cannot turn two-factor off');
});

test('a limit holds across two processes that each remember the row they last wrote', async () => {
  const one = staff();
  const two = build({ store: one.d.store });
  const take = (world) => world.d.limits.take('sent:email', '1', { cap: 3, windowSeconds: 3600, now: one.now() });
  const answers = [];
  for (const world of [one, two, one, two, one, two]) answers.push((await take(world)).allowed);
  assert.deepEqual(answers, [true, true, true, false, false, false]);
  // A place given back by one process is found by the other, whose remembered row is stale.
  await two.d.limits.release('sent:email', '1', one.now());
  assert.equal((await take(one)).allowed, true);
  assert.equal((await take(two)).allowed, false);
});

test('two kinds of user on the same tables: the same id in another realm shares no factor, lockout, code or limit', async () => {
  const people = staff({}, { lockout: { threshold: 2, durationSeconds: 900 } });
  const admins = build({ policies: { staff: REQUIRED }, users: [ALICE], realm: 'admin', store: people.d.store.forRealm('admin') });
  const { secret } = data(await people.d.enrolment.setup('totp', people.user(1), {}));
  await people.d.enrolment.confirm('totp', people.user(1), { code: people.totp(secret) });
  assert.equal((await people.d.factors.of(1)).totp, true);
  assert.equal((await admins.d.factors.of(1)).totp, false, 'the authenticator belongs to the other realm');
  assert.equal(await admins.d.recovery.remaining(1), 0);

  const { token } = await signIn(admins);
  assert.equal(await people.d.challenges.findByToken(token), null, "a challenge is only its realm's");
  for (let i = 0; i < 2; i += 1) await refusal(() => people.d.accounts.requireCode(people.user(1), '000000'));
  assert.equal((await people.d.accounts.lockState(1, people.now())).locked, true);
  assert.equal((await admins.d.accounts.lockState(1, admins.now())).locked, false, "a lockout is only its realm's");
  assert.deepEqual(people.tables.limits.map((row) => row.subject).sort(), ['admin:1'], 'per-user limits name the realm');
});

test('a right code whose answer cannot be built gives the challenge back: the same code then signs in', async () => {
  const world = staff();
  const { token, code } = await signIn(world);
  // The host answers the outcome (host/answer.js) with a session store that is down.
  const down = {
    respond: async () => {
      throw new Error('the session store is down');
    },
  };
  await assert.rejects(answer(down, {}, await verify(world, { challenge: token, code })), /session store is down/);
  assert.equal(session(await verify(world, { challenge: token, code })).userId, 1, 'a right code is never burnt by a failed answer');
});

test('a challenge displaced by newer sign-ins is closed, never a 500', async () => {
  const world = staff({}, { caps: { emailPerHour: 100 } });
  const first = await signIn(world);
  for (let i = 0; i < 10; i += 1) await signIn(world);
  const gone = await refusal(() => verify(world, { challenge: first.token, code: first.code }));
  assert.deepEqual([gone.status, gone.details.reason], [401, 'unknown']);
  assert.equal(world.tables.challenges.length, 10, 'at most ten open challenges');
});

test('step-up codes: one per cooldown, and none past the delivery cap', async () => {
  const world = staff({}, { caps: { emailPerHour: 2 } });
  const stepUp = () => world.d.account.stepUp(world.user(1), { method: 'email' });
  await stepUp();
  const cooling = await refusal(stepUp);
  assert.equal(cooling.status, 429);
  assert.equal(Date.parse(cooling.details.retryAt), world.now() + 30_000, 'retryAt is when the cooldown ends');
  world.advance(30_000);
  await stepUp();
  world.advance(30_000);
  const capped = await refusal(stepUp);
  assert.equal(capped.status, 429, 'the account has had its two e-mails this hour');
  assert.equal(world.sent.length, 2);
});

test('with a factor enrolled, adding an app needs a live code of it; the first factor needs none', async () => {
  const world = staff();
  await world.d.enrolment.setup('sms', world.user(1), { phoneNumber: '+15555550123' });
  await world.d.enrolment.confirm('sms', world.user(1), { code: world.lastSent().code });
  const refused = await refusal(() => world.d.enrolment.setup('totp', world.user(1), { code: '000000' }));
  assert.equal(refused.status, 400);
  world.advance(30_000);
  await world.d.account.stepUp(world.user(1), { method: 'sms' });
  assert.match(data(await world.d.enrolment.setup('totp', world.user(1), { code: world.lastSent().code })).uri, /^otpauth:\/\/totp\//);
});

test('status, revoking a device, and turning two-factor off with a live code', async () => {
  const world = build({ policies: { staff: { ...REQUIRED, enforcement: 'optional' } }, users: [ALICE] });
  const secret = await enrolApp(world);
  const { token } = await signIn(world);
  await verify(world, { challenge: token, code: world.totp(secret), rememberDevice: true });
  const status = data(await world.d.account.status(world.user(1)));
  assert.deepEqual([status.enabled, status.enforcement, status.methods.totp, status.unavailable, status.recoveryCodesRemaining], [true, 'optional', true, [], 10]);
  assert.equal(status.trustedDevices.length, 1);

  const unknown = await refusal(() => world.d.account.revokeDevice(world.user(1), 999));
  assert.equal(unknown.status, 404);
  const [device] = status.trustedDevices;
  assert.deepEqual(data(await world.d.account.revokeDevice(world.user(1), device.id)), { id: device.id, revoked: true });

  const wrong = await refusal(() => world.d.account.disable(world.user(1), { code: '000000' }));
  assert.equal(wrong.status, 400);
  world.advance(30_000);
  assert.deepEqual(data(await world.d.account.disable(world.user(1), { code: world.totp(secret) })), { enabled: false });
  assert.equal(world.d.factors.enrolled(await world.d.factors.of(1)), false);
  assert.ok(world.events.some((e) => e.name === 'disabled' && e.userId === 1));
});

test('one verify sequence for a sensitive change: the step-up code first, then the factors that prove a code on their own', async () => {
  const world = build({ policies: { staff: { ...REQUIRED, enforcement: 'optional' } }, users: [ALICE], settings: { lockout: { threshold: 5, durationSeconds: 60 } } });
  const secret = await enrolApp(world);
  await world.d.account.stepUp(world.user(1), { method: 'email' });
  const stepUpCode = world.lastSent().code;
  const stepUp = () => world.tables.challenges.find((row) => row.purpose === 'step-up');
  const wrong = stepUpCode === '000000' ? '111111' : '000000';
  await refusal(() => world.d.account.regenerateRecoveryCodes(world.user(1), { code: wrong }));
  assert.deepEqual([stepUp().attempts, world.tables.accounts[0].failures], [1, 1], 'a wrong code costs the challenge an attempt and the account a guess');
  // A TOTP proves the change; the step-up challenge is only one way among others: it stays usable.
  await world.d.account.regenerateRecoveryCodes(world.user(1), { code: world.totp(secret) });
  assert.deepEqual([stepUp().consumedAt, world.tables.accounts[0].failures], [null, 0], 'a right code gives its guess back');
  await world.d.account.regenerateRecoveryCodes(world.user(1), { code: stepUpCode });
  assert.notEqual(stepUp().consumedAt, null, 'the step-up code proves once');
  const again = await refusal(() => world.d.account.regenerateRecoveryCodes(world.user(1), { code: stepUpCode }));
  assert.equal(again.status, 400);
});
