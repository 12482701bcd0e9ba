'use strict';

// Decides whether a user who proved the password still owes a second step, and starts
// that step: a challenge row, a code on its way, and the 401 that tells the client.
const { twoFactorRequired, noMethod, deliveryFailed, errors } = require('../errors');

const iso = (ms) => new Date(ms).toISOString();

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);

  const lockedError = (until) =>
    new errors.RateLimitError('Too many failed two-factor attempts. Try again later.', { retryAt: iso(until) });

  return {
    lockedError,

    /** Throws the 429 while consecutive failures keep the user's account locked. */
    async assertUnlocked(userId, now) {
      const lock = await service('accounts').lockState(userId, now);
      if (lock.locked) throw lockedError(lock.until);
    },

    /** `{ policy, methods }` when `user` owes a second step, else null. */
    async due(user) {
      const role =
        user.role ?? (await strapi.db.query('plugin::users-permissions.role').findOne({ where: { users: { id: user.id } } }));
      if (!role) return null;
      const policy = await service('policy').forRole(role.type);
      if (policy.enforcement === 'off') return null;
      if (policy.enforcement === 'optional' && !(await service('accounts').isEnrolled(user.id))) return null;
      return { policy, methods: service('policy').methodsFor(user, policy) };
    },

    /** What the client is told about a challenge: never the code, the token only to its holder. */
    details(token, row, user, methods, now) {
      const cooldownMs = config('resend').cooldownSeconds * 1000;
      return {
        challenge: token,
        method: row.method,
        methods,
        expiresAt: iso(row.expiresAt),
        resendAvailableAt: iso(row.lastSentAt === null ? now : row.lastSentAt + cooldownMs),
        destination: service('delivery').mask(row.method, service('delivery').destination(user, row.method)),
      };
    },

    /**
     * Sends the challenge's code. On failure the challenge stays as it is (usable, resend
     * allowed at once) and the client gets a 503 that still carries the challenge.
     */
    async deliver({ token, row, user, methods, code }) {
      const now = service('clock').now();
      try {
        await service('delivery').send({ user, method: row.method, code });
      } catch (error) {
        // A custom provider's message could quote what it was given: never log the code.
        const reason = String(error?.message ?? error).split(code).join('[code]');
        strapi.log.warn(`[two-factor] ${row.method} delivery failed for challenge ${row.id}: ${reason}`);
        await service('challenges').markSent(row.id, null);
        service('events').emit('delivery.failed', { userId: user.id, challengeId: row.id, method: row.method });
        throw deliveryFailed(row.method, this.details(token, { ...row, lastSentAt: null }, user, methods, now));
      }
      await service('challenges').markSent(row.id, now);
      return this.details(token, { ...row, lastSentAt: now }, user, methods, now);
    },

    /** Refuses a locked account, else starts a challenge and throws the 401 carrying it. */
    async challenge(user, { methods }) {
      const now = service('clock').now();
      await this.assertUnlocked(user.id, now);
      if (methods.length === 0) throw noMethod();
      const { token, row, code } = await service('challenges').create({ userId: user.id, method: methods[0], now });
      service('events').emit('challenge.created', { userId: user.id, challengeId: row.id, method: row.method });
      throw twoFactorRequired(await this.deliver({ token, row, user, methods, code }));
    },
  };
};
