'use strict';

// Every exported function, every argument (and every option), against a table of
// hostile values. Each must throw the documented error: TypeError or RangeError naming
// the argument, or TwoFactorError for what only the core can judge. Afterwards the
// wasm instance must still work: a trapped instance would break every later login.

const test = require('node:test');
const assert = require('node:assert/strict');
const tf = require('..');

const KEY = new Uint8Array(32).fill(7);
const SALT = new Uint8Array(16).fill(9);
const SECRET = new TextEncoder().encode('12345678901234567890');
const SEAL_KEY = new Uint8Array(32).fill(3);
const HASH = tf.hashCode('123456', KEY, SALT);
const RECOVERY_HASH = tf.hashRecoveryCode('abcd-efgh-jkmn', KEY, SALT);
const SEALED = tf.sealSecret(SECRET, SEAL_KEY, 'user:1');
const CHALLENGE = { expiresAt: 301_000, attempts: 0, maxAttempts: 5, consumedAt: null, verifiedAt: null, resends: 0, lastSentAt: 1000 };

const HOSTILE = {
  null: null,
  undefined: undefined,
  NaN: NaN,
  Infinity: Infinity,
  '1e9999': 1e9999,
  '-1': -1,
  fraction: 1.5,
  '12345a': '12345a',
  'long string': 'x'.repeat(1_000_000),
  bigint: 10n,
  boolean: true,
  array: [1, 2, 3],
  object: {},
  Uint16Array: new Uint16Array(32),
  Int8Array: new Int8Array(32),
  Uint8ClampedArray: new Uint8ClampedArray(32),
  'empty Uint8Array': new Uint8Array(0),
  'huge Uint8Array': new Uint8Array(1_000_000),
  'spoofed bytes': { length: 32, byteLength: 32, constructor: Uint8Array, 0: 1 },
  // Real typed arrays whose own properties or prototype tell another story than their bytes.
  'Uint8Array(1), own length 600': Object.defineProperty(new Uint8Array(1), 'length', { value: 600 }),
  'Uint8Array(1), own byteLength 600': Object.defineProperty(new Uint8Array(1), 'byteLength', { value: 600 }),
  'Uint16Array, own constructor': Object.defineProperty(new Uint16Array(32), 'constructor', { value: Uint8Array }),
  'Uint16Array, Uint8Array prototype': Object.setPrototypeOf(new Uint16Array(32), Uint8Array.prototype),
  'Proxy of a Uint8Array': new Proxy(new Uint8Array(32), {}),
  'lone surrogate': '\uD800',
};

// A valid call for each export, the name of each argument, and for each argument the
// hostile values that are legitimately accepted there (documented defaults or inputs
// that are plain text by design).
const TEXT_OK = ['12345a'];
const CALLS = {
  generateCode: { args: [6], names: ['digits'], accepts: [['undefined']] },
  hashCode: { args: ['123456', KEY, SALT], names: ['code', 'key', 'salt'] },
  verifyCode: { args: ['123456', HASH, KEY, SALT], names: ['code', 'hash', 'key', 'salt'] },
  generateSecret: { args: [20], names: ['bytes'], accepts: [['undefined']] },
  base32Encode: { args: [SECRET], names: ['bytes'], accepts: [['empty Uint8Array']] },
  base32Decode: { args: ['GEZDGNBV'], names: ['text'] },
  generateTotp: { args: [SECRET, { time: 59, period: 30, digits: 8, algorithm: 'SHA1' }], names: ['secret', 'opts'], accepts: [[], ['undefined', 'object']] },
  verifyTotp: { args: ['94287082', SECRET, { time: 59, period: 30, digits: 8, algorithm: 'SHA1', window: 1, afterStep: 0 }], names: ['token', 'secret', 'opts'], accepts: [[], [], ['undefined']] },
  otpauthUri: { args: [{ secret: SECRET, issuer: 'Acme', account: 'a@example.com', algorithm: 'SHA256', digits: 6, period: 30 }], names: ['opts'] },
  generateRecoveryCodes: { args: [3], names: ['count'], accepts: [['undefined']] },
  normalizeRecoveryCode: { args: ['abcd-efgh-jkmn'], names: ['code'], accepts: [TEXT_OK] },
  hashRecoveryCode: { args: ['abcd-efgh-jkmn', KEY, SALT], names: ['code', 'key', 'salt'] },
  verifyRecoveryCode: { args: ['abcd-efgh-jkmn', RECOVERY_HASH, KEY, SALT], names: ['code', 'hash', 'key', 'salt'], accepts: [TEXT_OK] },
  sealSecret: {
    args: [SECRET, SEAL_KEY, 'user:1'],
    names: ['plaintext', 'key', 'associatedData'],
    accepts: [['empty Uint8Array'], [], [...TEXT_OK, 'empty Uint8Array']],
  },
  openSecret: { args: [SEALED, SEAL_KEY, 'user:1'], names: ['sealed', 'key', 'associatedData'] },
  generateToken: { args: [], names: [] },
  hashToken: { args: ['token'], names: ['token'], accepts: [TEXT_OK] },
  generateSalt: { args: [], names: [] },
  challengeVerdict: { args: [{ now: 1000, expiresAt: 2000, attempts: 0, maxAttempts: 5, consumed: false }], names: ['state'] },
  codeExpiresAt: { args: [{ now: 1000, ttlSeconds: 300 }], names: ['opts'], accepts: [['undefined', 'object']] },
  resendVerdict: { args: [{ now: 1000, lastSentAt: 0, resends: 0, cooldownSeconds: 30, maxResends: 3 }], names: ['state'] },
  lockoutVerdict: { args: [{ now: 1000, failures: 0, lastFailureAt: 0, threshold: 10, durationSeconds: 900 }], names: ['state'] },
  keyedTokenHash: { args: ['token', KEY], names: ['token', 'key'], accepts: [TEXT_OK] },
  lockoutGuard: { args: [{ now: 1000, threshold: 10, durationSeconds: 900 }], names: ['opts'], accepts: [['object']] },
  rateVerdict: { args: [{ now: 1000, times: [10, 20], cap: 3, windowSeconds: 60 }], names: ['state'] },
  challengeOpen: { args: [{ now: 1000, ttlSeconds: 300, maxAttempts: 5, sent: true }], names: ['opts'], accepts: [['undefined', 'object']] },
  challengeAttempt: { args: [CHALLENGE, { now: 2000 }], names: ['challenge', 'opts'], accepts: [[], ['undefined', 'object']] },
  challengeConsume: { args: [CHALLENGE, { now: 2000, enrolment: false }], names: ['challenge', 'opts'], accepts: [[], ['undefined', 'object']] },
  challengeResend: {
    args: [CHALLENGE, { now: 40_000, ttlSeconds: 300, cooldownSeconds: 30, maxResends: 3 }],
    names: ['challenge', 'opts'],
    accepts: [[], ['undefined', 'object']],
  },
  challengeSettle: { args: [CHALLENGE, { now: 2000 }], names: ['challenge', 'opts'], accepts: [[], ['undefined', 'object']] },
  challengeRelease: { args: [CHALLENGE], names: ['challenge'], accepts: [[]] },
  challengeUnsent: { args: [CHALLENGE], names: ['challenge'], accepts: [[]] },
  challengeClose: { args: [], names: [] },
  challengeEndAll: { args: [], names: [] },
  challengeForgetEnded: { args: [{ now: 1000 }], names: ['opts'], accepts: [['undefined', 'object']] },
  codeMinutesLeft: { args: [{ now: 1000, expiresAt: 301_000 }], names: ['opts'] },
  attemptsRemaining: { args: [CHALLENGE], names: ['challenge'], accepts: [[]] },
  resendAvailableAt: { args: [CHALLENGE, { now: 2000, cooldownSeconds: 30 }], names: ['challenge', 'opts'], accepts: [[], ['undefined', 'object']] },
  authorisesEnrolment: { args: [CHALLENGE, { now: 2000 }], names: ['challenge', 'opts'], accepts: [[], ['undefined', 'object']] },
  lockoutTake: { args: [{ now: 1000, threshold: 10, durationSeconds: 900 }], names: ['opts'], accepts: [['undefined', 'object']] },
  failuresReset: { args: [], names: [] },
  totpAccept: { args: [5], names: ['step'] },
  rateKeptUntil: { args: [{ times: [10, 20], windowSeconds: 60 }], names: ['opts'] },
  rateRelease: { args: [{ times: [10, 20], at: 20 }], names: ['opts'] },
  challengePurgeBefore: { args: [{ now: 1000 }], names: ['opts'], accepts: [['undefined', 'object']] },
  recoverySpend: { args: [{ now: 1000 }], names: ['opts'], accepts: [['undefined', 'object']] },
  recoveryClaim: { args: [{ generation: 3 }], names: ['opts'] },
  deviceTrustedUntil: { args: [{ now: 1000, days: 30 }], names: ['opts'] },
  deviceUse: { args: [{ now: 1000, expiresAt: 5000 }], names: ['opts'] },
};

// Option keys whose hostile values are accepted: `undefined` means "use the default"
// for optional options, and text options take any short text.
const OPTION_ACCEPTS = {
  'generateTotp.time': ['undefined'], 'generateTotp.period': ['undefined'], 'generateTotp.digits': ['undefined'], 'generateTotp.algorithm': ['undefined'],
  'verifyTotp.time': ['undefined'], 'verifyTotp.period': ['undefined'], 'verifyTotp.digits': ['undefined'], 'verifyTotp.algorithm': ['undefined'],
  'verifyTotp.window': ['undefined'], 'verifyTotp.afterStep': ['undefined', 'null'],
  'otpauthUri.issuer': TEXT_OK, 'otpauthUri.account': TEXT_OK,
  'otpauthUri.algorithm': ['undefined'], 'otpauthUri.digits': ['undefined'], 'otpauthUri.period': ['undefined'],
  'challengeVerdict.now': ['undefined'], 'challengeVerdict.consumed': ['boolean'],
  'codeExpiresAt.now': ['undefined'], 'codeExpiresAt.ttlSeconds': ['undefined'],
  'resendVerdict.now': ['undefined'], 'resendVerdict.cooldownSeconds': ['undefined'], 'resendVerdict.maxResends': ['undefined'],
  'lockoutVerdict.now': ['undefined'], 'lockoutVerdict.lastFailureAt': ['null'],
  'lockoutVerdict.threshold': ['undefined'], 'lockoutVerdict.durationSeconds': ['undefined'],
  'lockoutGuard.now': ['undefined'], 'lockoutGuard.threshold': ['undefined'], 'lockoutGuard.durationSeconds': ['undefined'],
  'rateVerdict.now': ['undefined'], 'rateVerdict.times': ['array'],
  'challengeOpen.now': ['undefined'], 'challengeOpen.ttlSeconds': ['undefined'], 'challengeOpen.maxAttempts': ['undefined'], 'challengeOpen.sent': ['undefined', 'boolean'],
  'challengeAttempt.now': ['undefined'], 'challengeSettle.now': ['undefined'], 'authorisesEnrolment.now': ['undefined'],
  'challengeConsume.now': ['undefined'], 'challengeConsume.enrolment': ['undefined', 'boolean'],
  'challengeResend.now': ['undefined'], 'challengeResend.ttlSeconds': ['undefined'], 'challengeResend.cooldownSeconds': ['undefined'], 'challengeResend.maxResends': ['undefined'],
  'resendAvailableAt.now': ['undefined'], 'resendAvailableAt.cooldownSeconds': ['undefined'],
  'lockoutTake.now': ['undefined'], 'lockoutTake.threshold': ['undefined'], 'lockoutTake.durationSeconds': ['undefined'],
  'deviceTrustedUntil.now': ['undefined'], 'deviceUse.now': ['undefined'], 'recoverySpend.now': ['undefined'], 'challengeForgetEnded.now': ['undefined'], 'challengePurgeBefore.now': ['undefined'], 'codeMinutesLeft.now': ['undefined'], 'rateKeptUntil.times': ['array'], 'rateRelease.times': ['array'],
};

// Arguments that are stored records (a challenge row): other keys of a row are left
// alone, and its nullable fields take null.
const RECORDS = { challenge: ['consumedAt', 'verifiedAt', 'lastSentAt'] };
for (const [fname, spec] of Object.entries(CALLS)) {
  for (const name of spec.names.filter((n) => Object.hasOwn(RECORDS, n))) {
    for (const key of RECORDS[name]) OPTION_ACCEPTS[`${fname}.${key}`] = ['null'];
  }
}

// The keyring: its constructor, each method of one instance, and the webhook signature.
// Methods are named `Keyring#method`; `run` says how to call an entry that is not a function.
const RING = new tf.Keyring({ context: 'hostile', secret: KEY, previous: [SEAL_KEY] });
Object.assign(CALLS, {
  Keyring: { args: [{ context: 'hostile', secret: KEY, previous: [SEAL_KEY] }], names: ['opts'], run: (opts) => new tf.Keyring(opts) },
  'Keyring#hashCode': { args: ['123456', SALT], names: ['code', 'salt'] },
  'Keyring#verifyCode': { args: ['123456', RING.hashCode('123456', SALT), SALT], names: ['code', 'hash', 'salt'] },
  'Keyring#hashRecoveryCode': { args: ['abcd-efgh-jkmn', SALT], names: ['code', 'salt'] },
  'Keyring#verifyRecoveryCode': { args: ['abcd-efgh-jkmn', RING.hashRecoveryCode('abcd-efgh-jkmn', SALT), SALT], names: ['code', 'hash', 'salt'], accepts: [TEXT_OK] },
  'Keyring#tokenHash': { args: ['token'], names: ['token'], accepts: [TEXT_OK] },
  'Keyring#tokenHashes': { args: ['token'], names: ['token'], accepts: [TEXT_OK] },
  'Keyring#subjectHash': { args: ['+15550100000'], names: ['value'], accepts: [TEXT_OK] },
  'Keyring#seal': { args: [SECRET, 'user:1'], names: ['plaintext', 'associatedData'], accepts: [['empty Uint8Array'], [...TEXT_OK, 'empty Uint8Array']] },
  'Keyring#open': { args: [RING.seal(SECRET, 'user:1'), 'user:1'], names: ['sealed', 'associatedData'] },
  webhookSignature: { args: ['s'.repeat(32), 1_700_000_000, '{}'], names: ['secret', 'timestampSeconds', 'body'], accepts: [TEXT_OK, [], TEXT_OK] },
  signWebhook: { args: [{ secret: 's'.repeat(32), now: 1_700_000_000_000, body: '{}' }], names: ['opts'] },
});
Object.assign(OPTION_ACCEPTS, { 'Keyring.context': TEXT_OK, 'Keyring.previous': ['undefined'], 'signWebhook.secret': TEXT_OK, 'signWebhook.body': TEXT_OK, 'signWebhook.now': ['undefined'] });
// admits: a ruling's guard and a stored row. The row is a record (its other keys are
// left alone), so a plain object, even an empty or odd one, is a row whose fields are
// null; a field the guard tests takes null or nothing.
const ADMITS_ROW = { expiresAt: 301_000, attempts: 0, consumedAt: null };
CALLS.admits = {
  args: [{ guard: tf.challengeAttempt(CHALLENGE, { now: 2000 }).write.guard }, ADMITS_ROW],
  names: ['write', 'row'],
  accepts: [[], ['object', 'spoofed bytes', 'Proxy of a Uint8Array']],
};
RECORDS.row = [];
for (const key of Object.keys(ADMITS_ROW)) OPTION_ACCEPTS[`admits.${key}`] = ['null', 'undefined'];
for (const [fname, spec] of Object.entries(CALLS)) {
  const method = fname.startsWith('Keyring#') && fname.slice('Keyring#'.length);
  if (method) spec.run = (...args) => RING[method](...args);
}
const run = (fname, args) => (CALLS[fname].run ?? tf[fname])(...args);

function expectDocumentedError(fn, names, where) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown, `${where}: did not throw`);
  const documented = thrown instanceof TypeError || thrown instanceof RangeError || thrown instanceof tf.TwoFactorError;
  assert.ok(documented, `${where}: threw ${thrown && thrown.constructor.name}: ${thrown && thrown.message}`);
  if (!(thrown instanceof tf.TwoFactorError)) {
    const named = [].concat(names).some((name) => thrown.message.includes(`"${name}"`));
    assert.ok(named, `${where}: message does not name ${names}: ${thrown.message}`);
  }
  assert.ok(thrown.message.length < 200, `${where}: message too long`);
}

test('every export is covered by the table', () => {
  const exported = Object.keys(tf).filter((k) => typeof tf[k] === 'function' && k !== 'TwoFactorError');
  assert.deepEqual(exported.sort(), Object.keys(CALLS).filter((k) => !k.includes('#')).sort());
});

for (const [fname, spec] of Object.entries(CALLS)) {
  test(`${fname}: the valid call works`, () => {
    run(fname, spec.args);
  });

  spec.args.forEach((arg, position) => {
    const name = spec.names[position];
    const accepted = (spec.accepts && spec.accepts[position]) || [];
    const isOptions = arg && typeof arg === 'object' && !ArrayBuffer.isView(arg);
    test(`${fname}(${name}) refuses hostile values`, () => {
      let checked = 0;
      for (const [label, value] of Object.entries(HOSTILE)) {
        if (accepted.includes(label)) continue;
        const args = [...spec.args];
        args[position] = value;
        // An options object may be refused for one of its fields, or for an argument
        // that its defaults no longer fit (an 8-digit token once digits is 6).
        const names = isOptions ? [...spec.names, ...Object.keys(arg)] : name;
        expectDocumentedError(() => run(fname, args), names, `${fname} ${name}=${label}`);
        checked++;
      }
      assert.ok(checked >= Object.keys(HOSTILE).length - 3);
    });

    if (!isOptions) return;
    for (const key of Object.keys(arg)) {
      const optionAccepts = OPTION_ACCEPTS[`${fname}.${key}`] || [];
      test(`${fname}(${name}.${key}) refuses hostile values`, () => {
        for (const [label, value] of Object.entries(HOSTILE)) {
          if (optionAccepts.includes(label)) continue;
          const args = [...spec.args];
          args[position] = { ...arg, [key]: value };
          expectDocumentedError(() => run(fname, args), key, `${fname} ${name}.${key}=${label}`);
        }
      });
    }
    if (Object.hasOwn(RECORDS, name)) return;
    test(`${fname}(${name}) refuses an unknown option`, () => {
      const args = [...spec.args];
      args[position] = { ...arg, windows: 2 };
      expectDocumentedError(() => run(fname, args), name, `${fname} unknown option`);
    });
  });
}

test('the instance still works after every hostile call', () => {
  const code = tf.generateCode(6);
  const salt = tf.generateSalt();
  assert.equal(tf.verifyCode(code, tf.hashCode(code, KEY, salt), KEY, salt), true);
  assert.equal(tf.verifyTotp('287082', SECRET, { time: 59 }), 1);
  assert.deepEqual(tf.openSecret(tf.sealSecret(SECRET, SEAL_KEY, 'u'), SEAL_KEY, 'u'), SECRET);
  assert.equal(tf.generateRecoveryCodes().length, 10);
});

test('core errors are TwoFactorError with a stable code and no input in the message', () => {
  const cases = [
    [() => tf.base32Decode('not base32!'), 'INVALID_BASE32'],
    [() => tf.openSecret(SEALED, SEAL_KEY, 'user:2'), 'UNSEAL_FAILED'],
    [() => tf.openSecret('v1.garbage', SEAL_KEY, 'user:1'), 'UNSEAL_FAILED'],
    [() => tf.verifyCode('123456', 'Z'.repeat(64), KEY, SALT), 'INVALID_HASH_FORMAT'],
    [() => tf.hashRecoveryCode('0000-0000-0000', KEY, SALT), 'INVALID_RECOVERY_CODE'],
    [() => tf.otpauthUri({ secret: SECRET, issuer: 'a:b', account: 'c' }), 'INVALID_LABEL'],
  ];
  for (const [fn, code] of cases) {
    assert.throws(fn, (error) => {
      assert.ok(error instanceof tf.TwoFactorError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'TwoFactorError');
      assert.equal(error.code, code);
      assert.doesNotMatch(error.message, /user:2|garbage|0000|a:b/);
      return true;
    });
  }
});

test('messages of argument errors never echo a code or a secret', () => {
  assert.throws(() => tf.verifyCode('98765x', HASH, KEY, SALT), (error) => {
    assert.ok(error instanceof RangeError);
    assert.doesNotMatch(error.message, /98765/);
    return true;
  });
  assert.throws(() => tf.verifyTotp('1234567', SECRET, { time: 59 }), (error) => !/1234567/.test(error.message));
});

// --- Byte arrays are judged by their internal slots, strings by their code points -------

/** Asserts that `fn` throws `Type` naming `name`, in a short message. */
function refuses(fn, Type, name) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof Type, `threw ${error.constructor.name}: ${error.message}`);
    assert.ok(error.message.includes(`"${name}"`), error.message);
    assert.ok(error.message.length < 200, 'message too long');
    return true;
  });
}

const ownLength = (size, length) => Object.defineProperty(new Uint8Array(size), 'length', { value: length });

test('a Uint8Array whose length lies is refused, never read past its end', () => {
  // Before the fix each of these read the wasm heap beyond the array's one byte.
  refuses(() => tf.base32Encode(ownLength(1, 600)), TypeError, 'bytes');
  refuses(() => tf.openSecret(tf.sealSecret(ownLength(1, 4096), SEAL_KEY, 'u'), SEAL_KEY, 'u'), TypeError, 'plaintext');
  refuses(() => tf.sealSecret(SECRET, SEAL_KEY, ownLength(1, 600)), TypeError, 'associatedData');
  refuses(() => tf.generateTotp(ownLength(1, 20), { time: 59 }), TypeError, 'secret');
  class Longer extends Uint8Array {
    get length() {
      return 600;
    }
  }
  refuses(() => tf.base32Encode(new Longer(1)), TypeError, 'bytes');
});

test('what crosses into wasm is a copy taken when the bytes were checked', () => {
  // A length that grows after the check: the core must see only the byte that was checked.
  let reads = 0;
  const shifty = Object.defineProperty(new Uint8Array([0xff]), 'length', { get: () => (reads++ === 0 ? 1 : 600) });
  assert.equal(tf.base32Encode(shifty), tf.base32Encode(new Uint8Array([0xff])));
});

test('other typed arrays posing as a Uint8Array are refused as keys', () => {
  const posers = [
    Object.defineProperty(new Uint16Array(32), 'constructor', { value: Uint8Array }),
    Object.setPrototypeOf(new Uint16Array(32), Uint8Array.prototype),
  ];
  for (const key of posers) {
    refuses(() => tf.hashCode('123456', key, SALT), TypeError, 'key');
    assert.throws(() => tf.sealSecret(SECRET, key, 'u'), /got Uint16Array/);
  }
  refuses(() => tf.hashCode('123456', new Proxy(KEY, {}), SALT), TypeError, 'key');
  // The message names the real type, not a name the value chose for itself.
  const named = Object.defineProperty(new Int8Array(32), 'constructor', { value: { name: 'x'.repeat(500) } });
  assert.throws(() => tf.hashCode('123456', named, SALT), /got Int8Array$/);
});

test('Uint8Arrays from another realm, Buffers and views at an offset are accepted', () => {
  const foreign = require('node:vm').runInNewContext('new Uint8Array(32).fill(7)');
  assert.equal(foreign instanceof Uint8Array, false);
  assert.equal(tf.hashCode('123456', foreign, SALT), HASH);
  assert.equal(tf.hashCode('123456', Buffer.from(KEY), SALT), HASH);
  const view = new Uint8Array(64).fill(1).fill(7, 16, 48).subarray(16, 48);
  assert.equal(tf.hashCode('123456', view, SALT), HASH);
});

test('a Uint8Array over a detached or shrunk buffer is refused, not taken for no bytes', () => {
  const detached = new Uint8Array(8);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  refuses(() => tf.base32Encode(detached), TypeError, 'bytes');
  refuses(() => tf.sealSecret(detached, SEAL_KEY, 'u'), TypeError, 'plaintext');
  const resizable = new ArrayBuffer(32, { maxByteLength: 64 });
  const outOfBounds = new Uint8Array(resizable, 8, 16);
  resizable.resize(4);
  refuses(() => tf.base32Encode(outOfBounds), TypeError, 'bytes');
});

test('strings must be well-formed: a lone surrogate is refused, not read as U+FFFD', () => {
  // Before the fix hashToken('\uD800') === hashToken('\uFFFD'): two tokens, one hash.
  refuses(() => tf.hashToken('\uD800'), RangeError, 'token');
  assert.throws(() => tf.hashToken('\uD800'), (error) => !error.message.includes('\uD800'));
  refuses(() => tf.hashToken('a\uDC00b'), RangeError, 'token');
  assert.match(tf.hashToken('\uFFFD'), /^[0-9a-f]{64}$/);
  const { createHash } = require('node:crypto');
  assert.equal(tf.hashToken('\uD83D\uDE00'), createHash('sha256').update('\uD83D\uDE00').digest('hex'));
  refuses(() => tf.sealSecret(SECRET, SEAL_KEY, 'user:\uD800'), RangeError, 'associatedData');
  refuses(() => tf.openSecret(SEALED, SEAL_KEY, 'user:1\uDFFF'), RangeError, 'associatedData');
  refuses(() => tf.otpauthUri({ secret: SECRET, issuer: 'Acme\uD800', account: 'a' }), RangeError, 'issuer');
  refuses(() => tf.verifyRecoveryCode('abcd-efgh-jkm\uD800', RECOVERY_HASH, KEY, SALT), RangeError, 'code');
});
