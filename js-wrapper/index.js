'use strict';

// The public API of two-factor-wasm. Each function checks its arguments, reads the
// clock when the caller leaves the time out, and calls the Rust core. It decides
// nothing itself: every rule lives in the core (crate/), so the plugin and any other
// Node program get the same answers.

const wasm = require('./pkg/two_factor_wasm.js');
const check = require('./lib/check');
const { TwoFactorError, errorTable } = require('./lib/errors');

/**
 * Every name the wrapper pairs with a number, read once from the core: the limits, the
 * TOTP algorithms, and the rulings' own lists (see lib/rulings.js).
 */
const [LIMIT_NAMES, ALGORITHM_NAMES, ...RULING_NAMES] = wasm.names().split(';').map((list) => list.split(','));

/** The core's bounds and defaults, read from the core so they cannot drift. */
const LIMITS = (() => {
  const values = wasm.limitValues();
  return Object.freeze(Object.fromEntries(LIMIT_NAMES.map((name, i) => [name, values[i]])));
})();
const L = LIMITS;

const ERRORS = errorTable(wasm);

/**
 * The one way a core error reaches JS: a wasm export throws the index of the error
 * (the binding's `Fault`), made here a TwoFactorError; everything else is a real bug.
 */
function coreError(thrown) {
  if (typeof thrown === 'number' && ERRORS[thrown]) {
    const { code, message } = ERRORS[thrown];
    return new TwoFactorError(code, message);
  }
  return thrown;
}

/** Each algorithm's name and the index the core knows it by, read from the core. */
const ALGORITHMS = Object.freeze(Object.fromEntries(ALGORITHM_NAMES.map((name, index) => [name, index])));
const MAX_SEALED_CHARS = L.MAX_SEAL_BYTES * 2;


// The byte checks return a copy of the caller's array: pass that to the core, never the
// argument itself (lib/check.js says why).

function codeString(code) {
  return check.digitString(code, 'code', L.MIN_CODE_DIGITS, L.MAX_CODE_DIGITS);
}

function hashKey(key) {
  return check.bytes(key, 'key', L.MIN_KEY_BYTES, L.MAX_KEY_BYTES);
}

function salt(value) {
  return check.bytes(value, 'salt', L.MIN_SALT_BYTES, L.MAX_SALT_BYTES);
}

function storedHash(hash) {
  return check.string(hash, 'hash', L.HASH_HEX_CHARS, L.HASH_HEX_CHARS);
}

function totpSecret(secret) {
  return check.bytes(secret, 'secret', L.MIN_SECRET_BYTES, L.MAX_SECRET_BYTES);
}

/** Checks the options shared by generateTotp, verifyTotp and otpauthUri. */
function totpOptions(opts) {
  return {
    algorithm: check.oneOf(opts.algorithm, 'algorithm', ALGORITHMS, 'SHA1'),
    digits: check.optionalInteger(opts.digits, 'digits', L.MIN_OTP_DIGITS, L.MAX_OTP_DIGITS, L.DEFAULT_OTP_DIGITS),
    period: check.optionalInteger(opts.period, 'period', L.MIN_PERIOD, L.MAX_PERIOD, L.DEFAULT_PERIOD),
  };
}

/**
 * A TOTP's time as the binding takes it: `[value, inMs]`. `time` is unix seconds (RFC
 * 6238's unit), `now` unix milliseconds (every other ruling's); by default the clock.
 */
function totpTime(opts) {
  if (opts.time !== undefined && opts.now !== undefined) throw new TypeError('"opts" takes "time" or "now", not both');
  if (opts.time !== undefined) return [check.time(opts.time, 'time'), false];
  return [check.now(opts.now), true];
}

/**
 * The wasm exports with core errors turned into TwoFactorError. Fixed arity (the most any
 * export takes, verifyTotp's nine) instead of rest arguments: this sits on every hot
 * path, and the glue ignores extra arguments.
 */
const core = {};
for (const [name, fn] of Object.entries(wasm)) {
  if (typeof fn !== 'function') continue;
  core[name] = function guarded(a, b, c, d, e, f, g, h, i) {
    try {
      return fn(a, b, c, d, e, f, g, h, i);
    } catch (thrown) {
      throw coreError(thrown);
    }
  };
}

// --- One-time codes ------------------------------------------------------------------

function generateCode(digits = L.DEFAULT_CODE_DIGITS) {
  check.integer(digits, 'digits', L.MIN_CODE_DIGITS, L.MAX_CODE_DIGITS);
  // The core returns the code's value (below 10^digits, so exact as a JS number);
  // padding here saves an allocation and a text decode per code.
  return String(core.generateCode(digits)).padStart(digits, '0');
}

function hashCode(code, key, saltBytes) {
  codeString(code);
  return core.hashCode(code, hashKey(key), salt(saltBytes), false);
}

function verifyCode(code, hash, key, saltBytes) {
  codeString(code);
  storedHash(hash);
  return core.verifyCode(code, hash, hashKey(key), salt(saltBytes), false);
}

// --- TOTP ----------------------------------------------------------------------------

function generateSecret(bytes = L.DEFAULT_SECRET_BYTES) {
  check.integer(bytes, 'bytes', L.MIN_GENERATED_SECRET_BYTES, L.MAX_GENERATED_SECRET_BYTES);
  return core.generateSecret(bytes);
}

function base32Encode(bytes) {
  // At most what base32Decode reads back: 8 characters carry 5 bytes.
  return wasm.base32Encode(check.bytes(bytes, 'bytes', 0, (L.MAX_BASE32_CHARS / 8) * 5));
}

function base32Decode(text) {
  check.string(text, 'text', 0, L.MAX_BASE32_CHARS);
  return core.base32Decode(text);
}

const TOTP_KEYS = ['time', 'now', 'period', 'digits', 'algorithm'];

function generateTotp(secret, opts = {}) {
  const key = totpSecret(secret);
  check.options(opts, 'opts', TOTP_KEYS);
  const { algorithm, digits, period } = totpOptions(opts);
  const [time, inMs] = totpTime(opts);
  return core.generateTotp(key, algorithm, digits, period, time, inMs);
}

const VERIFY_TOTP_KEYS = [...TOTP_KEYS, 'window', 'afterStep'];

function verifyTotp(token, secret, opts = {}) {
  const key = totpSecret(secret);
  check.options(opts, 'opts', VERIFY_TOTP_KEYS);
  const { algorithm, digits, period } = totpOptions(opts);
  check.digitString(token, 'token', digits, digits);
  const window = check.optionalInteger(opts.window, 'window', L.MIN_WINDOW, L.MAX_WINDOW, L.DEFAULT_WINDOW);
  const afterStep =
    opts.afterStep === undefined || opts.afterStep === null
      ? -1
      : check.time(opts.afterStep, 'afterStep');
  const [time, inMs] = totpTime(opts);
  // The token crosses as its numeric value; its digit count was checked just above.
  const step = core.verifyTotp(Number(token), key, algorithm, digits, period, time, inMs, window, afterStep);
  return step === -1 ? null : step;
}

const URI_KEYS = ['secret', 'issuer', 'account', 'algorithm', 'digits', 'period'];

function otpauthUri(opts) {
  check.options(opts, 'opts', URI_KEYS);
  const secret = totpSecret(opts.secret);
  // Each option is read once: a getter could give the core another value than the check.
  const issuer = check.string(opts.issuer, 'issuer', 1, L.MAX_LABEL_BYTES);
  const account = check.string(opts.account, 'account', 1, L.MAX_LABEL_BYTES);
  const { algorithm, digits, period } = totpOptions(opts);
  return core.otpauthUri(secret, issuer, account, algorithm, digits, period);
}

// --- Recovery codes ------------------------------------------------------------------

function generateRecoveryCodes(count = L.DEFAULT_RECOVERY_CODES) {
  check.integer(count, 'count', L.MIN_RECOVERY_CODES, L.MAX_RECOVERY_CODES);
  return core.generateRecoveryCodes(count);
}


function normalizeRecoveryCode(code) {
  check.string(code, 'code', 0, L.MAX_RECOVERY_INPUT_BYTES);
  return wasm.normalizeRecoveryCode(code) ?? null;
}

function hashRecoveryCode(code, key, saltBytes) {
  check.string(code, 'code', 1, L.MAX_RECOVERY_INPUT_BYTES);
  return core.hashCode(code, hashKey(key), salt(saltBytes), true);
}

function verifyRecoveryCode(code, hash, key, saltBytes) {
  check.string(code, 'code', 0, L.MAX_RECOVERY_INPUT_BYTES);
  storedHash(hash);
  return core.verifyCode(code, hash, hashKey(key), salt(saltBytes), true);
}

// --- Sealed secrets ------------------------------------------------------------------

function sealKey(key) {
  return check.bytes(key, 'key', L.SEAL_KEY_BYTES, L.SEAL_KEY_BYTES);
}

function sealSecret(plaintext, key, associatedData) {
  const data = check.bytes(plaintext, 'plaintext', 0, L.MAX_SEAL_BYTES);
  const ad = check.textOrBytes(associatedData, 'associatedData', L.MAX_SEAL_BYTES);
  return core.sealSecret(data, sealKey(key), ad);
}

function openSecret(sealed, key, associatedData) {
  check.string(sealed, 'sealed', 1, MAX_SEALED_CHARS);
  const ad = check.textOrBytes(associatedData, 'associatedData', L.MAX_SEAL_BYTES);
  return core.openSecret(sealed, sealKey(key), ad);
}

// --- Tokens and salts ----------------------------------------------------------------

function generateToken() {
  return core.generateToken();
}

/** hashToken's key: none, so the core takes plain SHA-256. */
const NO_KEY = new Uint8Array(0);

function hashToken(token) {
  check.string(token, 'token', 1, L.MAX_TOKEN_INPUT_CHARS);
  return core.hashToken(token, NO_KEY);
}

function generateSalt() {
  return core.generateSalt();
}

// --- Keyed token hashes ---------------------------------------------------------------

function keyedTokenHash(token, key) {
  check.string(token, 'token', 1, L.MAX_TOKEN_INPUT_CHARS);
  return core.hashToken(token, hashKey(key));
}

// --- Verdicts and rulings (times in unix milliseconds) --------------------------------

const rulings = require('./lib/rulings')({ core, names: RULING_NAMES, L });

const { Keyring, webhookSignature, signWebhook } = require('./lib/keyring')({ wasm, L, coreError });

module.exports = {
  LIMITS,
  TwoFactorError,
  generateCode,
  hashCode,
  verifyCode,
  generateSecret,
  base32Encode,
  base32Decode,
  generateTotp,
  verifyTotp,
  otpauthUri,
  generateRecoveryCodes,
  normalizeRecoveryCode,
  hashRecoveryCode,
  verifyRecoveryCode,
  sealSecret,
  openSecret,
  generateToken,
  hashToken,
  generateSalt,
  keyedTokenHash,
  Keyring,
  webhookSignature,
  signWebhook,
};

// One by one: Node finds the names of a CommonJS module for `import` only in literal
// assignments like these.
module.exports.challengeVerdict = rulings.challengeVerdict;
module.exports.codeExpiresAt = rulings.codeExpiresAt;
module.exports.resendVerdict = rulings.resendVerdict;
module.exports.lockoutVerdict = rulings.lockoutVerdict;
module.exports.lockoutGuard = rulings.lockoutGuard;
module.exports.rateVerdict = rulings.rateVerdict;
module.exports.challengeOpen = rulings.challengeOpen;
module.exports.challengeAttempt = rulings.challengeAttempt;
module.exports.challengeConsume = rulings.challengeConsume;
module.exports.challengeResend = rulings.challengeResend;
module.exports.challengeSettle = rulings.challengeSettle;
module.exports.challengeRelease = rulings.challengeRelease;
module.exports.challengeUnsent = rulings.challengeUnsent;
module.exports.challengeClose = rulings.challengeClose;
module.exports.challengeEndAll = rulings.challengeEndAll;
module.exports.challengeForgetEnded = rulings.challengeForgetEnded;
module.exports.resendAvailableAt = rulings.resendAvailableAt;
module.exports.attemptsRemaining = rulings.attemptsRemaining;
module.exports.codeMinutesLeft = rulings.codeMinutesLeft;
module.exports.challengePurgeBefore = rulings.challengePurgeBefore;
module.exports.authorisesEnrolment = rulings.authorisesEnrolment;
module.exports.lockoutTake = rulings.lockoutTake;
module.exports.failuresReset = rulings.failuresReset;
module.exports.totpAccept = rulings.totpAccept;
module.exports.recoverySpend = rulings.recoverySpend;
module.exports.recoveryClaim = rulings.recoveryClaim;
module.exports.rateKeptUntil = rulings.rateKeptUntil;
module.exports.rateRelease = rulings.rateRelease;
module.exports.deviceTrustedUntil = rulings.deviceTrustedUntil;
module.exports.deviceUse = rulings.deviceUse;
module.exports.admits = rulings.admits;
