'use strict';

// The factors a user enrolled: an authenticator app (TOTP) and a verified phone number,
// plus what the login may offer them. Recovery codes and trusted devices have their
// own services.
const tf = require('two-factor-wasm');
const table = require('../db');

const { num } = table;

const mask = require('../mask');

const UID = 'plugin::two-factor.account';
// Sealed secrets are bound to their user: a value copied to another row does not open.
const sealedFor = (userId) => `two-factor totp user:${userId}`;
const phoneFor = (userId) => `two-factor phone user:${userId}`;

module.exports = ({ strapi }) => {
  const service = (name) => strapi.plugin('two-factor').service(name);
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
  const issuer = () => config('totp').issuer || config('appName');

  const open = (sealed, userId) => service('keys').open(sealed, sealedFor(userId));

  /** The sealed number and its masked form, as stored. */
  const phoneColumns = (userId, phone) => ({ phone: service('keys').sealText(phone, phoneFor(userId)), phoneMasked: mask('sms', phone) });

  /**
   * The verified number, opened. One stored before numbers were sealed (or under a
   * previous secret) reads as it is and is sealed again under the current key.
   */
  const verifiedPhone = async (row) => {
    if (!row?.phoneVerifiedAt || !row.phone) return null;
    const { text: phone, stale } = service('keys').openText(row.phone, phoneFor(row.userId));
    if (stale) await service('accounts').update(row.userId, phoneColumns(row.userId, phone));
    return phone;
  };

  return {
    /** What the user has enrolled (an absent row means nothing); `phone` is the opened number. */
    async of(userId) {
      const row = await service('accounts').find(userId);
      const phone = await verifiedPhone(row);
      return {
        totp: Boolean(row?.totpEnabledAt),
        phone,
        phoneMasked: phone === null ? null : (row.phoneMasked ?? mask('sms', phone)),
        row,
      };
    },

    enrolled: (factors) => factors.totp || factors.phone !== null,

    /**
     * The methods a login may use for this user, in the role's order: TOTP once enrolled,
     * SMS only to a verified number, e-mail always (when the role allows each).
     */
    usable(user, policy, factors) {
      return policy.methods.filter((method) => {
        if (method === 'totp') return factors.totp;
        if (method === 'sms') return factors.phone !== null;
        return typeof user.email === 'string' && user.email !== '';
      });
    },

    /** A new pending TOTP secret: `{ secret (base32), uri, qrSvg }`. The secret is returned once. */
    async startTotp(user) {
      const secret = tf.generateSecret();
      const sealed = tf.sealSecret(secret, service('keys').sealKey(), sealedFor(user.id));
      await service('accounts').update(user.id, { totpPending: sealed });
      const uri = tf.otpauthUri({ secret, issuer: issuer(), account: (user.email || user.username).replace(/:/g, '') });
      const qrSvg = await require('qrcode').toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const base32 = tf.base32Encode(secret);
      secret.fill(0);
      return { secret: base32, uri, qrSvg };
    },

    /** Activates the pending secret if `code` is current for it. Returns false otherwise. */
    async confirmTotp(userId, code, now) {
      const row = await service('accounts').find(userId);
      if (!row?.totpPending || !/^\d{6}$/.test(code)) return false;
      const step = tf.verifyTotp(code, open(row.totpPending, userId).plaintext, { time: Math.floor(now / 1000), window: config('totp').window });
      if (step === null) return false;
      // Conditional on the same pending value: two confirms cannot both activate.
      const { query, col } = table(strapi, UID);
      const updated = await query()
        .where(col.userId, userId)
        .where(col.totpPending, row.totpPending)
        .update({ [col.totpSecret]: row.totpPending, [col.totpPending]: null, [col.totpEnabledAt]: now, [col.totpLastStep]: step });
      return updated === 1;
    },

    /**
     * Whether `code` is a current TOTP for the user, accepted at most once: the matched
     * step must be later than the last one used, and storing it is a conditional update,
     * so a replay, even racing in another process, is refused.
     */
    async useTotp(userId, code, now) {
      const row = await service('accounts').find(userId);
      if (!row?.totpEnabledAt || !/^\d{6}$/.test(code)) return false;
      const lastStep = num(row.totpLastStep);
      const { query, col } = table(strapi, UID);
      const { plaintext, stale } = open(row.totpSecret, userId);
      const step = tf.verifyTotp(code, plaintext, {
        time: Math.floor(now / 1000),
        window: config('totp').window,
        afterStep: lastStep,
      });
      // Sealed under a previous secret: seal it again under the current one on the way.
      const resealed = stale ? { [col.totpSecret]: tf.sealSecret(plaintext, service('keys').sealKey(), sealedFor(userId)) } : {};
      plaintext.fill(0);
      if (step === null) return false;
      const updated = await query()
        .where(col.userId, userId)
        .where((q) => q.whereNull(col.totpLastStep).orWhere(col.totpLastStep, '<', step))
        .update({ [col.totpLastStep]: step, ...resealed });
      return updated === 1;
    },

    async setPhone(userId, phone, now) {
      await service('accounts').update(userId, { ...phoneColumns(userId, phone), phoneVerifiedAt: now });
    },

    /** Removes every factor (disable, or an admin reset); the lockout counter stays. */
    async clear(userId) {
      await service('accounts').update(userId, {
        totpSecret: null,
        totpPending: null,
        totpEnabledAt: null,
        totpLastStep: null,
        phone: null,
        phoneMasked: null,
        phoneVerifiedAt: null,
      });
    },
  };
};
