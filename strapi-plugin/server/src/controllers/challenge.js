'use strict';

// POST /api/auth/2fa/verify and /api/auth/2fa/resend. The body shape was already checked
// by the `body` middleware (before rate limiting, so unknown fields cannot split a key).
const tf = require('two-factor-wasm');
const { challengeClosed, errors } = require('../errors');

const { MIN_CODE_DIGITS, MAX_CODE_DIGITS } = tf.LIMITS;
// A sent code's shape, whatever the digit setting was when it was sent.
const SENT_CODE = new RegExp(`^\\d{${MIN_CODE_DIGITS},${MAX_CODE_DIGITS}}$`);

const USER_UID = 'plugin::users-permissions.user';

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);

  /** The challenge a token names, or the error for an unknown one. */
  const open = async (token) => {
    const row = await service('challenges').findByToken(token);
    if (!row || (row.purpose !== 'login' && row.purpose !== 'enrol')) throw challengeClosed('unknown');
    return row;
  };

  /** Whether `code` is the code this challenge sent. */
  const isSentCode = (row, code) =>
    row.method !== 'totp' && SENT_CODE.test(code) && service('challenges').matches(row, code);

  /**
   * Which factor `code` proves for this challenge: the code it sent, or, for a sign-in,
   * another factor the user enrolled and the role allows (TOTP, a recovery code). Never
   * a step-up code: a code proves only the challenge it was made for.
   * `policy()` is only asked when needed: the common case is the code that was sent.
   */
  const proves = async (row, code, policy, now) => {
    if (isSentCode(row, code)) return row.method;
    if (row.purpose !== 'login') return null;
    const allowTotp = (await policy()).methods.includes('totp');
    return service('proof').match(row.userId, code, now, { allowTotp, allowStepUp: false });
  };

  /** The answer to a right code; a failure to build it gives the challenge back. */
  const answer = async (row, build) => {
    try {
      return await build();
    } catch (error) {
      await service('challenges').release(row);
      throw error;
    }
  };

  return {
    async verify(ctx) {
      const { challenge, code, rememberDevice } = ctx.request.body;
      const now = service('clock').now();
      const challenges = service('challenges');
      const row = await open(challenge);
      const user = await strapi.db.query(USER_UID).findOne({ where: { id: row.userId } });
      if (!user) throw challengeClosed('unknown');
      // The stock answer, to the holder of a challenge (who proved the password).
      if (user.blocked === true) throw new errors.ApplicationError('Your account has been blocked by an administrator');

      // Take an attempt first: a burst of guesses can never pass the maximum.
      if (!(await challenges.reserveAttempt(row.id, now))) {
        const current = await challenges.findByToken(challenge);
        throw challengeClosed(current ? await challenges.settle(current, now) : 'unknown');
      }
      // Then a place in the account's budget: past the lockout, no code is compared.
      await service('proof').guess(row.userId, now);

      let policy;
      const policyOf = async () => (policy ??= await service('gate').policyOf(user));
      const factor = await proves(row, code, policyOf, now);
      if (!factor) {
        // A burst of newer logins may have displaced the challenge meanwhile: answer from the row.
        const after = (await challenges.findByToken(challenge)) ?? { ...row, attempts: row.attempts + 1 };
        service('events').emit('failed', { userId: row.userId, challengeId: row.id, attempts: after.attempts });
        await service('proof').missed(row.userId, now);
        throw new errors.ValidationError('Invalid code', { attemptsRemaining: Math.max(after.maxAttempts - after.attempts, 0) });
      }

      // A right code gives its guess back, even one that loses the race below.
      await service('proof').passed(row.userId);
      // Single use: of any number of concurrent correct codes, exactly one consumes.
      if (!(await challenges.consume(row, now))) throw challengeClosed('consumed');
      service('events').emit('verified', { userId: row.userId, challengeId: row.id, method: factor });

      if (row.purpose === 'enrol') {
        // The e-mailed code proved the mailbox; the challenge now opens enrolment only.
        const methods = (await policyOf()).methods.filter((m) => m !== 'email');
        return ctx.send({ enrolment: { challenge, expiresAt: new Date(row.expiresAt).toISOString(), methods } });
      }
      return answer(row, async () => {
        const days = rememberDevice ? (await policyOf()).trustedDeviceDays : 0;
        const device = days ? await service('devices').remember(ctx, row.userId, days, now) : {};
        return service('login').respond(ctx, user, device);
      });
    },

    async resend(ctx) {
      const { challenge, method } = ctx.request.body;
      const now = service('clock').now();
      const challenges = service('challenges');
      const row = await open(challenge);
      const state = await challenges.settle(row, now);
      if (state !== 'active') throw challengeClosed(state);
      // A locked account gets no more codes: that would only feed SMS costs.
      await service('gate').assertUnlocked(row.userId, now);

      const user = await strapi.db.query(USER_UID).findOne({ where: { id: row.userId }, populate: ['role'] });
      const due = user && (await service('gate').due(user));
      if (!due) throw challengeClosed('unknown');
      const methods = row.purpose === 'enrol' ? ['email'] : due.methods;
      const target = method ?? row.method;
      if (!methods.includes(target)) {
        throw new errors.ValidationError(`method must be one of: ${methods.join(', ')}`, { methods });
      }

      const rules = await service('settings').get();
      const verdict = tf.resendVerdict({ now, lastSentAt: row.lastSentAt ?? 0, resends: row.resends, ...rules.resend });
      if (!verdict.allowed) {
        throw verdict.reason === 'cooldown'
          ? new errors.RateLimitError('Wait before asking for another code.', { retryAt: new Date(verdict.retryAt).toISOString() })
          : new errors.RateLimitError('No more codes can be sent for this sign-in. Sign in again.', { reason: 'cap' });
      }

      const destination = service('gate').destination(user, target, due.factors);
      if (target !== 'totp') {
        const cap = await service('caps').take({ userId: user.id, method: target, destination, now, rules });
        if (!cap.allowed) throw service('caps').error(cap.retryAt);
      }

      // The old code dies here; attempts are untouched, so a resend never buys guesses.
      const { code, codeHash, codeSalt } = challenges.freshCode(rules.code.digits);
      if (!(await challenges.replaceCode(row, { method: target, destination, codeHash, codeSalt, now, rules }))) {
        throw new errors.RateLimitError('Another code was just requested. Wait before asking again.');
      }
      const updated = await challenges.findByToken(challenge);
      if (!updated) throw challengeClosed('unknown');
      service('events').emit('resent', { userId: row.userId, challengeId: row.id, method: target, resends: updated.resends });
      const details = await service('gate').deliver({ token: challenge, row: updated, user, methods, code, rules });
      return ctx.send({ data: details });
    },
  };
};
