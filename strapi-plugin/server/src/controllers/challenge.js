'use strict';

// POST /api/auth/2fa/verify and /api/auth/2fa/resend. The body shape was already checked
// by the `body` middleware (before rate limiting, so unknown fields cannot split a key).
const tf = require('two-factor-wasm');
const { challengeClosed, errors } = require('../errors');

const USER_UID = 'plugin::users-permissions.user';

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);

  /** The challenge a token names, or the error for an unknown one. */
  const open = async (token) => {
    const row = await service('challenges').findByToken(token);
    if (!row) throw challengeClosed('unknown');
    return row;
  };

  const isCode = (code) => new RegExp(`^\\d{${config('code').digits}}$`).test(code);

  return {
    async verify(ctx) {
      const { challenge, code } = ctx.request.body;
      const now = service('clock').now();
      const challenges = service('challenges');
      const row = await open(challenge);

      await service('gate').assertUnlocked(row.userId, now);

      // Take an attempt first: a burst of guesses can never pass the maximum.
      if (!(await challenges.reserveAttempt(row.id, now))) {
        const current = await challenges.findByToken(challenge);
        throw challengeClosed(current ? await challenges.settle(current, now) : 'unknown');
      }

      const salt = Buffer.from(row.codeSalt, 'hex');
      if (!isCode(code) || !tf.verifyCode(code, row.codeHash, service('keys').codeKey(), salt)) {
        const after = await challenges.findByToken(challenge);
        service('events').emit('failed', { userId: row.userId, challengeId: row.id, attempts: after.attempts });
        const locked = await service('accounts').recordFailure(row.userId, now);
        if (locked.locked) {
          service('events').emit('locked', { userId: row.userId, until: locked.until });
          strapi.log.warn(`[two-factor] account of user ${row.userId} locked after repeated failed codes`);
          throw service('gate').lockedError(locked.until);
        }
        throw new errors.ValidationError('Invalid code', { attemptsRemaining: Math.max(after.maxAttempts - after.attempts, 0) });
      }

      // Single use: of any number of concurrent correct codes, exactly one consumes.
      if (!(await challenges.consume(row.id, now))) throw challengeClosed('consumed');
      await service('accounts').resetFailures(row.userId);

      const user = await strapi.db.query(USER_UID).findOne({ where: { id: row.userId } });
      if (!user) throw challengeClosed('unknown');
      if (user.blocked === true) throw new errors.ApplicationError('Your account has been blocked by an administrator');
      service('events').emit('verified', { userId: row.userId, challengeId: row.id, method: row.method });
      return service('login').respond(ctx, user);
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
      const target = method ?? row.method;
      if (!due.methods.includes(target)) {
        throw new errors.ValidationError(`method must be one of: ${due.methods.join(', ')}`, { methods: due.methods });
      }

      const resend = config('resend');
      const verdict = tf.resendVerdict({ now, lastSentAt: row.lastSentAt ?? 0, resends: row.resends, ...resend });
      if (!verdict.allowed) {
        throw verdict.reason === 'cooldown'
          ? new errors.RateLimitError('Wait before asking for another code.', { retryAt: new Date(verdict.retryAt).toISOString() })
          : new errors.RateLimitError('No more codes can be sent for this sign-in. Sign in again.', { reason: 'cap' });
      }

      // The old code dies here; attempts are untouched, so a resend never buys guesses.
      const { code, codeHash, codeSalt } = challenges.freshCode();
      if (!(await challenges.replaceCode(row, { method: target, codeHash, codeSalt, now }))) {
        throw new errors.RateLimitError('Another code was just requested. Wait before asking again.');
      }
      const updated = await challenges.findByToken(challenge);
      service('events').emit('resent', { userId: row.userId, challengeId: row.id, method: target, resends: updated.resends });
      const details = await service('gate').deliver({ token: challenge, row: updated, user, methods: due.methods, code });
      return ctx.send({ data: details });
    },
  };
};
