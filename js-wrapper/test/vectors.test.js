'use strict';

// RFC 4226 Appendix D and RFC 6238 Appendix B through the public JS API: the same JSON
// files the Rust tests read (crate/tests/vectors/).

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const tf = require('..');

const dir = path.join(__dirname, '..', '..', 'crate', 'tests', 'vectors');
const hotp = require(path.join(dir, 'rfc4226-hotp.json'));
const totp = require(path.join(dir, 'rfc6238-totp.json'));

test('RFC 4226 HOTP: counter c is the TOTP step c at period 30', () => {
  assert.equal(hotp.vectors.length, 10);
  const secret = Buffer.from(hotp.secret_hex, 'hex');
  for (const { counter, otp } of hotp.vectors) {
    const time = counter * 30;
    assert.equal(tf.generateTotp(secret, { time, digits: hotp.digits }), otp, `counter ${counter}`);
    assert.equal(tf.verifyTotp(otp, secret, { time, digits: hotp.digits, window: 0 }), counter);
  }
});

test('RFC 6238 TOTP: SHA1, SHA256 and SHA512 with their own seed lengths', () => {
  assert.equal(totp.vectors.length, 18);
  const seedBytes = { SHA1: 20, SHA256: 32, SHA512: 64 };
  for (const v of totp.vectors) {
    const secret = Buffer.from(v.secret_hex, 'hex');
    assert.equal(secret.length, seedBytes[v.algorithm]);
    assert.deepEqual(Buffer.from(secret), Buffer.from(totp.secrets_ascii[v.algorithm]));
    const opts = { time: v.time, algorithm: v.algorithm, digits: totp.digits, period: totp.period };
    assert.equal(tf.generateTotp(secret, opts), v.totp, `${v.algorithm} at ${v.time}`);
    assert.equal(tf.verifyTotp(v.totp, secret, { ...opts, window: 0 }), v.step);
    assert.equal(tf.verifyTotp(v.totp, secret, { ...opts, afterStep: v.step }), null, 'replay refused');
  }
});
