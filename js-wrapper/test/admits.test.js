'use strict';

// admits(write, row): the core's Write::admits, reached from JS. It must agree with what
// a database does with the guard (checked here against a plain reading of the documented
// semantics, on random guards and rows), and with the rulings' own writes.

const test = require('node:test');
const assert = require('node:assert/strict');
const tf = require('..');

const FIELDS = ['expiresAt', 'attempts', 'consumedAt', 'verifiedAt', 'resends', 'lastSentAt', 'destination', 'failures', 'lastFailureAt', 'totpLastStep', 'lastUsedAt', 'usedAt'];
// The documented semantics: every clause holds when one of its tests passes; missing is null.
const { TESTS, admits: reference } = require('./helpers/guards');

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function generator(seed) {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

test('admits agrees with the documented semantics on random guards and rows', () => {
  const random = generator(18);
  // Values near each other, so that =, <, > and <= each go both ways; and large ones.
  const value = () => (random(4) === 0 ? Number.MAX_SAFE_INTEGER - random(3) : random(6));
  const names = Object.keys(TESTS);
  for (let i = 0; i < 3000; i++) {
    const guard = Array.from({ length: random(4) }, () =>
      Array.from({ length: 1 + random(3) }, () => ({ field: FIELDS[random(FIELDS.length)], test: names[random(names.length)], value: value() })),
    );
    const row = {};
    for (const field of FIELDS) {
      const pick = random(4);
      if (pick === 0) continue; // missing
      row[field] = pick === 1 ? null : value();
    }
    const write = { guard, changes: [] };
    assert.equal(tf.admits(write, row), reference(write, row), JSON.stringify({ guard, row }));
  }
});

test("admits decides the rulings' own writes as a database would", () => {
  const now = 1_700_000_000_000;
  const row = tf.challengeOpen({ now, maxAttempts: 2 });
  const { write } = tf.challengeAttempt(row, { now });
  assert.equal(tf.admits(write, row), true);
  assert.equal(tf.admits(write, { ...row, attempts: 2 }), false);
  assert.equal(tf.admits(write, { ...row, consumedAt: now }), false);
  assert.equal(tf.admits(write, { ...row, expiresAt: now }), false);
  // Other keys of a stored row (its id, its sealed destination) are left alone.
  assert.equal(tf.admits(write, { ...row, id: 'x', destination: 'v1.sealed' }), true);
  const take = tf.lockoutTake({ now, threshold: 2, durationSeconds: 60 });
  assert.equal(tf.admits(take, { failures: 1, lastFailureAt: now }), true);
  assert.equal(tf.admits(take, { failures: 2, lastFailureAt: now }), false);
  assert.equal(tf.admits(take, { failures: 2, lastFailureAt: now - 60_000 }), true);
  assert.equal(tf.admits(tf.challengeClose(), {}), true, 'no guard: any row');
  assert.equal(tf.admits(tf.totpAccept(7), {}), true, 'a missing field is null');
  assert.equal(tf.admits(tf.totpAccept(7), { totpLastStep: 7 }), false);
});

test('admits checks its arguments', () => {
  const { write } = tf.challengeAttempt(tf.challengeOpen({ now: 0 }), { now: 0 });
  assert.throws(() => tf.admits(write, { attempts: -1 }), RangeError);
  assert.throws(() => tf.admits(write, { attempts: '1' }), TypeError);
  assert.throws(() => tf.admits(write, { attempts: 1.5 }), RangeError);
  assert.throws(() => tf.admits({ guard: [[{ field: 'nope', test: '=', value: 1 }]] }, {}), RangeError);
  assert.throws(() => tf.admits({ guard: [[{ field: 'attempts', test: '!=', value: 1 }]] }, {}), RangeError);
  assert.throws(() => tf.admits({ guard: [[{ field: 'attempts', test: '=', value: -1 }]] }, {}), RangeError);
  assert.throws(() => tf.admits({ guard: [{ field: 'attempts', test: '=', value: 1 }] }, {}), TypeError);
  assert.throws(() => tf.admits({ guard: [], extra: 1 }, {}), TypeError);
  assert.throws(() => tf.admits(write, new Uint16Array(2)), TypeError);
  // A destination is text in a store; it is read only when a guard tests it.
  assert.throws(() => tf.admits({ guard: [[{ field: 'destination', test: 'notNull', value: 0 }]] }, { destination: 'v1.x' }), TypeError);
});
