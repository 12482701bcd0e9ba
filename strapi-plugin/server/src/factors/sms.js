'use strict';

// The SMS factor: a phone number confirmed with a code sent to it (enrolment's phone
// setup), sealed and bound to the user; `phoneMasked` is all that is shown. Sign-in
// codes then go to it.
const { METHODS } = require('../names');
const mask = require('../mask');

const phoneFor = (userId) => `two-factor phone user:${userId}`;

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  /** The sealed number and its masked form, as stored. */
  const fields = (userId, phone) => ({ phone: d.keys.sealText(phone, phoneFor(userId)), phoneMasked: mask(METHODS.sms, phone) });

  return {
    method: METHODS.sms,
    enrolled: (state) => state.phone !== null,
    usable: (_user, state) => state.phone !== null,
    cleared: { phone: null, phoneMasked: null, phoneVerifiedAt: null },

    /**
     * The verified number of an account row, opened. One stored before numbers were
     * sealed (or under a previous secret) reads as it is and is sealed again under the
     * current key.
     */
    async read(row) {
      if (!row?.phoneVerifiedAt || !row.phone) return null;
      const { text: phone, stale } = d.keys.openText(row.phone, phoneFor(row.userId));
      if (stale) await d.accounts.update(row.userId, fields(row.userId, phone));
      return phone;
    },

    /** Binds the number a phone-setup code was just confirmed for. */
    async confirm(userId, phone, now) {
      await d.accounts.update(userId, { ...fields(userId, phone), phoneVerifiedAt: now });
    },
  };
};
