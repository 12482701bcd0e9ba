'use strict';

// A live second-factor code from a signed-in user, required before sensitive changes
// (new recovery codes, turning 2FA off). Accepted: a current TOTP (replay-guarded), an
// unused recovery code, or the code of a step-up challenge sent by SMS or e-mail.
// Wrong codes count toward the account lockout, like wrong login codes.
const { errors } = require('../errors');

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);

  return {
    /**
     * Which factor `code` proved ('totp', 'recovery' or 'step-up'), or null.
     * `allowTotp`: the role allows authenticator apps.
     */
    async match(userId, code, now, { allowTotp = true } = {}) {
      if (allowTotp && (await service('factors').useTotp(userId, code, now))) return 'totp';
      if (await service('recovery').use(userId, code, now)) return 'recovery';
      if ((await service('challenges').spendLatest(userId, 'step-up', code, now)).status === 'ok') return 'step-up';
      return null;
    },

    /** Throws unless `code` is a live factor; a wrong one is a counted failure. */
    async require(user, code) {
      const now = service('clock').now();
      await service('gate').assertUnlocked(user.id, now);
      if (typeof code === 'string' && (await this.match(user.id, code, now))) {
        await service('accounts').resetFailures(user.id);
        return;
      }
      await this.fail(user.id, now);
      throw new errors.ValidationError('A current two-factor code is required for this change', { field: 'code' });
    },

    /** Counts a wrong code against the account; throws the 429 when that locks it. */
    async fail(userId, now) {
      const locked = await service('accounts').recordFailure(userId, now);
      if (locked.locked) {
        service('events').emit('locked', { userId, until: locked.until });
        strapi.log.warn(`[two-factor] account of user ${userId} locked after repeated failed codes`);
        throw service('gate').lockedError(locked.until);
      }
    },
  };
};
