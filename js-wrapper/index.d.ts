// Types of two-factor-wasm. Every function checks its arguments before they reach
// WebAssembly: a value of the wrong type throws TypeError, a value of the right type
// but out of range (NaN, fractions, lengths) throws RangeError, and both name the
// argument. Failures decided by the core throw TwoFactorError with a stable `code`.
// Strings must be well-formed UTF-16: a lone surrogate throws RangeError (it would reach
// the core as U+FFFD). Bytes must be a real Uint8Array (a Buffer, a view at an offset or
// an array from another realm will do) without an overridden `length`, not detached;
// the core reads a copy taken at the check.

/** TOTP/HOTP hash function. */
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** The stable codes of TwoFactorError. */
export type TwoFactorErrorCode =
  | 'INVALID_DIGITS'
  | 'INVALID_CODE_FORMAT'
  | 'KEY_TOO_SHORT'
  | 'KEY_TOO_LONG'
  | 'INVALID_SALT_LENGTH'
  | 'INVALID_HASH_FORMAT'
  | 'INVALID_SECRET_LENGTH'
  | 'INVALID_BASE32'
  | 'INVALID_ALGORITHM'
  | 'INVALID_PERIOD'
  | 'INVALID_WINDOW'
  | 'INVALID_TIME'
  | 'INVALID_LABEL'
  | 'INVALID_RECOVERY_COUNT'
  | 'INVALID_RECOVERY_CODE'
  | 'UNSEAL_FAILED'
  | 'SEAL_TOO_LONG'
  | 'INVALID_POLICY'
  | 'RANDOM_UNAVAILABLE'
  | 'CODE_MISMATCH'
  | 'TOO_MANY_SECRETS'
  | 'INVALID_CONTEXT'
  | 'WEBHOOK_BODY_TOO_LONG';

/** A failure decided by the core. The message never contains an input or a secret. */
export class TwoFactorError extends Error {
  readonly name: 'TwoFactorError';
  readonly code: TwoFactorErrorCode;
}

/** The core's bounds and defaults (read from the Rust crate at load). */
export const LIMITS: Readonly<{
  MIN_CODE_DIGITS: number; MAX_CODE_DIGITS: number; DEFAULT_CODE_DIGITS: number;
  MIN_KEY_BYTES: number; MAX_KEY_BYTES: number; SEAL_KEY_BYTES: number;
  MIN_SALT_BYTES: number; MAX_SALT_BYTES: number; MAX_CODE_BYTES: number;
  MIN_OTP_DIGITS: number; MAX_OTP_DIGITS: number; DEFAULT_OTP_DIGITS: number;
  MIN_PERIOD: number; MAX_PERIOD: number; DEFAULT_PERIOD: number;
  MIN_WINDOW: number; MAX_WINDOW: number; DEFAULT_WINDOW: number;
  MIN_SECRET_BYTES: number; MAX_SECRET_BYTES: number;
  MIN_GENERATED_SECRET_BYTES: number; MAX_GENERATED_SECRET_BYTES: number; DEFAULT_SECRET_BYTES: number;
  MAX_BASE32_CHARS: number; MAX_LABEL_BYTES: number;
  MIN_RECOVERY_CODES: number; MAX_RECOVERY_CODES: number; DEFAULT_RECOVERY_CODES: number;
  MAX_SEAL_BYTES: number;
  MIN_CODE_TTL_SECONDS: number; MAX_CODE_TTL_SECONDS: number; DEFAULT_CODE_TTL_SECONDS: number;
  MIN_ATTEMPTS: number; MAX_ATTEMPTS: number; DEFAULT_ATTEMPTS: number;
  MIN_RESEND_COOLDOWN_SECONDS: number; MAX_RESEND_COOLDOWN_SECONDS: number; DEFAULT_RESEND_COOLDOWN_SECONDS: number;
  MIN_RESENDS: number; MAX_RESENDS: number; DEFAULT_RESENDS: number;
  MIN_LOCKOUT_THRESHOLD: number; MAX_LOCKOUT_THRESHOLD: number; DEFAULT_LOCKOUT_THRESHOLD: number;
  MIN_LOCKOUT_SECONDS: number; MAX_LOCKOUT_SECONDS: number; DEFAULT_LOCKOUT_SECONDS: number;
  MIN_RATE_CAP: number; MAX_RATE_CAP: number; MIN_RATE_WINDOW_SECONDS: number; MAX_RATE_WINDOW_SECONDS: number;
  DEFAULT_SENDS_PER_HOUR: number; DEFAULT_SENDS_PER_NUMBER_PER_HOUR: number; DEFAULT_NEW_NUMBERS_PER_DAY: number;
  MAX_TRUSTED_DEVICES: number; MAX_OPEN_CHALLENGES: number; TOKEN_BYTES: number;
  TOKEN_CHARS: number; MAX_TOKEN_INPUT_CHARS: number; HASH_HEX_CHARS: number; MAX_RECOVERY_INPUT_BYTES: number;
  MIN_TRUSTED_DEVICE_DAYS: number; MAX_TRUSTED_DEVICE_DAYS: number; TRUSTED_DEVICE_DAYS_OFF: number;
  SENDS_WINDOW_SECONDS: number; NEW_NUMBERS_WINDOW_SECONDS: number; MAX_RATE_TRIES: number; RATE_CONTENDED_RETRY_MS: number;
  MAX_PREVIOUS_SECRETS: number; MAX_CONTEXT_BYTES: number;
  MIN_WEBHOOK_SECRET_CHARS: number; MAX_WEBHOOK_SECRET_BYTES: number; MAX_WEBHOOK_BODY_BYTES: number;
}>;

// --- One-time codes (SMS, e-mail) ---------------------------------------------------

/** A uniformly random code of `digits` (6..10, default 6) decimal digits, from the OS CSPRNG. */
export function generateCode(digits?: number): string;

/**
 * HMAC-SHA-256 under `key` (32..256 bytes) of `salt` (16..64 bytes) followed by `code`
 * (6..10 ASCII digits), as 64 lowercase hex characters. Store this, never the code.
 */
export function hashCode(code: string, key: Uint8Array, salt: Uint8Array): string;

/** Whether `code` matches `hash`; the comparison runs in constant time. */
export function verifyCode(code: string, hash: string, key: Uint8Array, salt: Uint8Array): boolean;

// --- TOTP -----------------------------------------------------------------------------

/** A random TOTP secret of `bytes` (20..64, default 20 = 160 bits) bytes. */
export function generateSecret(bytes?: number): Uint8Array;

/** Upper-case RFC 4648 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string;

/** RFC 4648 base32 in either case, padding optional. Throws TwoFactorError INVALID_BASE32. */
export function base32Decode(text: string): Uint8Array;

export interface TotpOptions {
  /** Unix time in seconds (an integer). Default: now. */
  time?: number;
  /** Or unix time in milliseconds, as every other ruling takes it (not with `time`). */
  now?: number;
  /** Step in seconds, 15..120. Default 30. */
  period?: number;
  /** 6..8. Default 6. */
  digits?: number;
  /** Default 'SHA1'. */
  algorithm?: Algorithm;
}

export interface VerifyTotpOptions extends TotpOptions {
  /** Steps accepted either side of now, 0..10. Default 1. */
  window?: number;
  /** The step this secret was last accepted at: it and every earlier step are refused. */
  afterStep?: number | null;
}

/** The TOTP for `secret` (16..128 bytes) at `opts.time`. */
export function generateTotp(secret: Uint8Array, opts?: TotpOptions): string;

/**
 * The time step `token` matches within the window, or null. Store the returned step
 * and pass it as `afterStep` next time: that is the replay guard.
 */
export function verifyTotp(token: string, secret: Uint8Array, opts?: VerifyTotpOptions): number | null;

export interface OtpauthOptions {
  secret: Uint8Array;
  /** Shown by the app; no colon. */
  issuer: string;
  /** Usually the e-mail address; no colon. */
  account: string;
  algorithm?: Algorithm;
  digits?: number;
  period?: number;
}

/** `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…` */
export function otpauthUri(opts: OtpauthOptions): string;

// --- Recovery codes -------------------------------------------------------------------

/** `count` (1..50, default 10) codes like `k7xq-m3np-2hwz`: 12 characters, about 59 bits each. */
export function generateRecoveryCodes(count?: number): string[];

/** The canonical form of a typed recovery code (case, hyphens, spaces ignored), or null. */
export function normalizeRecoveryCode(code: string): string | null;

/** Keyed, salted hash of a recovery code, for storage. */
export function hashRecoveryCode(code: string, key: Uint8Array, salt: Uint8Array): string;

/** Whether a typed recovery code matches its hash (constant time); malformed input is false. */
export function verifyRecoveryCode(code: string, hash: string, key: Uint8Array, salt: Uint8Array): boolean;

// --- Sealed secrets -------------------------------------------------------------------

/**
 * XChaCha20-Poly1305 under a 32-byte key, bound to `associatedData` (such as
 * `user:42`), as `v1.<base64url>`. A fresh random nonce every call.
 */
export function sealSecret(plaintext: Uint8Array, key: Uint8Array, associatedData: string | Uint8Array): string;

/** Opens a sealed value. Throws TwoFactorError UNSEAL_FAILED for another key, other data, or tampering. */
export function openSecret(sealed: string, key: Uint8Array, associatedData: string | Uint8Array): Uint8Array;

// --- Tokens and salts -----------------------------------------------------------------

/** 256 random bits as 43 base64url characters, for login challenges and device tokens. */
export function generateToken(): string;

/** SHA-256 of a token as 64 lowercase hex characters: what the database stores and indexes. */
export function hashToken(token: string): string;

/** 16 random bytes for hashCode / hashRecoveryCode. */
export function generateSalt(): Uint8Array;

// --- Verdicts (times are unix milliseconds; `now` defaults to Date.now()) -------------

export type ChallengeVerdict = 'active' | 'expired' | 'exhausted' | 'consumed';

export function challengeVerdict(state: {
  now?: number;
  expiresAt: number;
  attempts: number;
  maxAttempts: number;
  consumed: boolean;
}): ChallengeVerdict;

/** When a code issued now expires; `ttlSeconds` 30..600, default 300. */
export function codeExpiresAt(opts?: { now?: number; ttlSeconds?: number }): number;

export type ResendVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'cooldown'; retryAt: number }
  | { allowed: false; reason: 'cap' };

export function resendVerdict(state: {
  now?: number;
  lastSentAt: number;
  resends: number;
  cooldownSeconds?: number;
  maxResends?: number;
}): ResendVerdict;

export type LockoutVerdict = { locked: false } | { locked: true; until: number };

/** Consecutive failures across challenges; the count is reset only by a success or an admin. */
export function lockoutVerdict(state: {
  now?: number;
  failures: number;
  lastFailureAt: number | null;
  threshold?: number;
  durationSeconds?: number;
}): LockoutVerdict;

// --- Keyed token hashes and guarded limits --------------------------------------------

/**
 * HMAC-SHA-256 of a token under `key` (32..256 bytes), as 64 lowercase hex characters.
 * Store and index this rather than `hashToken`: a row written by anyone without the key
 * names no token that will ever match.
 */
export function keyedTokenHash(token: string, key: Uint8Array): string;

/**
 * The condition a write that spends one guess (failures + 1) must hold, so that a burst
 * across processes gets at most `threshold` guesses: stored failures below
 * `failuresBelow`, or the last failure at or before `lastFailureAtMost` (null while no
 * lock can have run out). Compare the code only if that write changed the row.
 */
export function lockoutGuard(opts: { now?: number; threshold?: number; durationSeconds?: number }): {
  failuresBelow: number;
  lastFailureAtMost: number | null;
};

export type RateVerdict = { allowed: true; times: number[] } | { allowed: false; retryAt: number };

/**
 * At most `cap` (1..100) events in any sliding `windowSeconds` (1..604800). `times` are
 * the stored times of earlier events. When allowed, store `times` in place of the ones
 * ruled on, and only if those are still what is stored (a compare-and-set).
 */
export function rateVerdict(state: { now?: number; times: number[]; cap: number; windowSeconds: number }): RateVerdict;

// --- The server keyring ---------------------------------------------------------------

export interface KeyringOptions {
  /** Names the application in every derivation: HKDF info is `${context} ${label}`. 1..64 bytes. */
  context: string;
  /** The current secret, 32..256 bytes: every new hash and seal is made under its keys. */
  secret: Uint8Array;
  /** Secrets rotated out, most recent first, at most 4: stored values made under them still match. */
  previous?: Uint8Array[];
}

/** A match: `stale` when a previous secret's key matched, so the value should be made again. */
export interface KeyMatch {
  stale: boolean;
}

/**
 * The keys derived from a server's secrets with HKDF-SHA-256 (empty salt, 32 bytes, labels
 * `code hash v1`, `token hash v1` and `seal v1`), held inside the core: no method returns a
 * key. Keys are wiped when the keyring is garbage-collected.
 */
export class Keyring {
  constructor(opts: KeyringOptions);
  /** `hashCode` under the current code key; `salt` 16..64 bytes. */
  hashCode(code: string, salt: Uint8Array): string;
  /** null when no key matches (constant time); otherwise which kind of key did. */
  verifyCode(code: string, hash: string, salt: Uint8Array): KeyMatch | null;
  /** `hashRecoveryCode` under the current code key. */
  hashRecoveryCode(code: string, salt: Uint8Array): string;
  /** null when no key matches; malformed input does not match. */
  verifyRecoveryCode(code: string, hash: string, salt: Uint8Array): KeyMatch | null;
  /** `keyedTokenHash` under the current token key: what to store and index. */
  tokenHash(token: string): string;
  /** The token's hash under every key, current first: what an indexed lookup looks for. */
  tokenHashes(token: string): string[];
  /** `keyedTokenHash('subject:' + value)` under the current token key. */
  subjectHash(value: string): string;
  /** `sealSecret` under the current seal key. */
  seal(plaintext: Uint8Array, associatedData: string | Uint8Array): string;
  /** Opens with the first key that can. Throws TwoFactorError UNSEAL_FAILED when none can. */
  open(sealed: string, associatedData: string | Uint8Array): { plaintext: Uint8Array; stale: boolean };
}

/**
 * What an SMS webhook sends in `X-Two-Factor-Signature`: `sha256=` and the lowercase hex of
 * HMAC-SHA-256 under `secret` (1..1024 bytes, or text) of `${timestampSeconds}.${body}`.
 */
export function webhookSignature(secret: string | Uint8Array, timestampSeconds: number, body: string): string;

/** Signs `body` at `now` (unix ms; default the clock): the values of `X-Two-Factor-Timestamp` (unix seconds) and `X-Two-Factor-Signature`. */
export function signWebhook(opts: { secret: string | Uint8Array; now?: number; body: string }): { timestamp: number; signature: string };

// --- Rulings with their conditional writes (times in unix ms; `now` defaults to Date.now()) ---

/** A stored field a write's condition reads or its changes set, named as the plugin's attributes. */
export type WriteField =
  | 'expiresAt' | 'attempts' | 'consumedAt' | 'verifiedAt' | 'resends' | 'lastSentAt'
  | 'destination' | 'failures' | 'lastFailureAt' | 'totpLastStep' | 'lastUsedAt' | 'usedAt' | 'recoveryGeneration';

/**
 * A write the core ruled: apply `changes` only to a row that meets `guard` (every clause
 * holds; a clause holds when one of its tests passes; a null field passes only `null`),
 * in one conditional UPDATE, and read the row count: 0 means another request changed
 * the row first and the ruling does not stand.
 */
export interface Write {
  guard: Array<Array<{ field: WriteField; test: 'null' | 'notNull' | '=' | '<' | '>' | '<='; value: number }>>;
  changes: Array<{ field: WriteField; change: 'set' | 'clear' | 'add'; value: number }>;
}

/** A challenge's stored state; other keys of a row are ignored. */
export interface ChallengeState {
  expiresAt: number;
  attempts: number;
  maxAttempts: number;
  consumedAt: number | null;
  verifiedAt: number | null;
  resends: number;
  lastSentAt: number | null;
}

/** A new challenge at `now`; `sent` (default true) when its code goes out by SMS or e-mail. */
export function challengeOpen(opts?: { now?: number; ttlSeconds?: number; maxAttempts?: number; sent?: boolean }): ChallengeState;

/** Spends one attempt before a code is compared; the write only while the challenge is active. */
export function challengeAttempt(challenge: ChallengeState, opts?: { now?: number }): { verdict: ChallengeVerdict; write?: Write };

/** Accepts a right code once; `enrolment` marks an enrolment challenge verified. */
export function challengeConsume(challenge: ChallengeState, opts?: { now?: number; enrolment?: boolean }): { verdict: ChallengeVerdict; write?: Write };

export type ResendRuling =
  | { allowed: true; expiresAt: number; write: Write }
  | { allowed: false; reason: 'closed'; verdict: ChallengeVerdict }
  | { allowed: false; reason: 'cooldown'; retryAt: number }
  | { allowed: false; reason: 'cap' };

/** Replaces the code as one resend, under the cooldown and the cap; attempts are untouched. */
export function challengeResend(
  challenge: ChallengeState,
  opts?: { now?: number; ttlSeconds?: number; cooldownSeconds?: number; maxResends?: number },
): ResendRuling;

/** Where the challenge stands; when just found expired, the write that makes it final. */
export function challengeSettle(challenge: ChallengeState, opts?: { now?: number }): { verdict: ChallengeVerdict; write?: Write };

/** Gives back a consumption the caller just made (never a verified enrolment's). */
export function challengeRelease(challenge: ChallengeState): Write;

/** A send failed: lifts the cooldown that send started. */
export function challengeUnsent(challenge: ChallengeState): Write;

/** Ends any challenge for good. */
export function challengeClose(): Write;

/** For all of a user's challenges when their credentials change: the condition picks those that could still lead to a session (open ones, verified enrolments). */
export function challengeEndAll(): Write;

/**
 * The write, for every challenge row, that forgets where the code of each challenge that
 * ended by `now` went (its destination cleared): a store applies it to all rows at once.
 */
export function challengeForgetEnded(opts?: { now?: number }): Write;

/** When the client may ask for another code: the end of the cooldown, or now. */
export function resendAvailableAt(challenge: ChallengeState, opts?: { now?: number; cooldownSeconds?: number }): number;

/** Whole minutes left before `expiresAt`, at least one: what a message says ("expires in 5 minutes"). */
export function codeMinutesLeft(opts: { now?: number; expiresAt: number }): number;

/** Guesses left on a challenge. */
export function attemptsRemaining(challenge: ChallengeState): number;

/** Challenges that expired before this time may be deleted: a late verify still hears why until then. */
export function challengePurgeBefore(opts?: { now?: number }): number;

/** Whether a verified enrolment challenge still authorises enrolment. */
export function authorisesEnrolment(challenge: ChallengeState, opts?: { now?: number }): boolean;

/** The write that spends one guess of an account's budget (see lockoutGuard). */
export function lockoutTake(opts?: { now?: number; threshold?: number; durationSeconds?: number }): Write;

/** The write that ends a run of failures (a right code, an admin's unlock). */
export function failuresReset(): Write;

/** The write that accepts TOTP step `step` (verifyTotp's answer) at most once. */
export function totpAccept(step: number): Write;

/** When the last of `times` leaves a window of `windowSeconds`, or null for none: a stored limit may be forgotten then. */
export function rateKeptUntil(opts: { times: number[]; windowSeconds: number }): number | null;

/**
 * The times to store once the event that took its place at `at` is given back (it did not
 * happen: a send that failed), or null when no event at `at` is stored any more.
 */
export function rateRelease(opts: { times: number[]; at: number }): number[] | null;

/**
 * The write that moves the account's set of recovery codes on from number `generation`
 * (0 before the first set; read before the caller's proof) to the next, only while it is
 * still that one: of concurrent regenerations, exactly one makes a set.
 */
export function recoveryClaim(opts: { generation: number }): Write;

/** The write that spends a recovery code at `now`, once. */
export function recoverySpend(opts?: { now?: number }): Write;

/** When a device remembered at `now` for `days` (1..90) stops being trusted. */
export function deviceTrustedUntil(opts: { now?: number; days: number }): number;

/** The write that records a trusted device's use, or null once its trust has ended. */
export function deviceUse(opts: { now?: number; expiresAt: number }): Write | null;

/** A stored row as a store that is not SQL holds it: each field's value, or null (a missing field is null). */
export type StoredRow = { readonly [field: string]: unknown };

/**
 * Whether `row` meets the guard of `write` (every clause holds; a clause holds when one of
 * its tests passes; a null field passes only `null`): what a database decides for the
 * conditional UPDATE, decided by the core itself, for stores that keep rows in memory.
 * Only `write.guard` and, of `row`, the fields it tests are read; each of those must be
 * null, missing, or an integer from 0 (unix ms, a count, a step).
 */
export function admits(write: Pick<Write, 'guard'> & Partial<Pick<Write, 'changes'>>, row: StoredRow): boolean;
