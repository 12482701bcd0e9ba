'use strict';

// The core's rulings on a challenge, a guess, a TOTP step, a trusted device and an
// account's limits. Each state change answers a write: `{ guard, changes }`, where
// `guard` is a list of clauses that must all hold, each a list of `{ field, test, value }`
// of which one must pass (`test` is one of null, notNull, =, <, >, <=), and `changes` a
// list of `{ field, change, value }` (`change` is set, clear or add). A store turns that
// into one conditional update and reads the row count; it decides nothing itself, and a
// store that is not SQL asks `admits` whether a row meets a guard.
//
// Every ruling crosses the boundary through one export, `rule(op, numbers)`: numbers
// in, numbers out, in the layouts the binding's rulings.rs states. The names of the
// rulings, fields, tests, changes and verdicts come from the core (`names`), so no list
// is written twice.

const check = require('./check');

const NULL = -1;

module.exports = ({ core, names, L }) => {
  const [RULINGS, FIELDS, TESTS, CHANGES, VERDICTS] = names;
  const OP = Object.fromEntries(RULINGS.map((name, i) => [name, i]));
  const FIELD = Object.fromEntries(FIELDS.map((name, i) => [name, i]));
  const TEST = Object.fromEntries(TESTS.map((name, i) => [name, i]));

  /** The ruling `name` on `args` (numbers already checked), as the binding answers it. */
  const rule = (name, args) => core.rule(OP[name], args);

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

  const GUARD_SHAPE = '"guard" must be an array of clauses, each an array of { field, test, value }';

  /** An array read once, as a fresh array. */
  const list = (value) => {
    if (!Array.isArray(value)) throw new TypeError(GUARD_SHAPE);
    return Array.from(value);
  };

  /**
   * A guard as the core reads it: the count of clauses, each as its count of tests and
   * `(field, test, value)` triples. Each clause and test is read once; `tested` collects
   * the fields the guard reads.
   */
  const encodeGuard = (value, tested) => {
    const clauses = list(value);
    const flat = [clauses.length];
    for (const item of clauses) {
      const tests = list(item);
      flat.push(tests.length);
      for (const one of tests) {
        if (one === null || typeof one !== 'object') throw new TypeError(GUARD_SHAPE);
        const { field, test, value: operand } = one;
        if (typeof field !== 'string' || !Object.hasOwn(FIELD, field)) {
          throw new RangeError(`"guard" tests a "field" that is not one of ${FIELDS.join(', ')}`);
        }
        if (typeof test !== 'string' || !Object.hasOwn(TEST, test)) {
          throw new RangeError(`"guard" has a "test" that is not one of ${TESTS.join(', ')}`);
        }
        flat.push(FIELD[field], TEST[test], check.time(operand, 'value'));
        tested.add(field);
      }
    }
    return flat;
  };

  const optionalTime = (value, name) => (value === null ? NULL : check.time(value, name));

  /** A challenge's state as the seven numbers the core reads; each field is read once. */
  const challengeState = (challenge) => {
    check.record(challenge, 'challenge');
    const { expiresAt, attempts, maxAttempts, consumedAt, verifiedAt, resends, lastSentAt } = challenge;
    return [
      check.time(expiresAt, 'expiresAt'),
      check.count(attempts, 'attempts'),
      check.integer(maxAttempts, 'maxAttempts', L.MIN_ATTEMPTS, L.MAX_ATTEMPTS),
      optionalTime(consumedAt, 'consumedAt'),
      optionalTime(verifiedAt, 'verifiedAt'),
      check.count(resends, 'resends'),
      optionalTime(lastSentAt, 'lastSentAt'),
    ];
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
  const maxResends = (value) => check.optionalInteger(value, 'maxResends', L.MIN_RESENDS, L.MAX_RESENDS, L.DEFAULT_RESENDS);
  const lockoutPolicy = (opts) => [
    check.optionalInteger(opts.threshold, 'threshold', L.MIN_LOCKOUT_THRESHOLD, L.MAX_LOCKOUT_THRESHOLD, L.DEFAULT_LOCKOUT_THRESHOLD),
    check.optionalInteger(opts.durationSeconds, 'durationSeconds', L.MIN_LOCKOUT_SECONDS, L.MAX_LOCKOUT_SECONDS, L.DEFAULT_LOCKOUT_SECONDS),
  ];
  const rateWindow = (value) => check.integer(value, 'windowSeconds', L.MIN_RATE_WINDOW_SECONDS, L.MAX_RATE_WINDOW_SECONDS);

  return {
    // --- Verdicts -------------------------------------------------------------------

    /** Where a challenge stands, from its expiry, its attempts and whether it was consumed. */
    challengeVerdict(state) {
      check.options(state, 'state', ['now', 'expiresAt', 'attempts', 'maxAttempts', 'consumed']);
      const now = check.now(state.now);
      const expiresAt = check.time(state.expiresAt, 'expiresAt');
      const attempts = check.count(state.attempts, 'attempts');
      const maxAttempts = check.integer(state.maxAttempts, 'maxAttempts', L.MIN_ATTEMPTS, L.MAX_ATTEMPTS);
      const consumed = check.boolean(state.consumed, 'consumed');
      // The same ruling as challengeSettle, on a row that holds only what this reads.
      const row = [expiresAt, attempts, maxAttempts, consumed ? 0 : NULL, NULL, 0, NULL];
      return VERDICTS[rule('settle', [...row, now])[0]];
    },

    codeExpiresAt(opts = {}) {
      check.options(opts, 'opts', ['now', 'ttlSeconds']);
      const ttlSeconds = ttl(opts.ttlSeconds);
      return rule('codeExpiresAt', [check.now(opts.now), ttlSeconds])[0];
    },

    resendVerdict(state) {
      check.options(state, 'state', ['now', 'lastSentAt', 'resends', 'cooldownSeconds', 'maxResends']);
      const [verdict, retryAt] = rule('resendVerdict', [
        check.now(state.now),
        check.time(state.lastSentAt, 'lastSentAt'),
        check.count(state.resends, 'resends'),
        cooldown(state.cooldownSeconds),
        maxResends(state.maxResends),
      ]);
      if (verdict === 0) return { allowed: true };
      if (verdict === 1) return { allowed: false, reason: 'cap' };
      return { allowed: false, reason: 'cooldown', retryAt };
    },

    lockoutVerdict(state) {
      check.options(state, 'state', ['now', 'failures', 'lastFailureAt', 'threshold', 'durationSeconds']);
      const [locked, until] = rule('lockoutVerdict', [
        check.now(state.now),
        check.count(state.failures, 'failures'),
        state.lastFailureAt === null ? 0 : check.time(state.lastFailureAt, 'lastFailureAt'),
        ...lockoutPolicy(state),
      ]);
      return locked === 0 ? { locked: false } : { locked: true, until };
    },

    lockoutGuard(opts) {
      check.options(opts, 'opts', ['now', 'threshold', 'durationSeconds']);
      const [failuresBelow, lastFailureAtMost] = rule('lockoutGuard', [check.now(opts.now), ...lockoutPolicy(opts)]);
      return { failuresBelow, lastFailureAtMost: lastFailureAtMost === NULL ? null : lastFailureAtMost };
    },

    rateVerdict(state) {
      check.options(state, 'state', ['now', 'times', 'cap', 'windowSeconds']);
      // Read once: a getter must not pass the checks and then hand over something else.
      const times = check.times(state.times, 'times', L.MAX_RATE_CAP);
      const now = check.now(state.now);
      const cap = check.integer(state.cap, 'cap', L.MIN_RATE_CAP, L.MAX_RATE_CAP);
      const [capped, ...rest] = rule('rateVerdict', [now, cap, rateWindow(state.windowSeconds), ...times]);
      return capped ? { allowed: false, retryAt: rest[0] } : { allowed: true, times: rest };
    },

    // --- Rulings with their writes ------------------------------------------------

    /** A new challenge's state at `now`; `sent` when its code goes out by SMS or e-mail. */
    challengeOpen(opts = {}) {
      const now = nowOf(opts, 'opts', ['ttlSeconds', 'maxAttempts', 'sent']);
      const maxAttempts = check.optionalInteger(opts.maxAttempts, 'maxAttempts', L.MIN_ATTEMPTS, L.MAX_ATTEMPTS, L.DEFAULT_ATTEMPTS);
      const sent = opts.sent === undefined ? true : check.boolean(opts.sent, 'sent');
      const [expiresAt, lastSentAt] = rule('open', [now, ttl(opts.ttlSeconds), maxAttempts, Number(sent)]);
      return { expiresAt, attempts: 0, maxAttempts, consumedAt: null, verifiedAt: null, resends: 0, lastSentAt: lastSentAt === NULL ? null : lastSentAt };
    },

    /** Spends one attempt before a code is compared: `{ verdict: 'active', write }`, or the verdict alone. */
    challengeAttempt(challenge, opts = {}) {
      const state = challengeState(challenge);
      return verdictAndWrite(rule('attempt', [...state, nowOf(opts, 'opts')]));
    },

    /** Accepts a right code, once: `{ verdict: 'active', write }`, or `{ verdict: 'consumed' }`. */
    challengeConsume(challenge, opts = {}) {
      const state = challengeState(challenge);
      const now = nowOf(opts, 'opts', ['enrolment']);
      const enrolment = opts.enrolment === undefined ? false : check.boolean(opts.enrolment, 'enrolment');
      return verdictAndWrite(rule('consume', [...state, now, Number(enrolment)]));
    },

    /**
     * Replaces the code as one resend: `{ allowed: true, expiresAt, write }`, or
     * `{ allowed: false, reason }` with `verdict` ('closed'), `retryAt` ('cooldown') or
     * nothing more ('cap').
     */
    challengeResend(challenge, opts = {}) {
      const state = challengeState(challenge);
      const now = nowOf(opts, 'opts', ['ttlSeconds', 'cooldownSeconds', 'maxResends']);
      const resends = maxResends(opts.maxResends);
      const flat = rule('resend', [...state, now, ttl(opts.ttlSeconds), cooldown(opts.cooldownSeconds), resends]);
      if (flat[0] === 0) return { allowed: true, expiresAt: flat[1], write: decode(flat, 2) };
      if (flat[0] === 1) return { allowed: false, reason: 'closed', verdict: VERDICTS[flat[1]] };
      if (flat[0] === 2) return { allowed: false, reason: 'cooldown', retryAt: flat[1] };
      return { allowed: false, reason: 'cap' };
    },

    /** Where the challenge stands, with the write that makes an expiry permanent. */
    challengeSettle(challenge, opts = {}) {
      const state = challengeState(challenge);
      return verdictAndWrite(rule('settle', [...state, nowOf(opts, 'opts')]));
    },

    /** Gives back the consumption the caller just made (its answer could not be built). */
    challengeRelease(challenge) {
      return decode(rule('release', challengeState(challenge)));
    },

    /** A send failed: lifts the cooldown that send started. */
    challengeUnsent(challenge) {
      return decode(rule('unsent', challengeState(challenge)));
    },

    /** For all of a user's challenges when their credentials change: the condition picks those that could still lead to a session. */
    challengeEndAll() {
      return decode(rule('endAll', []));
    },

    /** The write, for every challenge row, that forgets where the code of each one ended by `now` went. */
    challengeForgetEnded(opts = {}) {
      return decode(rule('forgetEnded', [nowOf(opts, 'opts')]));
    },

    /** Ends a challenge for good (any challenge: the write needs no ruling). */
    challengeClose() {
      return decode(rule('close', []));
    },

    /** When the client may ask for another code (unix ms). */
    resendAvailableAt(challenge, opts = {}) {
      const state = challengeState(challenge);
      const now = nowOf(opts, 'opts', ['cooldownSeconds']);
      return rule('resendAvailableAt', [...state, now, cooldown(opts.cooldownSeconds)])[0];
    },

    /** Whole minutes left before `expiresAt`, at least one: what a message says ("expires in 5 minutes"). */
    codeMinutesLeft(opts) {
      const now = nowOf(opts, 'opts', ['expiresAt']);
      return rule('minutesLeft', [now, check.time(opts.expiresAt, 'expiresAt')])[0];
    },

    /** Guesses left on a challenge. */
    attemptsRemaining(challenge) {
      return rule('attemptsRemaining', challengeState(challenge))[0];
    },

    /** Challenges that expired before this time may be deleted (unix ms): a late verify still hears why until then. */
    challengePurgeBefore(opts = {}) {
      return rule('purgeBefore', [nowOf(opts, 'opts')])[0];
    },

    /** Whether a verified enrolment challenge still authorises enrolment. */
    authorisesEnrolment(challenge, opts = {}) {
      const state = challengeState(challenge);
      return rule('authorisesEnrolment', [...state, nowOf(opts, 'opts')])[0] === 1;
    },

    /** The write that spends one guess of an account's budget (see lockoutGuard). */
    lockoutTake(opts = {}) {
      const now = nowOf(opts, 'opts', ['threshold', 'durationSeconds']);
      return decode(rule('lockoutTake', [now, ...lockoutPolicy(opts)]));
    },

    /** The write that ends a run of failures. */
    failuresReset() {
      return decode(rule('failuresReset', []));
    },

    /** The write that accepts TOTP step `step` at most once (verifyTotp's matched step). */
    totpAccept(step) {
      return decode(rule('totpAccept', [check.time(step, 'step')]));
    },

    /** When the last of `times` leaves a window of `windowSeconds` (unix ms), or null for none: a stored limit may go then. */
    /**
     * The times to store once the event that took its place at `at` is given back (it did
     * not happen), or null when no event at `at` is stored any more.
     */
    rateRelease(opts) {
      check.options(opts, 'opts', ['times', 'at']);
      const times = check.times(opts.times, 'times', L.MAX_RATE_CAP);
      const [found, ...kept] = rule('rateRelease', [check.time(opts.at, 'at'), ...times]);
      return found ? kept : null;
    },

    rateKeptUntil(opts) {
      check.options(opts, 'opts', ['times', 'windowSeconds']);
      const times = check.times(opts.times, 'times', L.MAX_RATE_CAP);
      const [until] = rule('rateKeptUntil', [rateWindow(opts.windowSeconds), ...times]);
      return until === NULL ? null : until;
    },

    /**
     * The write that moves the account's set of recovery codes on from number `generation`
     * (read before the caller's proof) to the next, only while it is still that one.
     */
    recoveryClaim(opts = {}) {
      check.options(opts, 'opts', ['generation']);
      return decode(rule('recoveryClaim', [check.count(opts.generation, 'generation')]));
    },

    /** The write that spends a recovery code at `now`, once. */
    recoverySpend(opts = {}) {
      return decode(rule('recoverySpend', [nowOf(opts, 'opts')]));
    },

    /** When a device remembered at `now` for `days` stops being trusted (unix ms). */
    deviceTrustedUntil(opts = {}) {
      const now = nowOf(opts, 'opts', ['days']);
      return rule('deviceTrustedUntil', [now, check.integer(opts.days, 'days', L.MIN_TRUSTED_DEVICE_DAYS, L.MAX_TRUSTED_DEVICE_DAYS)])[0];
    },

    /** The write that records a trusted device's use, or null once its trust has ended. */
    deviceUse(opts = {}) {
      const now = nowOf(opts, 'opts', ['expiresAt']);
      const flat = rule('deviceUse', [now, check.time(opts.expiresAt, 'expiresAt')]);
      return flat.length === 0 ? null : decode(flat);
    },

    /**
     * Whether `row` (a stored row: field -> number or null, a missing field being null)
     * meets the guard of `write`, as a database decides a conditional update: by the
     * core's own `Write::admits`. `write.changes` is not read; of the row, only the fields
     * the guard tests, each once.
     */
    admits(write, row) {
      check.options(write, 'write', ['guard', 'changes']);
      check.record(row, 'row');
      if (ArrayBuffer.isView(row)) throw new TypeError('"row" must be a plain object, got a typed array');
      const tested = new Set();
      const guard = encodeGuard(write.guard, tested);
      const values = FIELDS.map((field) => {
        if (!tested.has(field)) return NULL;
        const value = row[field];
        return value === null || value === undefined ? NULL : check.time(value, field);
      });
      return rule('admits', [...values, ...guard])[0] === 1;
    },
  };
};
