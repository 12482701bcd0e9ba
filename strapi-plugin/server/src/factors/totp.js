'use strict';

// The authenticator-app factor (TOTP, RFC 6238). Its secret is sealed and bound to the
// user; a setup stays pending until a code from the app confirms it. A code is accepted
// at most once: the core's write stores its time step only while no later or equal step
// was accepted, so a replay, even racing in another process, is refused.
const tf = require('two-factor-wasm');
const { METHODS } = require('../names');

const { DEFAULT_OTP_DIGITS } = tf.LIMITS;
const CODE = new RegExp(`^\\d{${DEFAULT_OTP_DIGITS}}$`);
// Sealed secrets are bound to their user: a value copied to another row does not open.
const sealedFor = (userId) => `two-factor totp user:${userId}`;
// RFC 6238 counts in seconds; the plugin's clock in milliseconds.
const unixSeconds = (ms) => Math.floor(ms / 1000);

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  const issuer = () => d.config('totp').issuer || d.config('appName');
  const window = () => d.config('totp').window;
  const open = (sealed, userId) => d.keys.open(sealed, sealedFor(userId));

  return {
    method: METHODS.totp,
    /** What the account row says of this factor. */
    read: (row) => Boolean(row?.totpEnabledAt),
    enrolled: (state) => state.totp,
    usable: (_user, state) => state.totp,
    /** The fields that forget this factor. */
    cleared: { totpSecret: null, totpPending: null, totpEnabledAt: null, totpLastStep: null },

    /** A new pending secret: `{ secret (base32), uri, qrSvg }`. The secret is returned once. */
    async start(user) {
      const secret = tf.generateSecret();
      await d.accounts.update(user.id, { totpPending: d.keys.seal(secret, sealedFor(user.id)) });
      const uri = tf.otpauthUri({ secret, issuer: issuer(), account: (user.email || user.username).replace(/:/g, '') });
      const qrSvg = await require('qrcode').toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const base32 = tf.base32Encode(secret);
      secret.fill(0);
      return { secret: base32, uri, qrSvg };
    },

    /** Activates the pending secret if `code` is current for it; false otherwise. */
    async confirm(userId, code, now) {
      const row = await d.accounts.find(userId);
      if (!row?.totpPending || !CODE.test(code)) return false;
      const step = tf.verifyTotp(code, open(row.totpPending, userId).plaintext, { time: unixSeconds(now), window: window() });
      if (step === null) return false;
      // Conditional on the same pending value: two confirms cannot both activate.
      const activated = { totpSecret: row.totpPending, totpPending: null, totpEnabledAt: now };
      return (await d.store.accounts.apply(userId, tf.totpAccept(step), activated, { totpPending: row.totpPending })) === 1;
    },

    /** Whether `code` is a current TOTP of the user, accepted at most once. */
    async prove(userId, code, now) {
      const row = await d.accounts.find(userId);
      if (!row?.totpEnabledAt || !CODE.test(code)) return false;
      const { plaintext, stale } = open(row.totpSecret, userId);
      const step = tf.verifyTotp(code, plaintext, { time: unixSeconds(now), window: window(), afterStep: row.totpLastStep });
      // Sealed under a previous secret: seal it again under the current one on the way.
      const resealed = stale ? { totpSecret: d.keys.seal(plaintext, sealedFor(userId)) } : {};
      plaintext.fill(0);
      if (step === null) return false;
      return (await d.store.accounts.apply(userId, tf.totpAccept(step), resealed)) === 1;
    },
  };
};
