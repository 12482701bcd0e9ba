'use strict';

// The SMS factor: a phone number confirmed with a code sent to it (enrolment's phone
// setup), sealed and bound to the user, in the user's `phone` slot; its masked form is
// all that is shown. Sign-in codes then go to it.
const { METHODS, SLOTS } = require('../names');
const mask = require('../mask');

/** What `read` answers for a number that does not open. */
const UNAVAILABLE = Symbol('unavailable');

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
    enrolled: (state) => state.phone !== null,
    usable: (_user, state) => state.phone !== null,
    UNAVAILABLE,

    /**
     * The verified number in the user's row of this slot (null: no row), opened, or
     * `UNAVAILABLE` when it does not open. One stored before numbers were sealed (or
     * under a previous secret) reads as it is and is sealed again under the current key.
     */
    async read(userId, row) {
      if (!row?.enabledAt || !row.secret) return null;
      const opened = d.keys.openStored(row.secret, phoneFor(userId), { text: true });
      if (!opened) return UNAVAILABLE;
      if (opened.stale) await d.store.factors.put(userId, SLOTS.phone, fields(userId, opened.text));
      return opened.text;
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
