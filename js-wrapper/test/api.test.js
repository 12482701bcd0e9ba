'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const tf = require('..');

const KEY = new Uint8Array(32).fill(1);

test('codes: right length, digits only, hash verifies only the same code, key and salt', () => {
  for (let digits = 6; digits <= 10; digits++) {
    const code = tf.generateCode(digits);
    assert.match(code, new RegExp(`^[0-9]{${digits}}$`));
  }
  const salt = tf.generateSalt();
  const code = '004217';
  const hash = tf.hashCode(code, KEY, salt);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(tf.verifyCode(code, hash, KEY, salt), true);
  assert.equal(tf.verifyCode('004218', hash, KEY, salt), false);
  assert.equal(tf.verifyCode(code, hash, new Uint8Array(32).fill(2), salt), false);
  assert.equal(tf.verifyCode(code, hash, KEY, tf.generateSalt()), false);
  // The key cache inside the core must not confuse keys of different lengths.
  assert.equal(tf.verifyCode(code, hash, new Uint8Array(33).fill(1), salt), false);
  assert.equal(tf.verifyCode(code, hash, KEY, salt), true);
});

test('hashCode matches HMAC-SHA-256(key, salt || code) from node:crypto', () => {
  const { createHmac } = require('node:crypto');
  const salt = tf.generateSalt();
  const expected = createHmac('sha256', KEY).update(salt).update('123456').digest('hex');
  assert.equal(tf.hashCode('123456', KEY, salt), expected);
});

test('default code is 6 digits; bad digit counts are RangeErrors', () => {
  assert.equal(tf.generateCode().length, 6);
  assert.throws(() => tf.generateCode(5), RangeError);
  assert.throws(() => tf.generateCode(11), RangeError);
});

test('secrets and base32', () => {
  const secret = tf.generateSecret();
  assert.equal(secret.length, 20);
  assert.ok(secret instanceof Uint8Array);
  assert.equal(tf.generateSecret(64).length, 64);
  const text = tf.base32Encode(secret);
  assert.match(text, /^[A-Z2-7]{32}$/);
  assert.deepEqual(tf.base32Decode(text), secret);
  assert.deepEqual(tf.base32Decode(text.toLowerCase()), secret);
  assert.deepEqual(tf.base32Decode('MZXW6YTBOI======'), new TextEncoder().encode('foobar'));
});

test('TOTP: drift window, replay guard, current time by default', () => {
  const secret = tf.generateSecret();
  const time = 1_700_000_000;
  const step = Math.floor(time / 30);
  const previous = tf.generateTotp(secret, { time: time - 30 });
  assert.equal(tf.verifyTotp(previous, secret, { time }), step - 1);
  assert.equal(tf.verifyTotp(previous, secret, { time, window: 0 }), null);
  const old = tf.generateTotp(secret, { time: time - 60 });
  assert.equal(tf.verifyTotp(old, secret, { time }), null);
  assert.equal(tf.verifyTotp(old, secret, { time, window: 2 }), step - 2);
  const current = tf.generateTotp(secret, { time });
  assert.equal(tf.verifyTotp(current, secret, { time, afterStep: step - 1 }), step);
  assert.equal(tf.verifyTotp(current, secret, { time, afterStep: step }), null);
  const now = tf.generateTotp(secret);
  assert.notEqual(tf.verifyTotp(now, secret), null);
});

test('otpauth URI carries the secret, issuer and parameters', () => {
  const secret = tf.generateSecret();
  const uri = new URL(tf.otpauthUri({ secret, issuer: 'My App', account: 'jane@example.com', digits: 8, period: 60, algorithm: 'SHA256' }));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/My App:jane@example.com');
  assert.equal(uri.searchParams.get('secret'), tf.base32Encode(secret));
  assert.equal(uri.searchParams.get('issuer'), 'My App');
  assert.equal(uri.searchParams.get('algorithm'), 'SHA256');
  assert.equal(uri.searchParams.get('digits'), '8');
  assert.equal(uri.searchParams.get('period'), '60');
});

test('recovery codes: readable, distinct, verify once per stored hash in any typed form', () => {
  const codes = tf.generateRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) assert.match(code, /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/);
  const salt = tf.generateSalt();
  const hash = tf.hashRecoveryCode(codes[0], KEY, salt);
  assert.equal(tf.verifyRecoveryCode(codes[0].toUpperCase().replace(/-/g, ' '), hash, KEY, salt), true);
  assert.equal(tf.verifyRecoveryCode(codes[1], hash, KEY, salt), false);
  assert.equal(tf.verifyRecoveryCode('123456', hash, KEY, salt), false);
  assert.equal(tf.normalizeRecoveryCode(' ABCD-EFGH-JKMN '), 'abcdefghjkmn');
  assert.equal(tf.normalizeRecoveryCode('123456'), null);
});

test('sealed secrets open only with the same key and associated data', () => {
  const key = new Uint8Array(32).fill(5);
  const secret = tf.generateSecret();
  const sealed = tf.sealSecret(secret, key, 'user:42');
  assert.match(sealed, /^v1\.[A-Za-z0-9_-]+$/);
  assert.notEqual(tf.sealSecret(secret, key, 'user:42'), sealed, 'fresh nonce each time');
  assert.deepEqual(tf.openSecret(sealed, key, 'user:42'), secret);
  assert.deepEqual(tf.openSecret(sealed, key, new TextEncoder().encode('user:42')), secret);
  assert.throws(() => tf.openSecret(sealed, key, 'user:43'), { code: 'UNSEAL_FAILED' });
  assert.throws(() => tf.openSecret(sealed, new Uint8Array(32).fill(6), 'user:42'), { code: 'UNSEAL_FAILED' });
  assert.throws(() => tf.sealSecret(secret, new Uint8Array(31), 'u'), RangeError);
});

test('tokens: 256 bits, url-safe, hashed with SHA-256', () => {
  const token = tf.generateToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(tf.hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(tf.generateSalt().length, 16);
});

test('challenge verdicts', () => {
  const base = { now: 10_000, expiresAt: 20_000, attempts: 0, maxAttempts: 5, consumed: false };
  assert.equal(tf.challengeVerdict(base), 'active');
  assert.equal(tf.challengeVerdict({ ...base, now: 20_000 }), 'expired');
  assert.equal(tf.challengeVerdict({ ...base, attempts: 5 }), 'exhausted');
  assert.equal(tf.challengeVerdict({ ...base, consumed: true, attempts: 5, now: 30_000 }), 'consumed');
  const { now, ...withoutNow } = base;
  assert.equal(tf.challengeVerdict({ ...withoutNow, expiresAt: Date.now() + 60_000 }), 'active');
});

test('code lifetime is capped at ten minutes', () => {
  assert.equal(tf.codeExpiresAt({ now: 1000 }), 1000 + 300_000);
  assert.equal(tf.codeExpiresAt({ now: 1000, ttlSeconds: 600 }), 1000 + 600_000);
  assert.throws(() => tf.codeExpiresAt({ now: 1000, ttlSeconds: 601 }), RangeError);
});

test('resend verdicts: cooldown then cap', () => {
  assert.deepEqual(tf.resendVerdict({ now: 10_000, lastSentAt: 0, resends: 0 }), { allowed: false, reason: 'cooldown', retryAt: 30_000 });
  assert.deepEqual(tf.resendVerdict({ now: 30_000, lastSentAt: 0, resends: 0 }), { allowed: true });
  assert.deepEqual(tf.resendVerdict({ now: 90_000, lastSentAt: 0, resends: 3 }), { allowed: false, reason: 'cap' });
});

test('lockout verdicts', () => {
  assert.deepEqual(tf.lockoutVerdict({ now: 1000, failures: 9, lastFailureAt: 1000 }), { locked: false });
  assert.deepEqual(tf.lockoutVerdict({ now: 1000, failures: 10, lastFailureAt: 1000 }), { locked: true, until: 1000 + 900_000 });
  assert.deepEqual(tf.lockoutVerdict({ now: 901_000, failures: 10, lastFailureAt: 1000 }), { locked: false });
  assert.deepEqual(tf.lockoutVerdict({ now: 1000, failures: 0, lastFailureAt: null }), { locked: false });
  assert.deepEqual(tf.lockoutVerdict({ now: 1000, failures: 3, lastFailureAt: 1000, threshold: 3, durationSeconds: 60 }), { locked: true, until: 61_000 });
});

test('lockout guard: the condition of the write that spends a guess, the same rule as the verdict', () => {
  const guard = tf.lockoutGuard({ now: 1_000_000 });
  assert.deepEqual(guard, { failuresBelow: 10, lastFailureAtMost: 100_000 });
  assert.deepEqual(tf.lockoutGuard({ now: 1000, threshold: 3, durationSeconds: 60 }), { failuresBelow: 3, lastFailureAtMost: null });
  assert.deepEqual(tf.lockoutVerdict({ now: 1_000_000, failures: 10, lastFailureAt: 100_000 }), { locked: false });
  assert.deepEqual(tf.lockoutVerdict({ now: 1_000_000, failures: 10, lastFailureAt: 100_001 }), { locked: true, until: 1_000_001 });
});

test('rate verdicts: exact sliding window', () => {
  let times = [];
  for (const now of [1000, 2000, 3000]) {
    const verdict = tf.rateVerdict({ now, times, cap: 3, windowSeconds: 60 });
    assert.equal(verdict.allowed, true);
    times = verdict.times;
  }
  assert.deepEqual(times, [1000, 2000, 3000]);
  assert.deepEqual(tf.rateVerdict({ now: 60_999, times, cap: 3, windowSeconds: 60 }), { allowed: false, retryAt: 61_000 });
  assert.deepEqual(tf.rateVerdict({ now: 61_000, times, cap: 3, windowSeconds: 60 }), { allowed: true, times: [2000, 3000, 61_000] });
  assert.throws(() => tf.rateVerdict({ now: 1, times: Array(101).fill(0), cap: 3, windowSeconds: 60 }), RangeError);
  assert.throws(() => tf.rateVerdict({ now: 1, times: [1.5], cap: 3, windowSeconds: 60 }), RangeError);
});

test('keyed token hashes depend on the key and differ from the plain hash', () => {
  const a = tf.keyedTokenHash('token', new Uint8Array(32).fill(1));
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, tf.keyedTokenHash('token', new Uint8Array(32).fill(2)));
  assert.notEqual(a, tf.hashToken('token'));
});

test('LIMITS come from the core and are frozen', () => {
  assert.equal(tf.LIMITS.MAX_CODE_TTL_SECONDS, 600);
  assert.equal(tf.LIMITS.MIN_KEY_BYTES, 32);
  assert.equal(tf.LIMITS.DEFAULT_ATTEMPTS, 5);
  assert.ok(Object.isFrozen(tf.LIMITS));
  // Lower bounds are the core's too, not numbers written again in JS.
  const lower = { MIN_WINDOW: 0, MIN_RESEND_COOLDOWN_SECONDS: 0, MIN_RESENDS: 0, MIN_LOCKOUT_THRESHOLD: 1, MIN_RATE_CAP: 1, MIN_RATE_WINDOW_SECONDS: 1, MIN_TRUSTED_DEVICE_DAYS: 1, TRUSTED_DEVICE_DAYS_OFF: 0 };
  for (const [name, value] of Object.entries(lower)) assert.equal(tf.LIMITS[name], value, name);
});
