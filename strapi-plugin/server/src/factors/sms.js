'use strict';

// The SMS factor: a phone number confirmed with a code sent to it (enrolment's phone
// setup), sealed and bound to the user, in the user's `phone` slot; its masked form is
// all that is shown. Sign-in codes then go to it.
const { METHODS, SLOTS } = require('../names');
const mask = require('../mask');

const phoneFor = (userId) => `two-factor phone user:${userId}`;
// What this factor keeps sealed in its row, for the start-up pass that seals again (store/reseal.js).
const SEALED = Object.freeze({ slot: SLOTS.phone, fields: ['secret'], binding: phoneFor, text: true });

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  /** The sealed number and its masked form, as stored. */
  const fields = (userId, phone) => ({ secret: d.keys.sealText(phone, phoneFor(userId)), masked: mask(METHODS.sms, phone) });

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

    /** Binds the number a phone-setup code was just confirmed for. */
    async confirm(userId, phone, now) {
      // A user with a factor has an account row, as before factors had their own table.
      await d.accounts.ensure(userId);
      await d.store.factors.put(userId, SLOTS.phone, { ...fields(userId, phone), enabledAt: now });
    },
  };
};
module.exports.SEALED = SEALED;
