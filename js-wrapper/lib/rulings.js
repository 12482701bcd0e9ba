'use strict';

// The core's rulings on a challenge, a guess, a TOTP step and a trusted device. Each
// state change answers a write: `{ guard, changes }`, where `guard` is a list of clauses
// that must all hold, each a list of `{ field, test, value }` of which one must pass
// (`test` is one of null, notNull, =, <, >, <=), and `changes` a list of `{ field,
// change, value }` (`change` is set, clear or add). A store turns that into one
// conditional update and reads the row count; it decides nothing itself.

const check = require('./check');

const NULL = -1;

module.exports = ({ wasm, core, L }) => {
  const [FIELDS, TESTS, CHANGES, VERDICTS] = wasm.writeNames().split(';').map((list) => list.split(','));

  /** A write from its flat encoding at `at` (see the binding's rulings.rs). */
  const decode = (flat, at = 0) => {
    let i = at;
    const guard = [];
    for (let clauses = flat[i++]; clauses > 0; clauses -= 1) {
      const clause = [];
      for (let tests = flat[i++]; tests > 0; tests -= 1, i += 3) {
        clause.push({ field: FIELDS[flat[i]], test: TESTS[flat[i + 1]], value: flat[i + 2] });
      }
      guard.push(clause);
    }
    const changes = [];
    for (let count = flat[i++]; count > 0; count -= 1, i += 3) {
      changes.push({ field: FIELDS[flat[i]], change: CHANGES[flat[i + 1]], value: flat[i + 2] });
    }
    return { guard, changes };
  };

  const optionalTime = (value, name) => (value === null ? NULL : check.time(value, name));

  /** A challenge's state as the seven numbers the core reads; each field is read once. */
  const challengeState = (challenge) => {
    check.record(challenge, 'challenge');
    const { expiresAt, attempts, maxAttempts, consumedAt, verifiedAt, resends, lastSentAt } = challenge;
    return Float64Array.of(
      check.time(expiresAt, 'expiresAt'),
      check.count(attempts, 'attempts'),
      check.integer(maxAttempts, 'maxAttempts', L.MIN_ATTEMPTS, L.MAX_ATTEMPTS),
      optionalTime(consumedAt, 'consumedAt'),
      optionalTime(verifiedAt, 'verifiedAt'),
      check.count(resends, 'resends'),
      optionalTime(lastSentAt, 'lastSentAt'),
    );
  };

  const nowOf = (opts, name, known = []) => {
    check.options(opts, name, ['now', ...known]);
    return check.now(opts.now);
  };

  /** `{ verdict, write? }` from `[verdict, ...write]`. */
  const verdictAndWrite = (flat) => (flat.length > 1 ? { verdict: VERDICTS[flat[0]], write: decode(flat, 1) } : { verdict: VERDICTS[flat[0]] });

  const ttl = (value) => check.optionalInteger(value, 'ttlSeconds', L.MIN_CODE_TTL_SECONDS, L.MAX_CODE_TTL_SECONDS, L.DEFAULT_CODE_TTL_SECONDS);
  const cooldown = (value) =>
    check.optionalInteger(value, 'cooldownSeconds', L.MIN_RESEND_COOLDOWN_SECONDS, L.MAX_RESEND_COOLDOWN_SECONDS, L.DEFAULT_RESEND_COOLDOWN_SECONDS);
  const lockoutPolicy = (opts) => [
    check.optionalInteger(opts.threshold, 'threshold', L.MIN_LOCKOUT_THRESHOLD, L.MAX_LOCKOUT_THRESHOLD, L.DEFAULT_LOCKOUT_THRESHOLD),
    check.optionalInteger(opts.durationSeconds, 'durationSeconds', L.MIN_LOCKOUT_SECONDS, L.MAX_LOCKOUT_SECONDS, L.DEFAULT_LOCKOUT_SECONDS),
  ];

  return {
    /** A new challenge's state at `now`; `sent` when its code goes out by SMS or e-mail. */
    challengeOpen(opts = {}) {
      const now = nowOf(opts, 'opts', ['ttlSeconds', 'maxAttempts', 'sent']);
      const maxAttempts = check.optionalInteger(opts.maxAttempts, 'maxAttempts', L.MIN_ATTEMPTS, L.MAX_ATTEMPTS, L.DEFAULT_ATTEMPTS);
      const sent = opts.sent === undefined ? true : check.boolean(opts.sent, 'sent');
      const [expiresAt, lastSentAt] = core.challengeOpen(now, ttl(opts.ttlSeconds), maxAttempts, sent);
      return { expiresAt, attempts: 0, maxAttempts, consumedAt: null, verifiedAt: null, resends: 0, lastSentAt: lastSentAt === NULL ? null : lastSentAt };
    },

    /** Spends one attempt before a code is compared: `{ verdict: 'active', write }`, or the verdict alone. */
    challengeAttempt(challenge, opts = {}) {
      const state = challengeState(challenge);
      return verdictAndWrite(core.challengeAttempt(nowOf(opts, 'opts'), state));
    },

    /** Accepts a right code, once: `{ verdict: 'active', write }`, or `{ verdict: 'consumed' }`. */
    challengeConsume(challenge, opts = {}) {
      const state = challengeState(challenge);
      const now = nowOf(opts, 'opts', ['enrolment']);
      const enrolment = opts.enrolment === undefined ? false : check.boolean(opts.enrolment, 'enrolment');
      return verdictAndWrite(core.challengeConsume(now, state, enrolment));
    },

    /**
     * Replaces the code as one resend: `{ allowed: true, expiresAt, write }`, or
     * `{ allowed: false, reason }` with `verdict` ('closed'), `retryAt` ('cooldown') or
     * nothing more ('cap').
     */
    challengeResend(challenge, opts = {}) {
      const state = challengeState(challenge);
      const now = nowOf(opts, 'opts', ['ttlSeconds', 'cooldownSeconds', 'maxResends']);
      const maxResends = check.optionalInteger(opts.maxResends, 'maxResends', L.MIN_RESENDS, L.MAX_RESENDS, L.DEFAULT_RESENDS);
      const flat = core.challengeResend(now, state, ttl(opts.ttlSeconds), cooldown(opts.cooldownSeconds), maxResends);
      if (flat[0] === 0) return { allowed: true, expiresAt: flat[1], write: decode(flat, 2) };
      if (flat[0] === 1) return { allowed: false, reason: 'closed', verdict: VERDICTS[flat[1]] };
      if (flat[0] === 2) return { allowed: false, reason: 'cooldown', retryAt: flat[1] };
      return { allowed: false, reason: 'cap' };
    },

    /** Where the challenge stands, with the write that makes an expiry permanent. */
    challengeSettle(challenge, opts = {}) {
      const state = challengeState(challenge);
      return verdictAndWrite(core.challengeSettle(nowOf(opts, 'opts'), state));
    },

    /** Gives back the consumption the caller just made (its answer could not be built). */
    challengeRelease(challenge) {
      return decode(core.challengeWrite('release', challengeState(challenge)));
    },

    /** A send failed: lifts the cooldown that send started. */
    challengeUnsent(challenge) {
      return decode(core.challengeWrite('unsent', challengeState(challenge)));
    },

    /** For all of a user's challenges when their credentials change: the condition picks those that could still lead to a session. */
    challengeEndAll() {
      return decode(core.challengeEndAll());
    },

    /** Ends a challenge for good (any challenge: the write needs no ruling). */
    challengeClose() {
      return decode(core.challengeClose());
    },

    /** When the client may ask for another code (unix ms). */
    resendAvailableAt(challenge, opts = {}) {
      const state = challengeState(challenge);
      const now = nowOf(opts, 'opts', ['cooldownSeconds']);
      return core.resendAvailableAt(now, state, cooldown(opts.cooldownSeconds));
    },

    /** Whole minutes left before `expiresAt`, at least one: what a message says ("expires in 5 minutes"). */
    codeMinutesLeft(opts) {
      const now = nowOf(opts, 'opts', ['expiresAt']);
      return core.codeMinutesLeft(now, check.time(opts.expiresAt, 'expiresAt'));
    },

    /** Guesses left on a challenge. */
    attemptsRemaining(challenge) {
      return core.attemptsRemaining(challengeState(challenge));
    },

    /** Challenges that expired before this time may be deleted (unix ms): a late verify still hears why until then. */
    challengePurgeBefore(opts = {}) {
      return core.challengePurgeBefore(nowOf(opts, 'opts'));
    },

    /** Whether a verified enrolment challenge still authorises enrolment. */
    authorisesEnrolment(challenge, opts = {}) {
      const state = challengeState(challenge);
      return core.authorisesEnrolment(nowOf(opts, 'opts'), state);
    },

    /** The write that spends one guess of an account's budget (see lockoutGuard). */
    lockoutTake(opts = {}) {
      const now = nowOf(opts, 'opts', ['threshold', 'durationSeconds']);
      return decode(core.lockoutTake(now, ...lockoutPolicy(opts)));
    },

    /** The write that ends a run of failures. */
    failuresReset() {
      return decode(core.failuresReset());
    },

    /** The write that accepts TOTP step `step` at most once (verifyTotp's matched step). */
    totpAccept(step) {
      return decode(core.totpAccept(check.time(step, 'step')));
    },

    /** When the last of `times` leaves a window of `windowSeconds` (unix ms), or null for none: a stored limit may go then. */
    rateKeptUntil(opts) {
      check.options(opts, 'opts', ['times', 'windowSeconds']);
      const times = check.times(opts.times, 'times', L.MAX_RATE_CAP);
      const until = core.rateKeptUntil(times, check.integer(opts.windowSeconds, 'windowSeconds', L.MIN_RATE_WINDOW_SECONDS, L.MAX_RATE_WINDOW_SECONDS));
      return until === NULL ? null : until;
    },

    /** The write that spends a recovery code at `now`, once. */
    recoverySpend(opts = {}) {
      return decode(core.recoverySpend(nowOf(opts, 'opts')));
    },

    /** When a device remembered at `now` for `days` stops being trusted (unix ms). */
    deviceTrustedUntil(opts = {}) {
      const now = nowOf(opts, 'opts', ['days']);
      return core.deviceTrustedUntil(now, check.integer(opts.days, 'days', L.MIN_TRUSTED_DEVICE_DAYS, L.MAX_TRUSTED_DEVICE_DAYS));
    },

    /** The write that records a trusted device's use, or null once its trust has ended. */
    deviceUse(opts = {}) {
      const now = nowOf(opts, 'opts', ['expiresAt']);
      const flat = core.deviceUse(now, check.time(opts.expiresAt, 'expiresAt'));
      return flat.length === 0 ? null : decode(flat);
    },
  };
};
