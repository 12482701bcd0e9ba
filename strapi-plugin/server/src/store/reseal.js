'use strict';

// A secret rotation's second half: while `previousSecrets` is set, every stored value
// sealed under a previous secret is sealed again under the current one at start-up, so
// that the old secret can be dropped without a user losing a factor. What is sealed: a
// factor row's secret and pending setup (factors/totp.js, factors/sms.js), and where a
// live challenge's code went (flow/challenges.js). Recovery codes and tokens are
// keyed hashes, not sealed: they cannot be made again without the plaintext.
//
// Rows are read BATCH at a time. Each value is swapped by a write that holds only while
// the row still holds what was read: processes starting together, or serving meanwhile
// (which seal under the current secret), never lose a change, and a value is sealed
// again once. A factor's copy in the previous release's columns is swapped with it
// (store/sql.js). The pass logs and records what it found, for the operator: how many
// values it sealed again, how many are still under a previous secret, and how many
// open under none (their factors are unavailable).
const table = require('./table');
const sql = require('./sql');
const { SEALED: TOTP } = require('../factors/totp');
const { SEALED: PHONE } = require('../factors/sms');
const { SEALED: DESTINATION } = require('../flow/challenges');

const BATCH = 100;

/** @param {import('../domain').Domain} part */
module.exports = async (strapi, part, now) => {
  const previousSecrets = part.keys.previousSecrets();
  if (previousSecrets === 0) return null;
  const found = { resealed: 0, left: 0, unreadable: 0 };
  const stores = new Map();
  const storeOf = (realm) => stores.get(realm) ?? stores.set(realm, sql(strapi).forRealm(realm)).get(realm);

  /** What `value` seals under `binding`: `{ stale, again }` (again: sealed under the current secret), or null. */
  const reopen = (sealed, value, userId) => {
    const opened = part.keys.openStored(value, sealed.binding(userId), { text: sealed.text });
    if (!opened) return null;
    if (!opened.stale) return { stale: false };
    const again = sealed.text ? part.keys.sealText(opened.text, sealed.binding(userId)) : part.keys.seal(opened.plaintext, sealed.binding(userId));
    if (!sealed.text) opened.plaintext.fill(0);
    return { stale: true, again };
  };

  /**
   * Seals again each field of `sealed` in the rows of `uid` that `where` picks; `swap`
   * writes one field of one row while it holds `from`, true when it did, and `current`
   * reads it again after a lost swap.
   */
  const pass = async (uid, sealed, where, swap, current) => {
    const { query, col } = table(strapi, uid);
    const select = (after) =>
      where(query(), col)
        .where(col.id, '>', after)
        .orderBy(col.id)
        .limit(BATCH)
        .select([col.id, col.realm, col.userId, ...sealed.fields.map((field) => col[field])]);
    await table.inBatches(select, (stored) => stored[col.id], async (rows) => {
      for (const stored of rows) {
        const row = { id: stored[col.id], realm: stored[col.realm], userId: table.num(stored[col.userId]) };
        for (const field of sealed.fields) {
          const value = stored[col[field]];
          if (value === null) continue;
          const ruled = reopen(sealed, value, row.userId);
          if (ruled === null) found.unreadable += 1;
          if (!ruled?.stale) continue;
          if (await swap(row, field, value, ruled.again)) {
            found.resealed += 1;
            continue;
          }
          // Lost to a change made meanwhile: what is there now is still counted if stale.
          const again = await current(row, field);
          if (again !== null && reopen(sealed, again, row.userId)?.stale) found.left += 1;
        }
      }
    });
  };

  for (const sealed of [TOTP, PHONE]) {
    await pass(
      sql.UIDS.factors,
      sealed,
      (q, col) => q.where(col.slot, sealed.slot),
      async (row, field, from, to) => (await storeOf(row.realm).factors.swap(row.userId, sealed.slot, field, from, to)) === 1,
      async (row, field) => (await storeOf(row.realm).factors.get(row.userId, sealed.slot))?.[field] ?? null,
    );
  }
  // A challenge's destination, while it may still be needed: until its code expires.
  const challenges = table(strapi, sql.UIDS.challenges);
  await pass(
    sql.UIDS.challenges,
    DESTINATION,
    (q, col) => q.whereNotNull(col.destination).where(col.expiresAt, '>', now),
    async (row, field, from, to) =>
      (await table.retried(() => challenges.query().where(challenges.col.id, row.id).where(challenges.col[field], from).update({ [challenges.col[field]]: to }))) === 1,
    async (row, field) => (await challenges.query().where(challenges.col.id, row.id).first())?.[challenges.col[field]] ?? null,
  );

  const record = { previousSecrets, checkedAt: now, ...found };
  await part.settings.recordRotation(record);
  const line = `[two-factor] secret rotation: ${found.resealed} values sealed again under the current secret; ${found.left} still under a previous one; ${found.unreadable} open under no configured secret`;
  if (found.left > 0) part.log.warn(`${line}: keep previousSecrets until a start finds none still under a previous one`);
  else if (found.unreadable > 0) part.log.warn(`${line} (their factors are unavailable until set up again or reset); the previous secrets can be removed`);
  else part.log.info(`${line}: the previous secrets can be removed`);
  return record;
};
