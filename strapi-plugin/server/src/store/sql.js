'use strict';

// The plugin's tables in Strapi's database: the only code that reads or writes them.
// Each operation is one query (or one short, fixed sequence); a state change that a
// race could overrun is a core ruling's conditional write (`apply`), whose row count
// says whether it stood. `store/memory.js` is the same interface over plain arrays, for
// the flow tests. Field names are the content types' attribute names; times are unix
// milliseconds (bigint columns, read back as numbers).
//
// Every row belongs to a realm (the kind of user: users-permissions, Strapi admins) and
// a user id in it. A store is made for one realm, `store(strapi).forRealm(realm)`, and
// every operation reads and writes that realm's rows only; its callers name users by id.
const table = require('./table');
const conditional = require('./conditional');
const legacy = require('./legacy');

const { num, retried } = table;

// A write with no rule of its own: the values its caller matches are its whole condition.
const UNRULED = Object.freeze({ guard: [], changes: [] });

const UIDS = {
  challenges: 'plugin::two-factor.challenge',
  accounts: 'plugin::two-factor.account',
  factors: 'plugin::two-factor.factor',
  recovery: 'plugin::two-factor.recovery-code',
  devices: 'plugin::two-factor.device',
  limits: 'plugin::two-factor.limit',
};

/** The columns of each table that hold unix milliseconds or counters as bigints. */
const NUMBERS = {
  challenges: ['expiresAt', 'lastSentAt', 'consumedAt', 'verifiedAt'],
  accounts: ['lastFailureAt', 'totpEnabledAt', 'totpLastStep', 'phoneVerifiedAt', 'recoveryGeneration'],
  factors: ['enabledAt', 'totpLastStep'],
  recovery: ['usedAt', 'generation'],
  devices: ['expiresAt', 'lastUsedAt'],
  limits: ['expiresAt', 'version'],
};

/** A row with its bigint columns as numbers (some drivers return strings), keeping null. */
const numbers = (kind) => (row) => {
  if (!row) return null;
  const out = { ...row };
  for (const field of NUMBERS[kind]) if (field in out) out[field] = num(out[field]);
  return out;
};

/** The store of one realm's rows. */
const forRealm = (strapi, realm) => {
  const q = (kind) => strapi.db.query(UIDS[kind]);
  const raw = (kind) => table(strapi, UIDS[kind]);
  const apply = (kind, identity, write, data) => retried(() => conditional.apply(strapi, UIDS[kind], identity, write, data));
  const asChallenge = numbers('challenges');
  const asAccount = numbers('accounts');
  const asRecovery = numbers('recovery');
  const asDevice = numbers('devices');
  const asFactor = numbers('factors');

  /** Codes of the current set: rows of `generation`, and unnumbered ones while it is 0. */
  const currentSet = (userId, generation) => ({ realm, userId, $or: [{ generation }, ...(generation === 0 ? [{ generation: null }] : [])] });

  /**
   * Keeps the newest `keep` rows `where` names (attribute names, null for none) and
   * deletes the older ones, never a newer one: one statement, below the id of the
   * `keep`-th newest. That id is read through a derived table, since MySQL refuses a
   * subquery on the table a DELETE is deleting from.
   */
  const keepNewest = async (kind, where, keep) => {
    const { query, col } = raw(kind);
    const named = (statement) => {
      for (const [field, value] of Object.entries({ realm, ...where })) {
        if (value === null) statement.whereNull(col[field]);
        else statement.where(col[field], value);
      }
      return statement;
    };
    const kept = named(query().select(col.id)).orderBy(col.id, 'desc').limit(1).offset(keep - 1);
    const below = strapi.db.connection.select(col.id).from(kept.as('kept'));
    await retried(() => named(query()).where(col.id, '<', below).delete());
  };

  /**
   * Runs `write`, a change to the user's factor row of `slot` (every slot: null) that
   * resolves to the fields it set (null: the row is gone, or the write did not stand),
   * and keeps the account row's copy of them in the previous release's layout
   * (store/legacy.js) in the same transaction: a rollback then finds every factor where
   * it reads them. The factor row's lock, taken first, orders concurrent writes to one
   * slot, and each slot has columns of its own, so the copy never lags its row.
   */
  const withMirror = (userId, slot, write) => {
    const slots = slot === null ? Object.keys(legacy.COLUMNS) : [slot];
    if (!slots.some((one) => legacy.mirrored(realm, one))) return retried(write);
    return table.atomic(strapi, async () => {
      const result = await write();
      if (result === null && slot !== null) return null;
      const { query, col } = raw('accounts');
      const fields = Object.assign({}, ...slots.map((one) => legacy.accountFields(one, result)));
      const values = Object.fromEntries(Object.entries(fields).map(([field, value]) => [col[field], value]));
      if (Object.keys(values).length === 0) return result;
      const updated = await query().where(col.realm, realm).where(col.userId, userId).update(values);
      // A factor of a user with no account row yet (flows make it first): make it with the copy.
      if (updated === 0 && result !== null) {
        await query()
          .insert({ [col.realm]: realm, [col.userId]: userId, [col.failures]: 0, ...values })
          .onConflict([col.realm, col.userId])
          .merge(Object.keys(values));
      }
      return result;
    });
  };

  const applyFactor = (userId, slot, write, data = {}, match = {}) =>
    withMirror(userId, slot, async () => {
      const changed = await conditional.apply(strapi, UIDS.factors, { realm, userId, slot, ...match }, write, data);
      return changed === 1 ? { ...data, ...conditional.asQuery(write).data } : null;
    }).then((stood) => (stood ? 1 : 0));

  return {
    /** Runs `fn`'s store operations with one commit where that is cheaper (see table.together). */
    together: (fn) => table.together(strapi, fn),
    /** Runs `done` once the caller's writes are committed (see table.afterCommit). */
    afterCommit: table.afterCommit,

    challenges: {
      /** One statement, no read back: a row displaced at once by a burst is a dead challenge, not a 500. */
      insert: (row) => raw('challenges').insert({ ...row, realm }),
      keepNewestOpen: (userId, purpose, keep) => keepNewest('challenges', { userId, purpose, consumedAt: null }, keep),
      byTokenHashes: async (hashes) => asChallenge(await q('challenges').findOne({ where: { realm, tokenHash: { $in: hashes } } })),
      latest: async (userId, purpose) => asChallenge(await q('challenges').findOne({ where: { realm, userId, purpose }, orderBy: { id: 'desc' } })),
      async lastConsumedAt(userId, purpose) {
        const row = await q('challenges').findOne({
          where: { realm, userId, purpose, consumedAt: { $notNull: true } },
          orderBy: { consumedAt: 'desc' },
          select: ['consumedAt'],
        });
        return row ? num(row.consumedAt) : null;
      },
      apply: (row, write, data) => apply('challenges', { id: row.id }, write, data),
      /**
       * Applies `write` to every challenge of the user (its condition picks which).
       * Through the query engine, not raw SQL: called from a lifecycle, it joins the
       * transaction of the change that caused it.
       */
      endAll(userId, write) {
        const { where, data } = conditional.asQuery(write);
        return q('challenges').updateMany({ where: { realm, userId, ...where }, data });
      },
      /**
       * Deletes challenges that expired before `before`, then applies `forget` (the core's
       * write that makes ended ones forget where their code went) to every row it picks:
       * housekeeping of every realm.
       */
      async purge(before, forget) {
        const { query, col } = raw('challenges');
        await query().where(col.expiresAt, '<', before).delete();
        // Found through the expiry index, which the write's guard starts with: no scan of the table.
        await apply('challenges', {}, forget);
      },
    },

    accounts: {
      find: async (userId) => asAccount(await q('accounts').findOne({ where: { realm, userId } })),
      /** Creates the user's row if it does not exist; safe when processes race to do it. */
      async ensure(userId) {
        const { query, col } = raw('accounts');
        await retried(() =>
          query()
            .insert({ [col.realm]: realm, [col.userId]: userId, [col.failures]: 0 })
            .onConflict([col.realm, col.userId])
            .ignore(),
        );
      },
      /** Sets fields of an existing row. */
      update: (userId, data) => retried(() => q('accounts').update({ where: { realm, userId }, data })),
      /** A ruled write; `match` adds fields the row must still hold (a pending secret). */
      apply: (userId, write, data, match = {}) => apply('accounts', { realm, userId, ...match }, write, data),
    },

    factors: {
      /** Every factor row of the user (a slot each), in no particular order. */
      list: async (userId) => (await q('factors').findMany({ where: { realm, userId } })).map(asFactor),
      get: async (userId, slot) => asFactor(await q('factors').findOne({ where: { realm, userId, slot } })),
      /** Sets fields of the user's row of `slot`, creating it if needed: one statement, safe in a race. */
      put(userId, slot, data) {
        const { query, col } = raw('factors');
        const values = Object.fromEntries(Object.entries(data).map(([field, value]) => [col[field], value]));
        const upsert = () =>
          query()
            .insert({ [col.realm]: realm, [col.userId]: userId, [col.slot]: slot, ...values })
            .onConflict([col.realm, col.userId, col.slot])
            .merge(Object.keys(values));
        return withMirror(userId, slot, async () => (await upsert(), data));
      },
      /** A ruled write on the user's row of `slot`; `match` adds fields the row must still hold (a pending secret). */
      apply: applyFactor,
      /** Replaces `field` of the user's row of `slot` with `to` while it holds `from` (a value sealed again); 1 when it did. */
      swap: (userId, slot, field, from, to) => applyFactor(userId, slot, UNRULED, { [field]: to }, { [field]: from }),
      /** Forgets every factor of the user. */
      clear: (userId) =>
        withMirror(userId, null, async () => {
          await q('factors').deleteMany({ where: { realm, userId } });
          return null;
        }),
    },

    recovery: {
      /** The unused codes of set `generation` (and unnumbered ones while it is 0). */
      unused: async (userId, generation) => (await q('recovery').findMany({ where: { ...currentSet(userId, generation), usedAt: null } })).map(asRecovery),
      countUnused: (userId, generation) => q('recovery').count({ where: { ...currentSet(userId, generation), usedAt: null } }),
      insertMany: (rows) => retried(() => q('recovery').createMany({ data: rows.map((row) => ({ ...row, realm })) })),
      /** Deletes the sets before `generation`: a later set's codes are never touched. */
      deleteBefore: (userId, generation) =>
        retried(() => q('recovery').deleteMany({ where: { realm, userId, $or: [{ generation: { $lt: generation } }, { generation: null }] } })),
      apply: (row, write) => apply('recovery', { id: row.id }, write),
      deleteAll: (userId) => q('recovery').deleteMany({ where: { realm, userId } }),
    },

    devices: {
      insert: (row) => raw('devices').insert({ ...row, realm }),
      keepNewest: (userId, keep) => keepNewest('devices', { userId }, keep),
      byTokenHashes: async (hashes) => asDevice(await q('devices').findOne({ where: { realm, tokenHash: { $in: hashes } } })),
      /** A ruled write, holding only while the token is still the one it was read with. */
      apply: (row, write, data) => apply('devices', { id: row.id, tokenHash: row.tokenHash }, write, data),
      list: async (userId) => (await q('devices').findMany({ where: { realm, userId }, orderBy: { id: 'asc' } })).map(asDevice),
      async delete(userId, id) {
        const { query, col } = raw('devices');
        return (await query().where(col.id, id).where(col.realm, realm).where(col.userId, userId).delete()) === 1;
      },
      deleteAll: (userId) => q('devices').deleteMany({ where: { realm, userId } }),
    },

    // Limits are keyed by their subject, which names the realm for a per-user scope
    // (names.js userSubject): no realm column.
    limits: {
      async find(scope, subject) {
        const { query, col } = raw('limits');
        const row = await query().where(col.scope, scope).where(col.subject, subject).first();
        return row && { id: row[col.id], times: row[col.times] ?? '', version: num(row[col.version]) };
      },
      /** Creates the row if it does not exist; safe when processes race to do it. */
      async ensure(scope, subject) {
        const { query, col } = raw('limits');
        await query()
          .insert({ [col.scope]: scope, [col.subject]: subject, [col.times]: '', [col.version]: 0, [col.expiresAt]: 0 })
          .onConflict([col.scope, col.subject])
          .ignore();
      },
      /** Stores `data` only if the row is still at `row.version`; true when it was. */
      async compareAndSet(row, data) {
        const { query, col } = raw('limits');
        const values = Object.fromEntries(Object.entries({ ...data, version: row.version + 1 }).map(([field, value]) => [col[field], value]));
        return (await query().where(col.id, row.id).where(col.version, row.version).update(values)) === 1;
      },
      async purge(now) {
        const { query, col } = raw('limits');
        await query().where(col.expiresAt, '<', now).delete();
      },
      /** Deletes every window of these subjects, whatever its scope. */
      async forget(subjects) {
        const { query, col } = raw('limits');
        await retried(() => query().whereIn(col.subject, subjects).delete());
      },
    },
  };
};

module.exports = (strapi) => ({ forRealm: (realm) => forRealm(strapi, realm) });
module.exports.UIDS = UIDS;
