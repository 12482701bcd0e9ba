'use strict';

// Statistical sanity of the CSPRNG-backed outputs. The thresholds are fixed: the
// chi-square bound is the p = 1e-6 critical value for 9 degrees of freedom, so an
// unbiased generator fails a position about once in a million runs.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const tf = require('..');

const CHI_SQUARE_9DF_P1E6 = 44.81;

/** Chi-square of digit frequencies at each position of equal-length digit strings. */
function chiSquarePerPosition(codes) {
  const digits = codes[0].length;
  const expected = codes.length / 10;
  const result = [];
  for (let position = 0; position < digits; position++) {
    const counts = new Array(10).fill(0);
    for (const code of codes) counts[code.charCodeAt(position) - 48]++;
    result.push(counts.reduce((sum, n) => sum + ((n - expected) ** 2) / expected, 0));
  }
  return result;
}

test('the statistic catches a biased generator (the test can fail)', () => {
  // A classic mistake: Math.random() with a non-zero leading digit.
  const biased = Array.from({ length: 20_000 }, () => String(Math.floor(Math.random() * 900_000) + 100_000));
  const [first] = chiSquarePerPosition(biased);
  assert.ok(first > CHI_SQUARE_9DF_P1E6, `first position chi-square ${first}`);
});

for (const digits of [6, 10]) {
  test(`every digit position of ${digits}-digit codes is uniform`, () => {
    const codes = Array.from({ length: 50_000 }, () => tf.generateCode(digits));
    const stats = chiSquarePerPosition(codes);
    stats.forEach((chi, position) => {
      assert.ok(chi < CHI_SQUARE_9DF_P1E6, `position ${position}: chi-square ${chi.toFixed(2)}`);
    });
  });
}

test('recovery code characters are uniform over the 31-character alphabet', () => {
  const chars = tf.generateRecoveryCodes(50).join('').replace(/-/g, '') +
    Array.from({ length: 199 }, () => tf.generateRecoveryCodes(50).join('').replace(/-/g, '')).join('');
  const counts = new Map();
  for (const c of chars) counts.set(c, (counts.get(c) || 0) + 1);
  assert.equal(counts.size, 31);
  const expected = chars.length / 31;
  const chi = [...counts.values()].reduce((sum, n) => sum + ((n - expected) ** 2) / expected, 0);
  // p = 1e-6 critical value for 30 degrees of freedom.
  assert.ok(chi < 84.2, `chi-square ${chi.toFixed(2)}`);
});

test('salts, secrets, tokens and codes never repeat within a process', () => {
  const salts = new Set(Array.from({ length: 20_000 }, () => Buffer.from(tf.generateSalt()).toString('hex')));
  assert.equal(salts.size, 20_000);
  const secrets = new Set(Array.from({ length: 5_000 }, () => Buffer.from(tf.generateSecret()).toString('hex')));
  assert.equal(secrets.size, 5_000);
  const tokens = new Set(Array.from({ length: 20_000 }, () => tf.generateToken()));
  assert.equal(tokens.size, 20_000);
  const streams = Array.from({ length: 2 }, () => Array.from({ length: 50 }, () => tf.generateCode(10)).join(''));
  assert.notEqual(streams[0], streams[1]);
});

test('two processes never share a salt, secret, token or code stream (no fixed seed)', () => {
  const probe = `
    const tf = require(${JSON.stringify(require.resolve('..'))});
    process.stdout.write(JSON.stringify({
      codes: Array.from({ length: 50 }, () => tf.generateCode(10)).join(''),
      salt: Buffer.from(tf.generateSalt()).toString('hex'),
      secret: Buffer.from(tf.generateSecret()).toString('hex'),
      token: tf.generateToken(),
      recovery: tf.generateRecoveryCodes(1)[0],
    }));`;
  const [a, b] = [0, 1].map(() => JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })));
  for (const key of Object.keys(a)) assert.notEqual(a[key], b[key], key);
});
