'use strict';

// The layout of the previous release (d24fd0e): a users-permissions user's factors on
// their account row. This release keeps it filled, as a mirror of the factor rows, for
// as long as a rollback to that release is supported (expand, then contract):
//
// - that release's schema sync drops `two_factor_factors` and the `realm` columns, which
//   it does not declare; with the columns below kept current, it still sees every factor
//   (a TOTP user is asked for a TOTP, not offered e-mail; a user with a factor cannot
//   bind another one without proof), and no factor is lost;
// - the next start of this release copies them back (store/migrate.js): after that
//   schema sync the factor table is empty, so the account rows are what is current.
//
// Only users-permissions rows have the mirror: that release knew no other realm.
const { REALMS, SLOTS } = require('../names');

/** The realm whose factors the previous release reads from account rows. */
const REALM = REALMS.usersPermissions;

/** Per slot: factor row field -> account row field, as the previous release named them. */
const COLUMNS = Object.freeze({
  [SLOTS.totp]: Object.freeze({ secret: 'totpSecret', pending: 'totpPending', enabledAt: 'totpEnabledAt', totpLastStep: 'totpLastStep' }),
  [SLOTS.phone]: Object.freeze({ secret: 'phone', masked: 'phoneMasked', enabledAt: 'phoneVerifiedAt' }),
});

/** Whether rows of `realm` and `slot` have the mirror (a slot that release did not know has none). */
const mirrored = (realm, slot) => realm === REALM && Object.hasOwn(COLUMNS, slot);

/**
 * The account row fields that mirror `data`, factor row fields of `slot` (those the
 * slot does not mirror are left out); `null` for every field when `data` is null (the
 * factor is gone).
 */
const accountFields = (slot, data) =>
  Object.fromEntries(
    Object.entries(COLUMNS[slot])
      .filter(([field]) => data === null || Object.hasOwn(data, field))
      .map(([field, column]) => [column, data === null ? null : data[field]]),
  );

module.exports = { REALM, COLUMNS, mirrored, accountFields };
