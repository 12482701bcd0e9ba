'use strict';

// Sign-in, after the host has checked the first factor (a password, an OAuth provider):
//
//   due?  -> no: the host answers its stock login.
//   trusted device?  -> yes: the stock login, with the device's rotated token.
//   locked?  -> 429.   Otherwise a challenge: a code on its way, and the 401 carrying it.
//
// Then `verify` (an attempt, a place in the guess budget, the comparison, single use,
// the session) and `resend` (a new code under the cooldown, the cap and the delivery
// caps). Every decision is a core ruling; this file only puts them in order. It takes
// plain values and returns an outcome (flow/outcome.js), which the host answers.
const { noMethod, challengeClosed, errors } = require('../errors');
const { PURPOSES } = require('../names');
const outcome = require('./outcome');

const iso = require('../iso');

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  /** The challenge a client token names, or the 401 for an unknown one. */
  const open = async (token) => {
    const row = await d.challenges.findByToken(token);
    if (!row || (row.purpose !== PURPOSES.login && row.purpose !== PURPOSES.enrol)) throw challengeClosed('unknown');
    return row;
  };

  /**
   * Which other factor proves `code` for a sign-in: one the user enrolled and the role
   * allows (an authenticator app, a recovery code). Never a step-up code: a code proves
   * only the challenge it was made for. `policy()` is only asked here, off the common path.
   */
  const otherFactor = (row, policy, now) =>
    row.purpose === PURPOSES.login ? async (code) => d.factors.prove(row.userId, code, now, { methods: (await policy()).methods }) : undefined;

  /** The device a right code's user asked to be remembered: its token, or null when the role trusts none. */
  const remembered = async (row, rememberDevice, policyOf, userAgent, now) => {
    const days = rememberDevice ? (await policyOf()).trustedDeviceDays : 0;
    return days ? d.devices.remember(row.userId, days, now, userAgent) : null;
  };

  return {
    /** The role's policy for this user. */
    async policyOf(user) {
      const role = await d.host.roleOf(user);
      return role ? d.policy.forRole(role.type) : d.config('defaultPolicy');
    },

    /**
     * `{ policy, factors, methods, rules }` when `user` owes a second step, else null.
     * The role's policy and the code settings come from one read of the plugin store.
     */
    async due(user) {
      const role = await d.host.roleOf(user);
      if (!role) return null;
      const saved = await d.settings.snapshot();
      const policy = await d.policy.forRole(role.type, saved.roles);
      if (policy.enforcement === 'off') return null;
      const factors = await d.factors.of(user.id);
      if (policy.enforcement === 'optional' && !d.factors.enrolled(factors)) return null;
      return { policy, factors, methods: d.factors.usable(user, policy, factors), rules: await d.settings.get(saved.codes) };
    },

    /**
     * A device this user chose to trust skips the second step while the role allows it.
     * `deviceToken` is what the request carried. Returns the device's rotated token, or null.
     */
    async trusted(user, { policy }, deviceToken) {
      if (!policy.trustedDeviceDays) return null;
      const device = await d.devices.recognise(user.id, deviceToken, d.clock.now());
      if (device) d.events.emit('device.recognised', { userId: user.id });
      return device;
    },

    /**
     * Refuses a locked account, else starts a challenge: the outcome carrying it (the 401).
     * A user with nothing the role accepts gets an e-mailed code that only opens
     * enrolment, never a session: no factor is bound on trust of the password alone.
     */
    async challenge(user, { methods, factors, rules }) {
      const now = d.clock.now();
      // `factors.row` is the account row `due()` just read: no second query.
      await d.accounts.assertUnlocked(user.id, now, factors.row, rules);
      const enrol = methods.length === 0;
      if (enrol && !user.email) throw noMethod();
      const offered = enrol ? d.factors.withoutEnrolment() : methods;
      // The delivery caps' places and the new challenge, with one commit where that is cheaper.
      const made = await d.store.together(async () => {
        const { method, retryAt } = await d.codes.firstUsable(user, offered, factors, now, rules);
        if (!method) return { retryAt };
        const purpose = enrol ? PURPOSES.enrol : PURPOSES.login;
        return d.challenges.create({ userId: user.id, purpose, method, destination: d.factors.destination(user, method, factors), now, rules });
      });
      if (!made.row) throw d.caps.error(made.retryAt);
      const { token, row, code } = made;
      d.events.emit('challenge.created', { userId: user.id, challengeId: row.id, method: row.method });
      return outcome.challenge(await d.codes.deliver({ token, row, user, methods: offered, code, rules }));
    },

    /**
     * After the first factor: the host's stock login when no second step is due (or a
     * trusted device skips it), else the 401 with a challenge. `found` may carry the role,
     * loaded for the policy only: the stock response never includes it. `request` is what
     * the host read of the request (`host.request`).
     */
    async afterFirstFactor(found, { deviceToken } = {}) {
      const { role, ...user } = found;
      const due = await this.due(found);
      if (!due) return outcome.respond(user);
      const device = await this.trusted(user, due, deviceToken);
      if (device) return outcome.respond(user, {}, device);
      return this.challenge(user, due);
    },

    /**
     * POST /auth/2fa/verify: a code for a challenge; the stock login answer when it is
     * right. `request` is what the host read of the request (`host.request`).
     */
    async verify({ challenge, code, rememberDevice }, { userAgent } = {}) {
      const now = d.clock.now();
      const { challenges } = d;
      const row = await open(challenge);
      const user = await d.host.findUser(row.userId);
      if (!user) throw challengeClosed('unknown');
      // The stock answer, to the holder of a challenge (who proved the password).
      if (user.blocked === true) throw d.host.blockedError();

      // A challenge whose factor no longer opens (an app's secret sealed under a dropped
      // key) proves nothing: it ends before a guess is taken, and the next sign-in offers
      // what is still usable.
      if (!(await d.factors.available(row.userId, row.method))) throw challengeClosed('unavailable');
      let policy;
      const policyOf = async () => (policy ??= await this.policyOf(user));
      const verdict = await d.verify.code({ userId: row.userId, challenge: row, code, now, others: otherFactor(row, policyOf, now) });
      if (verdict.closed) {
        const current = await challenges.findByToken(challenge);
        throw challengeClosed(current ? await challenges.settle(current, now) : 'unknown');
      }
      if (verdict.locked) throw d.accounts.lockedError(verdict.until);
      if (verdict.wrong) {
        // A burst of newer logins may have displaced the challenge meanwhile: answer from
        // the row as this request's attempt left it.
        const after = (await challenges.findByToken(challenge)) ?? verdict.attempted;
        d.events.emit('failed', { userId: row.userId, challengeId: row.id, attempts: after.attempts });
        await d.accounts.missed(row.userId, now, verdict.rules);
        throw new errors.ValidationError('Invalid code', { attemptsRemaining: challenges.attemptsRemaining(after) });
      }
      if (verdict.lost) throw challengeClosed('consumed');
      d.events.emit('verified', { userId: row.userId, challengeId: row.id, method: verdict.proved });

      if (row.purpose === PURPOSES.enrol) {
        // The e-mailed code proved the mailbox; the challenge now opens enrolment only.
        const proved = d.factors.withoutEnrolment();
        const methods = (await policyOf()).methods.filter((m) => !proved.includes(m));
        return outcome.body({ enrolment: { challenge, expiresAt: iso(row.expiresAt), methods } });
      }
      // A session that cannot be made (a device not stored, a session store that failed)
      // gives the challenge back: a right code is never burnt by a 500.
      const release = () => challenges.release(row);
      const device = await remembered(row, rememberDevice, policyOf, userAgent, now).catch(async (error) => {
        await release();
        throw error;
      });
      return outcome.respond(user, {}, device, release);
    },

    /** POST /auth/2fa/resend: a new code that replaces the old one, maybe by another method. */
    async resend({ challenge, method }) {
      const now = d.clock.now();
      const { challenges } = d;
      const row = await open(challenge);
      const state = await challenges.settle(row, now);
      if (state !== 'active') throw challengeClosed(state);
      // A locked account gets no more codes: that would only feed SMS costs.
      await d.accounts.assertUnlocked(row.userId, now);

      const user = await d.host.findUser(row.userId, { withRole: true });
      const due = user && (await this.due(user));
      if (!due) throw challengeClosed('unknown');
      const methods = row.purpose === PURPOSES.enrol ? d.factors.withoutEnrolment() : due.methods;
      const target = method ?? row.method;
      if (!methods.includes(target)) {
        throw new errors.ValidationError(`method must be one of: ${methods.join(', ')}`, { methods });
      }

      const { rules } = due;
      const ruling = challenges.resendRuling(row, now, rules);
      if (!ruling.allowed) {
        if (ruling.reason === 'closed') throw challengeClosed(ruling.verdict);
        throw ruling.reason === 'cooldown'
          ? new errors.RateLimitError('Wait before asking for another code.', { retryAt: iso(ruling.retryAt) })
          : new errors.RateLimitError('No more codes can be sent for this sign-in. Sign in again.', { reason: 'cap' });
      }

      const destination = d.factors.destination(user, target, due.factors);
      if (d.factors.sends(target)) {
        const cap = await d.caps.take({ userId: user.id, method: target, destination, now, rules });
        if (!cap.allowed) throw d.caps.error(cap.retryAt);
      }

      // The old code dies here; attempts are untouched, so a resend never buys guesses.
      const { code, codeHash, codeSalt } = challenges.freshCode(rules.code.digits);
      if (!(await challenges.replaceCode(row, ruling, { method: target, destination, codeHash, codeSalt }))) {
        throw new errors.RateLimitError('Another code was just requested. Wait before asking again.');
      }
      const updated = await challenges.findByToken(challenge);
      if (!updated) throw challengeClosed('unknown');
      d.events.emit('resent', { userId: row.userId, challengeId: row.id, method: target, resends: updated.resends });
      return outcome.data(await d.codes.deliver({ token: challenge, row: updated, user, methods, code, rules }));
    },
  };
};
