'use strict';

// Decides whether a user who proved the password still owes a second step, and starts
// that step: a challenge row, a code on its way, and the 401 that tells the client.
const { twoFactorRequired, noMethod, deliveryFailed, errors } = require('../errors');
const mask = require('../mask');

const iso = (ms) => new Date(ms).toISOString();

/** What the client is told about a challenge: never the code, the token only to its holder. */
const details = (token, row, methods, { now, cooldownMs = 0 }) => {
  const sent = row.method !== 'totp';
  return {
    challenge: token,
    method: row.method,
    methods,
    expiresAt: iso(row.expiresAt),
    ...(sent ? { resendAvailableAt: iso(row.lastSentAt === null ? now : row.lastSentAt + cooldownMs) } : {}),
    ...(sent ? { destination: mask(row.method, row.destination) } : {}),
    ...(row.purpose === 'enrol' ? { enrolmentRequired: true } : {}),
  };
};

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);

  const lockedError = (until) =>
    new errors.RateLimitError('Too many failed two-factor attempts. Try again later.', { retryAt: iso(until) });

  const roleOf = async (user) =>
    user.role ?? (await strapi.db.query('plugin::users-permissions.role').findOne({ where: { users: { id: user.id } } }));

  return {
    lockedError,

    /**
     * Throws the 429 while consecutive failures keep the user's account locked. Pass the
     * account row when the caller has just read it, to save a query.
     */
    async assertUnlocked(userId, now, row) {
      const lock = await service('accounts').lockState(userId, now, row);
      if (lock.locked) throw lockedError(lock.until);
    },

    /** The role's policy for this user. */
    async policyOf(user) {
      const role = await roleOf(user);
      return role ? service('policy').forRole(role.type) : config('defaultPolicy');
    },

    /** `{ policy, factors, methods }` when `user` owes a second step, else null. */
    async due(user) {
      const role = await roleOf(user);
      if (!role) return null;
      const policy = await service('policy').forRole(role.type);
      if (policy.enforcement === 'off') return null;
      const factors = await service('factors').of(user.id);
      if (policy.enforcement === 'optional' && !service('factors').enrolled(factors)) return null;
      return { policy, factors, methods: service('factors').usable(user, policy, factors) };
    },

    /**
     * A device this user chose to trust skips the second step while the role allows it.
     * Returns what to add to the login body (the rotated token), or null.
     */
    async trusted(ctx, user, { policy }) {
      if (!policy.trustedDeviceDays) return null;
      const extra = await service('devices').recognise(ctx, user.id, service('clock').now());
      if (extra) service('events').emit('device.recognised', { userId: user.id });
      return extra;
    },

    /**
     * Sends the challenge's code. On failure the challenge stays as it is (usable, resend
     * allowed at once) and the client gets a 503 that still carries the challenge. `rules`
     * are the code settings the challenge was made with.
     */
    async deliver({ token, row, user, methods, code, rules }) {
      const now = service('clock').now();
      if (row.method === 'totp') return details(token, row, methods, { now });
      const cooldownMs = rules.resend.cooldownSeconds * 1000;
      // The row already counts the code as sent (its cooldown runs); a failure lifts that.
      try {
        await service('delivery').send({ user, method: row.method, to: row.destination, code, expiresAt: row.expiresAt, now });
      } catch (error) {
        // A provider's message could quote what it was given: never log the code, and the
        // destination only masked.
        const reason = String(error?.message ?? error)
          .split(code)
          .join('[code]')
          .split(row.destination)
          .join(mask(row.method, row.destination));
        strapi.log.warn(`[two-factor] ${row.method} delivery failed for challenge ${row.id}: ${reason}`);
        await service('challenges').markUnsent(row.id);
        service('events').emit('delivery.failed', { userId: user.id, challengeId: row.id, method: row.method });
        throw deliveryFailed(row.method, details(token, { ...row, lastSentAt: null }, methods, { now }));
      }
      return details(token, row, methods, { now, cooldownMs });
    },

    /** Where a code for `method` goes: the verified phone, or the account e-mail. */
    destination(user, method, factors) {
      return method === 'sms' ? factors.phone : method === 'email' ? user.email : null;
    },

    /**
     * The first of `methods` the challenge can use now: an authenticator app (nothing to
     * send), or a method whose delivery caps take one more code. A cap stops sending,
     * not signing in; when every method is capped, the 429 says when to try again.
     */
    async firstUsable(user, methods, factors, now, rules) {
      let retryAt = Infinity;
      for (const method of methods) {
        if (method === 'totp') return method;
        const cap = await service('caps').take({ userId: user.id, method, destination: this.destination(user, method, factors), now, rules });
        if (cap.allowed) return method;
        retryAt = Math.min(retryAt, cap.retryAt);
      }
      throw service('caps').error(retryAt);
    },

    /**
     * Refuses a locked account, else starts a challenge and throws the 401 carrying it.
     * A user with nothing the role accepts gets an e-mailed code that only opens
     * enrolment, never a session: no factor is bound on trust of the password alone.
     */
    async challenge(user, { methods, factors }) {
      const now = service('clock').now();
      // `factors.row` is the account row `due()` just read: no second query.
      await this.assertUnlocked(user.id, now, factors.row);
      const enrol = methods.length === 0;
      if (enrol && !user.email) throw noMethod();
      const rules = await service('settings').get();
      const method = await this.firstUsable(user, enrol ? ['email'] : methods, factors, now, rules);
      const { token, row, code } = await service('challenges').create({
        userId: user.id,
        purpose: enrol ? 'enrol' : 'login',
        method,
        destination: this.destination(user, method, factors),
        now,
        rules,
      });
      service('events').emit('challenge.created', { userId: user.id, challengeId: row.id, method: row.method });
      throw twoFactorRequired(await this.deliver({ token, row, user, methods: enrol ? ['email'] : methods, code, rules }));
    },
  };
};
