'use strict';

// A walk through the core as the Strapi plugin will use it, printed step by step.
// Run with `npm run demo`. Nothing here is stored; keys are random per run.

const crypto = require('node:crypto');
const tf = require('..');

const hashKey = crypto.randomBytes(32); // in production: TWO_FACTOR_HASH_KEY
const sealKey = crypto.randomBytes(32); // in production: TWO_FACTOR_SEAL_KEY
const line = (label, value) => console.log(`  ${label.padEnd(28)} ${value}`);

console.log('\n1. A login challenge with an SMS or e-mail code');
const challenge = tf.generateToken();
const code = tf.generateCode(6);
const salt = tf.generateSalt();
const stored = {
  tokenHash: tf.hashToken(challenge),
  codeHash: tf.hashCode(code, hashKey, salt),
  state: { expiresAt: tf.codeExpiresAt({ ttlSeconds: 300 }), attempts: 0, maxAttempts: 5, consumed: false },
};
line('challenge token (to client)', `${challenge.slice(0, 8)}… (${challenge.length} chars)`);
line('stored token hash', `${stored.tokenHash.slice(0, 16)}…`);
line('code sent by SMS', code);
line('stored code hash', `${stored.codeHash.slice(0, 16)}…`);
const wrong = code === '000000' ? '000001' : '000000';
line(`verify ${wrong}`, tf.verifyCode(wrong, stored.codeHash, hashKey, salt));
stored.state.attempts++;
line('attempts remaining', stored.state.maxAttempts - stored.state.attempts);
line(`verify ${code}`, tf.verifyCode(code, stored.codeHash, hashKey, salt));
stored.state.consumed = true;
line('challenge is now', tf.challengeVerdict(stored.state));

console.log('\n2. Enrolling an authenticator app');
const secret = tf.generateSecret();
const uri = tf.otpauthUri({ secret, issuer: 'Strapi demo', account: 'jane@example.com' });
line('secret (base32)', tf.base32Encode(secret));
line('otpauth URI', uri);
const sealed = tf.sealSecret(secret, sealKey, 'user:42');
line('stored sealed secret', `${sealed.slice(0, 24)}…`);
line('opens for user:43?', (() => {
  try { tf.openSecret(sealed, sealKey, 'user:43'); return 'yes'; } catch (e) { return `no (${e.code})`; }
})());
const totp = tf.generateTotp(tf.openSecret(sealed, sealKey, 'user:42'));
const step = tf.verifyTotp(totp, secret);
line(`app shows ${totp}, accepted at step`, step);
line('same code again (replay)', tf.verifyTotp(totp, secret, { afterStep: step }) === null ? 'refused' : 'ACCEPTED');

console.log('\n3. Recovery codes, shown once');
const recovery = tf.generateRecoveryCodes();
console.log(`  ${recovery.join('  ')}`);
const recoverySalt = tf.generateSalt();
const recoveryHash = tf.hashRecoveryCode(recovery[0], hashKey, recoverySalt);
line(`typed "${recovery[0].toUpperCase()}"`, tf.verifyRecoveryCode(recovery[0].toUpperCase(), recoveryHash, hashKey, recoverySalt));

console.log('\n4. Account lockout after consecutive failures');
const now = Date.now();
line('9 failures', JSON.stringify(tf.lockoutVerdict({ failures: 9, lastFailureAt: now, now })));
line('10 failures', JSON.stringify(tf.lockoutVerdict({ failures: 10, lastFailureAt: now, now })));
console.log('\nDone. `npm test` runs the test suite; `npm run bench` the benchmark.\n');
