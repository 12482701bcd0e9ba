'use strict';

// The authenticator-app factor (TOTP, RFC 6238). Its secret is sealed and bound to the
// user; a setup stays pending until a code from the app confirms it. A code is accepted
// at most once: the core's write stores its time step only while no later or equal step
// was accepted, so a replay, even racing in another process, is refused.
const tf = require('two-factor-wasm');
const { METHODS, SLOTS } = require('../names');
const { errors } = require('../errors');
const validate = require('../validate');

const { DEFAULT_OTP_DIGITS } = tf.LIMITS;
const CODE = new RegExp(`^\\d{${DEFAULT_OTP_DIGITS}}$`);
// Sealed secrets are bound to their user: a value copied to another row does not open.
const sealedFor = (userId) => `two-factor totp user:${userId}`;
// What this factor keeps sealed in its row, for the start-up pass that seals again (store/reseal.js).
const SEALED = Object.freeze({ slot: SLOTS.totp, fields: ['secret', 'pending'], binding: sealedFor, text: false });
// Its enrolment routes, /auth/2fa/totp/setup and /confirm; setup takes a live code of a
// factor the user already has, when they have one.
const ENROLMENT = Object.freeze({ method: METHODS.totp, path: 'totp', setupBody: { code: validate.proofCode } });

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const issuer = () => d.config('totp').issuer || d.config('appName');
  const window = () => d.config('totp').window;
  // A value that does not open (a dropped secret, a corrupt row) is null: the factor is unavailable.
  const open = (sealed, userId) => d.keys.openStored(sealed, sealedFor(userId));
  const store = () => d.store.factors;

  return {
    method: METHODS.totp,
    slot: SLOTS.totp,
    sends: false,
    /** `{ totp }`: whether an app is enrolled (null row: none); `unavailable` when its secret does not open. */
    read(userId, row) {
      if (!row?.enabledAt) return { totp: false };
      const opened = open(row.secret, userId);
      if (!opened) return { totp: true, unavailable: true };
      opened.plaintext.fill(0);
      return { totp: true };
    },
    enrolled: (state) => state.totp,
    usable: (_user, state) => state.totp && !state.unavailable.includes(METHODS.totp),
    shown: (_user, state) => state.totp,

    /** Whether the user's app can prove anything now: enrolled, and its secret opens. */
    async available(userId) {
      const { totp, unavailable } = this.read(userId, await store().get(userId, SLOTS.totp));
      return totp && !unavailable;
    },

    /** A new pending secret: `{ secret (base32), uri, qrSvg }`. The secret is returned once. */
    async start(user) {
      const secret = tf.generateSecret();
      // A user with a factor has an account row, as before factors had their own table.
      await d.accounts.ensure(user.id);
      await store().put(user.id, SLOTS.totp, { pending: d.keys.seal(secret, sealedFor(user.id)) });
      const uri = tf.otpauthUri({ secret, issuer: issuer(), account: d.host.accountName(user).replace(/:/g, '') });
      const qrSvg = await require('qrcode').toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const base32 = tf.base32Encode(secret);
      secret.fill(0);
      return { secret: base32, uri, qrSvg };
    },

    noun: 'authenticator apps',

    /**
     * Enrolment's first step: a new pending secret, `{ secret, uri, qrSvg }`. One app per
     * user: replacing it means turning two-factor off first. `proveIfEnrolled` asks for a
     * live code of a factor the user already has.
     */
    async setup(user, _body, { state, proveIfEnrolled }) {
      if (state.totp) throw new errors.ValidationError('An authenticator app is already set up. Turn two-factor off first to replace it.');
      await proveIfEnrolled();
      return this.start(user);
    },

    /** Enrolment's second step: a code from the app activates the pending secret; a wrong one is a counted failure. */
    async complete(user, { code }, now) {
      const others = async (guess) => ((await this.confirm(user.id, guess, now)) ? METHODS.totp : null);
      const verdict = await d.verify.code({ userId: user.id, challenge: null, optional: true, code, now, others });
      if (verdict.proved) return;
      await d.verify.refuse(user.id, now, verdict);
      throw new errors.ValidationError('Invalid code, or no authenticator setup is pending');
    },

    /** Activates the pending secret if `code` is current for it; false otherwise. */
    async confirm(userId, code, now) {
      const row = await store().get(userId, SLOTS.totp);
      const pending = row?.pending && open(row.pending, userId);
      if (!pending || !CODE.test(code)) return false;
      const step = tf.verifyTotp(code, pending.plaintext, { now, window: window() });
      pending.plaintext.fill(0);
      if (step === null) return false;
      // Conditional on the same pending value: two confirms cannot both activate.
      const activated = { secret: row.pending, pending: null, enabledAt: now };
      return (await store().apply(userId, SLOTS.totp, tf.totpAccept(step), activated, { pending: row.pending })) === 1;
    },

    /** Whether `code` is a current TOTP of the user, accepted at most once. */
    async prove(userId, code, now) {
      const row = await store().get(userId, SLOTS.totp);
      const opened = row?.enabledAt && open(row.secret, userId);
      if (!opened || !CODE.test(code)) return false;
      const { plaintext, stale } = opened;
      const step = tf.verifyTotp(code, plaintext, { now, window: window(), afterStep: row.totpLastStep });
      // Sealed under a previous secret: seal it again under the current one on the way.
      const resealed = stale ? { secret: d.keys.seal(plaintext, sealedFor(userId)) } : {};
      plaintext.fill(0);
      if (step === null) return false;
      return (await store().apply(userId, SLOTS.totp, tf.totpAccept(step), resealed)) === 1;
    },
  };
};
module.exports.SEALED = SEALED;
module.exports.ENROLMENT = ENROLMENT;
