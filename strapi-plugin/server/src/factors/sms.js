'use strict';

// The SMS factor: a phone number confirmed with a code sent to it (enrolment's phone
// setup), sealed and bound to the user, in the user's `phone` slot; its masked form is
// all that is shown. Sign-in codes then go to it.
const { METHODS, PURPOSES, SLOTS } = require('../names');
const { errors } = require('../errors');
const { yup } = require('../strapi-utils');
const validate = require('../validate');
const mask = require('../mask');

const phoneFor = (userId) => `two-factor phone user:${userId}`;
// What this factor keeps sealed in its row, for the start-up pass that seals again (store/reseal.js).
const SEALED = Object.freeze({ slot: SLOTS.phone, fields: ['secret'], binding: phoneFor, text: true });
// Its enrolment routes, /auth/2fa/phone/setup and /confirm: setup takes the number (and a
// live code of a factor the user already has, when they have one).
const ENROLMENT = Object.freeze({
  method: METHODS.sms,
  path: 'phone',
  setupBody: {
    code: validate.proofCode,
    phoneNumber: yup
      .string()
      .required('phoneNumber is required')
      .matches(/^\+[1-9]\d{6,14}$/, 'phoneNumber must be in E.164 form, like +15551234567'),
  },
});

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  /** The sealed number and its masked form, as stored. */
  const fields = (userId, phone) => ({ secret: d.keys.sealText(phone, phoneFor(userId)), masked: mask(METHODS.sms, phone) });

  /** Refuses a number outside `sms.allowedCountries` (E.164 calling codes), saying so. */
  const checkCountry = (phoneNumber) => {
    const allowed = d.config('sms').allowedCountries ?? [];
    if (allowed.length === 0 || allowed.some((code) => phoneNumber.startsWith(`+${code}`))) return;
    throw new errors.ValidationError(`Phone numbers of this country are not accepted. Accepted country codes: ${allowed.map((code) => `+${code}`).join(', ')}`, {
      field: 'phoneNumber',
    });
  };

  return {
    method: METHODS.sms,
    slot: SLOTS.phone,
    sends: true,
    enrolled: (state) => state.phone !== null,
    usable: (_user, state) => state.phone !== null,
    destination: (_user, state) => state.phone,
    shown: (_user, state) => state.phoneMasked,
    // A number is a cost to whoever pays for SMS: the delivery caps count codes per number too.
    cappedPerDestination: true,

    /**
     * `{ phone, phoneMasked }`: the verified number in the user's row of this slot (null
     * row: none), opened, and its masked form; `unavailable` when it does not open. One
     * stored before numbers were sealed (or under a previous secret) reads as it is and is
     * sealed again under the current key.
     */
    async read(userId, row) {
      const phoneMasked = row?.enabledAt ? (row.masked ?? null) : null;
      if (!row?.enabledAt || !row.secret) return { phone: null, phoneMasked };
      const opened = d.keys.openStored(row.secret, phoneFor(userId), { text: true });
      if (!opened) return { phone: null, phoneMasked, unavailable: true };
      if (opened.stale) await d.store.factors.put(userId, SLOTS.phone, fields(userId, opened.text));
      return { phone: opened.text, phoneMasked: phoneMasked ?? mask(METHODS.sms, opened.text) };
    },

    noun: 'SMS codes',

    /**
     * Enrolment's first step: a code sent to the new number, under the cooldown and the
     * delivery caps (a number not tried just before counts as a new one). Answers what
     * the client is told. `proveIfEnrolled` asks for a live code of a factor the user has.
     */
    async setup(user, { phoneNumber }, { proveIfEnrolled }) {
      checkCountry(phoneNumber);
      await d.accounts.assertUnlocked(user.id, d.clock.now());
      await proveIfEnrolled();
      const previous = await d.challenges.latest(user.id, PURPOSES.phone);
      const newNumber = previous?.destination !== phoneNumber;
      return d.codes.sendFor(user, PURPOSES.phone, METHODS.sms, phoneNumber, { newNumber });
    },

    /** Enrolment's second step: the code sent to the number binds it; a wrong one is a counted failure. */
    async complete(user, { code }, now) {
      await d.accounts.assertUnlocked(user.id, now);
      const challenge = await d.challenges.latest(user.id, PURPOSES.phone);
      const verdict = await d.verify.code({ userId: user.id, challenge, code, now });
      await d.verify.refuse(user.id, now, verdict);
      if (verdict.wrong) throw new errors.ValidationError('Invalid code');
      // A number sealed under a secret no longer configured cannot be bound.
      if (!verdict.proved || challenge.destination === null) throw new errors.ValidationError('No code is pending. Ask for a new one.');
      await this.confirm(user.id, challenge.destination, now);
    },

    /** Binds the number a phone-setup code was just confirmed for. */
    async confirm(userId, phone, now) {
      // A user with a factor has an account row, as before factors had their own table.
      await d.accounts.ensure(userId);
      await d.store.factors.put(userId, SLOTS.phone, { ...fields(userId, phone), enabledAt: now });
    },
  };
};
module.exports.SEALED = SEALED;
module.exports.ENROLMENT = ENROLMENT;
