'use strict';

// The rulings with their conditional writes, through JS: each write admits the row it
// was ruled on, and refuses the row another request has already moved on.

const test = require('node:test');
const assert = require('node:assert/strict');
const tf = require('..');
const { admits, applied } = require('./helpers/guards');

const NOW = 1_700_000_000_000;

test('a challenge: attempts stop at the maximum, a right code is accepted once', () => {
  let row = tf.challengeOpen({ now: NOW, ttlSeconds: 300, maxAttempts: 2 });
  assert.deepEqual(row, { expiresAt: NOW + 300_000, attempts: 0, maxAttempts: 2, consumedAt: null, verifiedAt: null, resends: 0, lastSentAt: NOW });
  const first = tf.challengeAttempt(row, { now: NOW + 1 });
  const second = tf.challengeAttempt(row, { now: NOW + 1 });
  // Two requests ruled on the same row: both writes hold, each counts.
  row = applied(first.write, row);
  assert.ok(admits(second.write, row));
  row = applied(second.write, row);
  assert.equal(row.attempts, 2);
  // A third ruled on the stale row is refused by the stored one.
  const third = tf.challengeAttempt({ ...row, attempts: 1 }, { now: NOW + 1 });
  assert.equal(admits(third.write, row), false);
  assert.deepEqual(tf.challengeAttempt(row, { now: NOW + 1 }), { verdict: 'exhausted' });

  const fresh = tf.challengeOpen({ now: NOW, maxAttempts: 5, sent: false });
  assert.equal(fresh.lastSentAt, null);
  const a = tf.challengeConsume(fresh, { now: NOW + 2 });
  const b = tf.challengeConsume(fresh, { now: NOW + 2 });
  const consumed = applied(a.write, fresh);
  assert.equal(consumed.consumedAt, NOW + 2);
  assert.equal(admits(b.write, consumed), false);
  assert.deepEqual(tf.challengeConsume(consumed, { now: NOW + 3 }), { verdict: 'consumed' });
  assert.ok(admits(tf.challengeRelease(consumed), consumed));
  assert.equal(applied(tf.challengeRelease(consumed), consumed).consumedAt, null);
  const enrolled = applied(tf.challengeConsume(fresh, { now: NOW + 2, enrolment: true }).write, fresh);
  assert.equal(enrolled.verifiedAt, NOW + 2);
  assert.equal(tf.authorisesEnrolment(enrolled, { now: NOW + 3 }), true);
  assert.equal(tf.authorisesEnrolment(enrolled, { now: enrolled.expiresAt }), false);
  assert.equal(admits(tf.challengeRelease(enrolled), enrolled), false);
});

test('a resend: cooldown, cap, one winner, no new guesses', () => {
  const rules = { ttlSeconds: 300, cooldownSeconds: 30, maxResends: 1 };
  const row = tf.challengeOpen({ now: NOW, maxAttempts: 5 });
  assert.deepEqual(tf.challengeResend(row, { now: NOW + 29_999, ...rules }), { allowed: false, reason: 'cooldown', retryAt: NOW + 30_000 });
  assert.equal(tf.resendAvailableAt(row, { now: NOW, cooldownSeconds: 30 }), NOW + 30_000);
  const one = tf.challengeResend(row, { now: NOW + 30_000, ...rules });
  const two = tf.challengeResend(row, { now: NOW + 30_001, ...rules });
  assert.equal(one.allowed, true);
  const after = applied(one.write, row);
  assert.deepEqual([after.resends, after.lastSentAt, after.expiresAt, after.attempts], [1, NOW + 30_000, NOW + 330_000, 0]);
  assert.equal(admits(two.write, after), false);
  assert.deepEqual(tf.challengeResend(after, { now: NOW + 90_000, ...rules }), { allowed: false, reason: 'cap' });
  assert.deepEqual(tf.challengeResend({ ...row, expiresAt: NOW }, { now: NOW, ...rules }), { allowed: false, reason: 'closed', verdict: 'expired' });
  // A failed send lifts its own cooldown only.
  const unsent = tf.challengeUnsent(after);
  assert.ok(admits(unsent, after));
  assert.equal(admits(unsent, { ...after, lastSentAt: NOW + 60_000 }), false);
  assert.equal(applied(unsent, after).lastSentAt, null);
});

test('settle makes an expiry final; the guess, TOTP and device writes', () => {
  const row = tf.challengeOpen({ now: NOW, maxAttempts: 5 });
  assert.deepEqual(tf.challengeSettle(row, { now: NOW }), { verdict: 'active' });
  const settled = tf.challengeSettle(row, { now: row.expiresAt });
  assert.equal(settled.verdict, 'expired');
  assert.equal(applied(settled.write, row).expiresAt, 0);

  const take = tf.lockoutTake({ now: NOW, threshold: 2, durationSeconds: 60 });
  let account = { failures: 0, lastFailureAt: null };
  account = applied(take, account);
  account = applied(take, account);
  assert.deepEqual(account, { failures: 2, lastFailureAt: NOW });
  assert.equal(admits(take, account), false);
  assert.ok(admits(tf.lockoutTake({ now: NOW + 60_000, threshold: 2, durationSeconds: 60 }), account));
  assert.deepEqual(applied(tf.failuresReset(), account), { failures: 0, lastFailureAt: null });

  const accept = tf.totpAccept(10);
  assert.ok(admits(accept, { totpLastStep: null }));
  assert.ok(admits(accept, { totpLastStep: 9 }));
  assert.equal(admits(accept, { totpLastStep: 10 }), false);

  const until = tf.deviceTrustedUntil({ now: NOW, days: 30 });
  assert.equal(until, NOW + 30 * 86_400_000);
  assert.throws(() => tf.deviceTrustedUntil({ now: NOW, days: 91 }), RangeError);
  assert.ok(admits(tf.deviceUse({ now: NOW, expiresAt: until }), { expiresAt: until }));
  assert.equal(tf.deviceUse({ now: until, expiresAt: until }), null);
});

test('TOTP takes the time in milliseconds too, as every other ruling does', () => {
  const secret = new TextEncoder().encode('12345678901234567890');
  assert.equal(tf.generateTotp(secret, { now: 59_999, digits: 8 }), '94287082');
  assert.equal(tf.verifyTotp('94287082', secret, { now: 59_000, digits: 8 }), 1);
  assert.equal(tf.verifyTotp('94287082', secret, { now: 59_000, digits: 8, afterStep: 1 }), null);
  assert.throws(() => tf.generateTotp(secret, { now: 1, time: 1 }), TypeError);
  assert.throws(() => tf.verifyTotp('94287082', secret, { now: 1.5 }), RangeError);
});

test('a webhook is signed at a time in milliseconds; the header carries its unix seconds', () => {
  const signed = tf.signWebhook({ secret: 'k', now: 1_700_000_000_999, body: '{}' });
  assert.deepEqual(signed, { timestamp: 1_700_000_000, signature: tf.webhookSignature('k', 1_700_000_000, '{}') });
  assert.throws(() => tf.signWebhook({ secret: '', now: 1, body: '' }), RangeError);
  assert.equal(tf.codeMinutesLeft({ now: 0, expiresAt: 300_000 }), 5);
  assert.equal(tf.codeMinutesLeft({ now: 10, expiresAt: 10 }), 1);
});

test('a recovery set moves on once, from the number read before the proof; ended challenges forget where their code went', () => {
  const first = tf.recoveryClaim({ generation: 0 });
  assert.deepEqual(first.changes, [{ field: 'recoveryGeneration', change: 'set', value: 1 }]);
  for (const stored of [null, 0]) assert.ok(tf.admits(first, { recoveryGeneration: stored }), `set ${stored} is the first`);
  assert.equal(tf.admits(first, { recoveryGeneration: 1 }), false, 'another request replaced it first');
  const next = tf.recoveryClaim({ generation: 4 });
  assert.deepEqual(
    [tf.admits(next, { recoveryGeneration: 4 }), tf.admits(next, { recoveryGeneration: null }), tf.admits(next, { recoveryGeneration: 5 })],
    [true, false, false],
  );
  assert.throws(() => tf.recoveryClaim({ generation: -1 }), RangeError);
  assert.throws(() => tf.recoveryClaim({}), TypeError);

  const forget = tf.challengeForgetEnded({ now: NOW });
  assert.deepEqual(forget.changes, [{ field: 'destination', change: 'clear', value: 0 }]);
  // A store holds a sealed text there; the guard reads only whether it is there.
  assert.ok(tf.admits(forget, { expiresAt: NOW, destination: 0 }), 'ended, and still holding it');
  assert.equal(tf.admits(forget, { expiresAt: NOW + 1, destination: 0 }), false, 'still live');
  assert.equal(tf.admits(forget, { expiresAt: 0, destination: null }), false, 'already forgotten');
});

test('a place in a rate window is given back once; a limit gives up on a contended row after the core says', () => {
  assert.deepEqual(tf.rateRelease({ times: [10, 20, 20, 30], at: 20 }), [10, 20, 30], 'one event at that time');
  assert.equal(tf.rateRelease({ times: [10, 30], at: 20 }), null, 'already gone');
  assert.equal(tf.rateRelease({ times: [], at: 20 }), null);
  assert.throws(() => tf.rateRelease({ times: [10], at: -1 }), RangeError);
  assert.deepEqual([tf.LIMITS.MAX_RATE_TRIES, tf.LIMITS.RATE_CONTENDED_RETRY_MS], [25, 1000]);
});
