'use strict';

// The server keyring: the same keys as Node's HKDF derivation the plugin used before it
// (so that stored hashes and sealed values keep working), rotation reported as `stale`,
// and hostile arguments refused. hostile.test.js runs every method against its table too.

const test = require('node:test');
const assert = require('node:assert/strict');
const { createHmac, hkdfSync, randomBytes } = require('node:crypto');
const tf = require('..');

const CONTEXT = 'strapi-plugin-two-factor';
const CURRENT = randomBytes(32);
const OLD = randomBytes(48);
const SALT = new Uint8Array(16).fill(9);

/** The key the plugin derived for `label` before the keyring. */
const derive = (secret, label) => new Uint8Array(hkdfSync('sha256', secret, Buffer.alloc(0), `${CONTEXT} ${label}`, 32));

const keyring = (opts = {}) => new tf.Keyring({ context: CONTEXT, secret: CURRENT, ...opts });

test('the keys are those of hkdfSync("sha256", secret, "", "<context> <label>", 32)', () => {
  const ring = keyring({ previous: [OLD] });
  const tokenKey = derive(CURRENT, 'token hash v1');
  assert.equal(ring.tokenHash('challenge'), tf.keyedTokenHash('challenge', tokenKey));
  assert.deepEqual(ring.tokenHashes('challenge'), [
    tf.keyedTokenHash('challenge', tokenKey),
    tf.keyedTokenHash('challenge', derive(OLD, 'token hash v1')),
  ]);
  assert.equal(ring.subjectHash('+15550100000'), tf.keyedTokenHash('subject:+15550100000', tokenKey));

  const codeKey = derive(CURRENT, 'code hash v1');
  const hash = ring.hashCode('123456', SALT);
  assert.equal(hash, tf.hashCode('123456', codeKey, SALT));
  assert.equal(tf.verifyCode('123456', hash, codeKey, SALT), true);
  const recovery = ring.hashRecoveryCode('abcd-efgh-jkmn', SALT);
  assert.equal(tf.verifyRecoveryCode('ABCD EFGH JKMN', recovery, codeKey, SALT), true);

  const sealKey = derive(CURRENT, 'seal v1');
  const sealed = ring.seal(Buffer.from('secret'), 'user:1');
  assert.equal(Buffer.from(tf.openSecret(sealed, sealKey, 'user:1')).toString(), 'secret');
  const before = tf.sealSecret(Buffer.from('stored'), sealKey, 'user:1');
  assert.deepEqual(ring.open(before, 'user:1'), { plaintext: new Uint8Array(Buffer.from('stored')), stale: false });
});

test('values made under a previous secret still match, and say stale', () => {
  const old = new tf.Keyring({ context: CONTEXT, secret: OLD });
  const ring = keyring({ previous: [randomBytes(32), OLD] });
  const code = old.hashCode('123456', SALT);
  assert.deepEqual(ring.verifyCode('123456', code, SALT), { stale: true });
  assert.deepEqual(ring.verifyCode('123456', ring.hashCode('123456', SALT), SALT), { stale: false });
  const recovery = old.hashRecoveryCode('abcd-efgh-jkmn', SALT);
  assert.deepEqual(ring.verifyRecoveryCode('abcdefghjkmn', recovery, SALT), { stale: true });
  const opened = ring.open(old.seal(new Uint8Array([1, 2, 3]), 'ad'), 'ad');
  assert.deepEqual(opened, { plaintext: new Uint8Array([1, 2, 3]), stale: true });
  assert.equal(ring.tokenHashes('t')[2], old.tokenHash('t'));
  // Once the old secret is dropped, nothing made under it matches.
  assert.equal(keyring().verifyCode('123456', code, SALT), null);
});

test('a wrong code, recovery code, salt or key is null, not an error', () => {
  const ring = keyring();
  const hash = ring.hashCode('123456', SALT);
  assert.equal(ring.verifyCode('123457', hash, SALT), null);
  assert.equal(ring.verifyCode('123456', hash, new Uint8Array(16)), null);
  assert.equal(new tf.Keyring({ context: 'another-app', secret: CURRENT }).verifyCode('123456', hash, SALT), null);
  const recovery = ring.hashRecoveryCode('abcd-efgh-jkmn', SALT);
  for (const wrong of ['abcd-efgh-jkmp', '123456', '', 'not a code']) {
    assert.equal(ring.verifyRecoveryCode(wrong, recovery, SALT), null, wrong);
  }
});

test('a sealed value no key opens throws UNSEAL_FAILED', () => {
  const ring = keyring();
  const sealed = ring.seal(new Uint8Array([1]), 'user:1');
  for (const [value, ad] of [[sealed, 'user:2'], ['v1.garbage', 'user:1'], [new tf.Keyring({ context: CONTEXT, secret: OLD }).seal(new Uint8Array([1]), 'user:1'), 'user:1']]) {
    assert.throws(() => ring.open(value, ad), (error) => error instanceof tf.TwoFactorError && error.code === 'UNSEAL_FAILED');
  }
});

test('core errors keep their codes', () => {
  const ring = keyring();
  assert.throws(() => ring.verifyCode('123456', 'Z'.repeat(64), SALT), { code: 'INVALID_HASH_FORMAT' });
  assert.throws(() => ring.hashRecoveryCode('0000-0000-0000', SALT), { code: 'INVALID_RECOVERY_CODE' });
});

/** Asserts that `fn` throws `Type` with a short message naming `name`. */
const refuses = (fn, Type, name) =>
  assert.throws(fn, (error) => error instanceof Type && error.message.includes(`"${name}"`) && error.message.length < 200, `${Type.name} naming "${name}"`);

test('the constructor refuses hostile secrets, contexts and previous lists', () => {
  const make = (opts) => () => new tf.Keyring({ context: CONTEXT, secret: CURRENT, ...opts });
  refuses(make({ secret: null }), TypeError, 'secret');
  refuses(make({ secret: new Uint8Array(31) }), RangeError, 'secret');
  refuses(make({ secret: new Uint8Array(tf.LIMITS.MAX_KEY_BYTES + 1) }), RangeError, 'secret');
  refuses(make({ secret: new Uint16Array(32) }), TypeError, 'secret');
  refuses(make({ secret: { length: 32, byteLength: 32, constructor: Uint8Array } }), TypeError, 'secret');
  refuses(make({ secret: Object.defineProperty(new Uint8Array(1), 'length', { value: 32 }) }), TypeError, 'secret');
  refuses(make({ context: '' }), RangeError, 'context');
  refuses(make({ context: 'x'.repeat(tf.LIMITS.MAX_CONTEXT_BYTES + 1) }), RangeError, 'context');
  refuses(make({ context: 'é'.repeat(tf.LIMITS.MAX_CONTEXT_BYTES / 2 + 1) }), RangeError, 'context');
  refuses(make({ context: NaN }), TypeError, 'context');
  refuses(make({ previous: OLD }), TypeError, 'previous');
  refuses(make({ previous: [OLD, null] }), TypeError, 'previous');
  refuses(make({ previous: [new Uint8Array(31)] }), RangeError, 'previous');
  refuses(make({ previous: [new Int8Array(32)] }), TypeError, 'previous');
  const tooMany = Array.from({ length: tf.LIMITS.MAX_PREVIOUS_SECRETS + 1 }, () => OLD);
  refuses(make({ previous: tooMany }), RangeError, 'previous');
  assert.doesNotThrow(make({ previous: tooMany.slice(1) }));
  refuses(make({ secrets: [] }), TypeError, 'opts');
  refuses(() => new tf.Keyring(), TypeError, 'opts');
  assert.throws(() => tf.Keyring({ context: CONTEXT, secret: CURRENT }), TypeError);
});

test('each previous secret is read once: a getter cannot swap it after the check', () => {
  let reads = 0;
  const previous = [];
  Object.defineProperty(previous, 0, { get: () => (reads++ === 0 ? OLD : new Uint8Array(1)), enumerable: true });
  const ring = keyring({ previous });
  assert.equal(reads, 1);
  assert.equal(ring.tokenHashes('t')[1], new tf.Keyring({ context: CONTEXT, secret: OLD }).tokenHash('t'));
});

test('the caller\'s secrets are left as they were; the keyring works on copies', () => {
  const secret = new Uint8Array(CURRENT);
  const old = new Uint8Array(OLD);
  keyring({ secret, previous: [old] });
  assert.deepEqual(secret, new Uint8Array(CURRENT));
  assert.deepEqual(old, new Uint8Array(OLD));
});

test('methods refuse hostile arguments by name', () => {
  const ring = keyring();
  const hash = ring.hashCode('123456', SALT);
  refuses(() => ring.hashCode('12345', SALT), RangeError, 'code');
  refuses(() => ring.hashCode(123456, SALT), TypeError, 'code');
  refuses(() => ring.verifyCode('123456', hash, new Uint8Array(15)), RangeError, 'salt');
  refuses(() => ring.verifyCode('123456', hash.slice(1), SALT), RangeError, 'hash');
  refuses(() => ring.verifyRecoveryCode('x'.repeat(65), hash, SALT), RangeError, 'code');
  refuses(() => ring.tokenHash(''), RangeError, 'token');
  refuses(() => ring.tokenHashes('\uD800'), RangeError, 'token');
  refuses(() => ring.subjectHash(null), TypeError, 'value');
  refuses(() => ring.seal(new Uint8Array(tf.LIMITS.MAX_SEAL_BYTES + 1), 'ad'), RangeError, 'plaintext');
  refuses(() => ring.seal('text', 'ad'), TypeError, 'plaintext');
  refuses(() => ring.open('', 'ad'), RangeError, 'sealed');
  refuses(() => ring.open(ring.seal(new Uint8Array(1), 'ad'), 42), TypeError, 'associatedData');
  // A method lifted off its keyring has no keys to use.
  assert.throws(() => tf.Keyring.prototype.tokenHash.call({}, 't'), TypeError);
});

test('webhookSignature is "sha256=" + createHmac over "<timestamp>.<body>"', () => {
  const secret = 's'.repeat(32);
  const body = JSON.stringify({ channel: 'sms', to: '+15550100000', code: '123456', message: 'é 123456' });
  const expected = `sha256=${createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')}`;
  assert.equal(tf.webhookSignature(secret, 1_700_000_000, body), expected);
  assert.equal(tf.webhookSignature(Buffer.from(secret), 1_700_000_000, body), expected);
  assert.equal(tf.webhookSignature('k', 0, ''), `sha256=${createHmac('sha256', 'k').update('0.').digest('hex')}`);
  refuses(() => tf.webhookSignature('', 1, body), RangeError, 'secret');
  refuses(() => tf.webhookSignature('k'.repeat(tf.LIMITS.MAX_WEBHOOK_SECRET_BYTES + 1), 1, body), RangeError, 'secret');
  refuses(() => tf.webhookSignature(secret, 1.5, body), RangeError, 'timestampSeconds');
  refuses(() => tf.webhookSignature(secret, NaN, body), RangeError, 'timestampSeconds');
  refuses(() => tf.webhookSignature(secret, '1', body), TypeError, 'timestampSeconds');
  refuses(() => tf.webhookSignature(secret, 1, 'é'.repeat(tf.LIMITS.MAX_WEBHOOK_BODY_BYTES / 2 + 1)), RangeError, 'body');
  refuses(() => tf.webhookSignature(secret, 1, { toString: () => body }), TypeError, 'body');
});
