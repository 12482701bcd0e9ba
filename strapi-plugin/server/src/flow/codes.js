'use strict';

// Sending a challenge's code, for every flow: where it goes, which method the delivery
// caps still allow, the send itself, and what the client is told (never the code; the
// token only to its holder). A failed send leaves the challenge usable, with no cooldown.
const { deliveryFailed, errors } = require('../errors');
const { PURPOSES, userSubject } = require('../names');
const mask = require('../mask');

const iso = require('../iso');

/**
 * What the client is told about a challenge; `sent` when its method sends a code, and
 * `resendAt` when another may be asked for.
 */
const details = (token, row, methods, sent, resendAt) => ({
  challenge: token,
  method: row.method,
  methods,
  expiresAt: iso(row.expiresAt),
  ...(sent ? { resendAvailableAt: iso(resendAt) } : {}),
  ...(sent ? { destination: mask(row.method, row.destination) } : {}),
  ...(row.purpose === PURPOSES.enrol ? { enrolmentRequired: true } : {}),
});

/** @param {import('../domain').Domain} d */
module.exports = (d) => ({
  /**
   * Sends a code for `purpose` (phone setup, step-up) to `destination`: one per resend
   * cooldown and purpose (taken by one conditional write, so two processes cannot both
   * send), and only under the delivery caps. `newNumber`: a phone setup to a number not
   * tried just before. Answers what the client is told.
   */
  async sendFor(user, purpose, method, destination, { newNumber = false } = {}) {
    const now = d.clock.now();
    const rules = await d.settings.get();
    const { cooldownSeconds } = rules.resend;
    const cooldown = [`cooldown:${purpose}`, userSubject(d.host.realm, user.id)];
    if (cooldownSeconds > 0) {
      const slot = await d.limits.take(...cooldown, { cap: 1, windowSeconds: cooldownSeconds, now });
      if (!slot.allowed) throw new errors.RateLimitError('Wait before asking for another code.', { retryAt: iso(slot.retryAt) });
    }
    const { caps } = d;
    const verdict = newNumber ? await caps.takeNewNumber({ userId: user.id, method, now, rules }) : { allowed: true };
    const cap = verdict.allowed ? await caps.take({ userId: user.id, method, destination, now, rules }) : verdict;
    if (!cap.allowed) throw caps.error(cap.retryAt);
    const { token, row, code } = await d.challenges.create({ userId: user.id, purpose, method, destination, now, rules });
    try {
      const { challenge, ...sent } = await this.deliver({ token, row, user, methods: [method], code, rules });
      return sent;
    } catch (error) {
      // Nothing went out: no cooldown runs, so the retry the 503 offers works at once.
      if (cooldownSeconds > 0) await d.limits.release(...cooldown, now);
      throw error;
    }
  },

  /**
   * The first of `methods` the challenge can use now: an authenticator app (nothing to
   * send), or a method whose delivery caps take one more code. A cap stops sending,
   * not signing in. `{ method }`, or `{ retryAt }` when every method is capped (the 429,
   * `d.caps.error(retryAt)`, says when to try again).
   */
  async firstUsable(user, methods, factors, now, rules) {
    let retryAt = Infinity;
    for (const method of methods) {
      if (!d.factors.sends(method)) return { method };
      const cap = await d.caps.take({ userId: user.id, method, destination: d.factors.destination(user, method, factors), now, rules });
      if (cap.allowed) return { method };
      retryAt = Math.min(retryAt, cap.retryAt);
    }
    return { retryAt };
  },

  /**
   * Sends the challenge's code and answers what the client is told. On failure the
   * challenge stays as it is (usable, resend allowed at once) and the client gets a 503
   * that still carries the challenge. `rules` are the code settings it was made with.
   */
  async deliver({ token, row, user, methods, code, rules }) {
    const now = d.clock.now();
    if (!d.factors.sends(row.method)) return details(token, row, methods, false, now);
    // The row already counts the code as sent (its cooldown runs); a failure lifts that.
    try {
      await d.delivery.send({ user, method: row.method, to: row.destination, code, expiresAt: row.expiresAt, now });
    } catch (error) {
      // A provider's message could quote what it was given: never log the code, and the
      // destination only masked.
      const reason = String(error?.message ?? error)
        .split(code)
        .join('[code]')
        .split(row.destination)
        .join(mask(row.method, row.destination));
      d.log.warn(`[two-factor] ${row.method} delivery failed for challenge ${row.id}: ${reason}`);
      // Nothing went out: the cooldown is lifted (or another request changed the row first,
      // and the client is told about the row as it was), and the delivery caps give back
      // the places taken when it counted as sent.
      const unsent = (await d.challenges.markUnsent(row)) ?? row;
      await d.caps.release({ userId: user.id, method: row.method, destination: row.destination, at: row.lastSentAt });
      d.events.emit('delivery.failed', { userId: user.id, challengeId: row.id, method: row.method });
      throw deliveryFailed(row.method, details(token, row, methods, true, d.challenges.resendAvailableAt(unsent, now, rules)));
    }
    return details(token, row, methods, true, d.challenges.resendAvailableAt(row, now, rules));
  },
});
