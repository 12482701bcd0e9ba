'use strict';

// Login challenges: a token the client holds, a code, and the life the core rules on.
// Each change (an attempt, a consumption, a resend, an expiry) is a core ruling whose
// write the store makes under the ruling's condition; its row count says whether it
// stood, so concurrent requests and several processes cannot over-count.
const tf = require('two-factor-wasm');
const { PURPOSES } = require('../names');
const { applied } = require('../store/conditional');

const { MAX_OPEN_CHALLENGES, MIN_CODE_DIGITS, MAX_CODE_DIGITS } = tf.LIMITS;
// A sent code's shape, whatever the digit setting was when it was sent.
const SENT_CODE = new RegExp(`^\\d{${MIN_CODE_DIGITS},${MAX_CODE_DIGITS}}$`);
// The purge runs on writes, at most this often per process (housekeeping, not a rule).
const PURGE_EVERY_MS = 60 * 1000;

const destinationFor = (userId) => `two-factor destination user:${userId}`;
// What a challenge keeps sealed, for the start-up pass that seals again (store/reseal.js).
const SEALED = Object.freeze({ fields: ['destination'], binding: destinationFor, text: true });

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  let lastPurge = 0;
  const store = () => d.store.challenges;
  /** Applies a ruled write to the challenge `row`; the row as it left it when it stood, else null. */
  const write = async (row, ruled, data) => ((await store().apply(row, ruled, data)) === 1 ? applied(ruled, row, data) : null);

  /** Where the code goes, sealed and bound to the user: no number is stored in the clear. */
  const sealDestination = (userId, destination) => (destination === null ? null : d.keys.sealText(destination, destinationFor(userId)));

  /**
   * A stored challenge with its destination opened (a row from before sealing holds the
   * text itself); null when it does not open, as once the challenge has ended.
   */
  const opened = (row) =>
    row && { ...row, destination: row.destination ? (d.keys.openStored(row.destination, destinationFor(row.userId), { text: true })?.text ?? null) : null };

  /** A fresh code of `digits` digits: what to store and what to send. */
  const freshCode = (digits) => {
    const code = tf.generateCode(digits);
    const salt = tf.generateSalt();
    return { code, codeHash: d.keys.hashCode(code, salt), codeSalt: Buffer.from(salt).toString('hex') };
  };

  return {
    freshCode,

    /**
     * Stores a new challenge and returns `{ token, row, code }`; only the token's hash is
     * kept. A code that is sent counts as sent from now (`lastSentAt`), which a failed
     * delivery undoes. `rules` are the code settings in force (the settings service).
     * A user keeps at most MAX_OPEN_CHALLENGES open ones of a purpose: a known password
     * can make logins without end, but not rows.
     */
    async create({ userId, purpose = PURPOSES.login, method, destination = null, now, rules }) {
      const token = tf.generateToken();
      const { code, codeHash, codeSalt } = freshCode(rules.code.digits);
      const { ttlSeconds, maxAttempts } = rules.code;
      const row = {
        tokenHash: d.keys.tokenHash(token),
        userId,
        purpose,
        destination: sealDestination(userId, destination),
        method,
        codeHash,
        codeSalt,
        ...tf.challengeOpen({ now, ttlSeconds, maxAttempts, sent: d.factors.sends(method) }),
      };
      const id = await d.store.together(async () => {
        await this.purgeExpired(now);
        await store().keepNewestOpen(userId, purpose, MAX_OPEN_CHALLENGES - 1);
        return store().insert(row);
      });
      return { token, row: { ...row, id, destination }, code };
    },

    /** The newest challenge of `purpose` for the user (phone confirmation, step-up), or null. */
    async latest(userId, purpose) {
      return opened(await store().latest(userId, purpose));
    },

    /** When the user last completed a sign-in challenge (unix ms), or null. */
    lastVerifiedAt: (userId) => store().lastConsumedAt(userId, PURPOSES.login),

    /**
     * The challenge a client token names, or null. Looked up by its keyed hash (indexed),
     * under the current secret or a previous one.
     */
    async findByToken(token) {
      return opened(await store().byTokenHashes(d.keys.tokenHashes(token)));
    },

    /** Whether `code` is the code this challenge stored (constant-time comparison). */
    matches(row, code) {
      if (!SENT_CODE.test(code)) return false;
      return d.keys.verifyCode(code, row.codeHash, Buffer.from(row.codeSalt, 'hex')) !== null;
    },

    /** Takes one attempt if the challenge is still active at `now`: the row as the attempt left it, or null. */
    async reserveAttempt(row, now) {
      const { write: ruled } = tf.challengeAttempt(row, { now });
      return ruled ? write(row, ruled) : null;
    },

    /**
     * Marks the challenge used; only one caller can ever get the row back (null for every
     * other). An enrolment challenge is marked verified at the same time: from then on it
     * authorises enrolment only.
     */
    async consume(row, now) {
      const { write: ruled } = tf.challengeConsume(row, { now, enrolment: row.purpose === PURPOSES.enrol });
      return ruled ? write(row, ruled) : null;
    },

    /** Whether this challenge is a verified enrolment that still authorises enrolment at `now`. */
    authorisesEnrolment: (row, now) => row.purpose === PURPOSES.enrol && tf.authorisesEnrolment(row, { now }),

    /** Guesses left on this challenge. */
    attemptsRemaining: (row) => tf.attemptsRemaining(row),

    /** When the client may ask for another code of this challenge (unix ms). */
    resendAvailableAt: (row, now, rules) => tf.resendAvailableAt(row, { now, cooldownSeconds: rules.resend.cooldownSeconds }),

    /**
     * Ends every challenge of the user that could still lead to a session: the open
     * ones, and verified enrolments (which authorise enrolment until they expire).
     */
    async closeAll(userId) {
      await store().endAll(userId, tf.challengeEndAll());
    },

    /**
     * Gives a consumed challenge back when the answer to its right code could not be
     * built (a session store that failed): a right code is never burnt by a 500. Only
     * the consumption made by this caller (`row`, consumed just now) is undone.
     */
    async release(row) {
      await write(row, tf.challengeRelease(row));
    },

    /** Ends a challenge for good (an enrolment that completed). */
    async close(row) {
      await write(row, tf.challengeClose());
    },

    /**
     * The core's ruling on a resend of this challenge at `now` under `rules` (the code
     * settings in force): `{ allowed: true, write }` or why not (see tf.challengeResend).
     */
    resendRuling: (row, now, rules) => tf.challengeResend(row, { now, ttlSeconds: rules.code.ttlSeconds, ...rules.resend }),

    /**
     * Replaces the code of an active challenge, as the resend `ruling` allowed. If another
     * resend got there first (the count moved, or the cooldown restarted), nothing
     * changes and the answer is null; else the row as it left it. The cooldown starts
     * now; a failed send lifts it.
     */
    async replaceCode(row, ruling, { method, destination, codeHash, codeSalt }) {
      return write(row, ruling.write, { method, destination: sealDestination(row.userId, destination), codeHash, codeSalt });
    },

    /**
     * Rules on the challenge at `now`, and makes an expiry permanent in the database, so
     * that a process whose clock runs behind can never revive what another saw expire.
     */
    async settle(row, now) {
      const { verdict, write: ruled } = tf.challengeSettle(row, { now });
      if (ruled) await write(row, ruled);
      return verdict;
    },

    /**
     * A send failed: the cooldown it started is lifted, so a resend may follow at once.
     * The row as the lift left it (null when another request changed it first).
     */
    markUnsent: (row) => write(row, tf.challengeUnsent(row)),

    /** Deletes challenges long ended, and forgets where ended ones were sent; at most once a minute per process. */
    async purgeExpired(now) {
      if (now - lastPurge < PURGE_EVERY_MS) return;
      lastPurge = now;
      // A consumed challenge forgot its destination in the consuming write; an ended one forgets it here.
      await store().purge(tf.challengePurgeBefore({ now }), tf.challengeForgetEnded({ now }));
      await d.limits.purge(now);
    },
  };
};
module.exports.SEALED = SEALED;
