'use strict';

// The upgrade of a database written before rows were keyed by realm and before factors
// had their own table. Bootstrap runs it at every start, before anything serves; on an
// upgraded database it finds nothing to do and changes nothing.
//
// Processes starting together on one database take turns: the first holds a lock from
// just before Strapi's schema sync (which on its own lets a second process fail on the
// DDL the first just ran, "table already exists") until the upgrade is done; the next
// then finds the schema and the rows in place. PostgreSQL: an advisory lock; MySQL and
// MariaDB: GET_LOCK; SQLite has one writer and takes none. The steps do not rely on the
// lock: each is safe run by several processes at once, and when a start dies midway
// (the next one completes it):
//
// 1. Rows without a realm get the users-permissions realm: before realms it was the only one.
// 2. An account row whose legacy factor columns are set (content-types/account.js) has
//    them copied to factor rows, `insert ... on conflict do nothing` (MySQL: `insert
//    ignore`), and then cleared by an UPDATE that holds only while they still hold what
//    was copied. Of processes racing on a row, one clears it and counts it; a copy made
//    twice is one row (the unique index). Sealed values are copied as they are: their
//    binding (`user:<id>`) does not change.
// 3. The limits of per-user scopes, whose subject was the bare user id, are renamed to
//    the realm-qualified subject (names.js userSubject), so that hour and day windows
//    under way carry on.
const { createHash } = require('node:crypto');
const table = require('./table');
const { REALMS, SLOTS, userSubject } = require('../names');

const { num, retried } = table;

const uid = (name) => `plugin::two-factor.${name}`;
const LEGACY_REALM = REALMS.usersPermissions;
const REALMED = ['account', 'challenge', 'device', 'recovery-code'];

// Where each factor's legacy account columns go: attribute names, account -> factor.
const MOVES = [
  { slot: SLOTS.totp, fields: { totpSecret: 'secret', totpPending: 'pending', totpEnabledAt: 'enabledAt', totpLastStep: 'totpLastStep' } },
  { slot: SLOTS.phone, fields: { phone: 'secret', phoneMasked: 'masked', phoneVerifiedAt: 'enabledAt' } },
];
const LEGACY = MOVES.flatMap((move) => Object.keys(move.fields));
const FACTOR_FIELDS = ['secret', 'pending', 'masked', 'enabledAt', 'totpLastStep'];
// Accounts per transaction: one multi-row insert and one conditional clear per account.
const CHUNK = 100;

// The scopes that versions before realms counted per user, with the bare user id as the
// subject: codes sent per method, new numbers, and the cooldowns of phone and step-up
// codes. Not `sent:number` (a number's keyed hash) nor `admin-test` (an admin's id).
const perUserScope = (where, col) =>
  where.where((scope) =>
    scope
      .where((sent) => sent.where(col.scope, 'like', 'sent:%').whereNot(col.scope, 'sent:number'))
      .orWhere(col.scope, 'new-number')
      .orWhere(col.scope, 'like', 'cooldown:%'),
  );
const BARE_ID = /^\d+$/;

// The startup lock: its name, how long a process waits for it, how often it asks.
const LOCK = 'strapi-plugin-two-factor startup';
const LOCK_WAIT_MS = 10 * 60 * 1000;
const LOCK_POLL_MS = 200;
const held = new WeakMap(); // strapi -> the connection holding the lock

/**
 * Statements that take (one try) and release the lock on one connection, or null
 * (SQLite). An advisory lock belongs to its database; a MySQL lock to the whole server,
 * so its name carries the database's.
 */
const lockStatements = (strapi) => {
  const { client } = strapi.db.dialect;
  if (client === 'postgres') {
    return { take: ['select pg_try_advisory_lock(hashtext(?)) as taken', [LOCK]], release: ['select pg_advisory_unlock(hashtext(?))', [LOCK]] };
  }
  if (client !== 'mysql') return null;
  const name = `${LOCK} ${createHash('sha256').update(String(strapi.db.getInfo().displayName)).digest('hex').slice(0, 16)}`;
  return { take: ['select get_lock(?, 0) as taken', [name]], release: ['select release_lock(?)', [name]] };
};

/** The first row of a raw result, whatever the driver's shape. */
const firstRow = (result) => (Array.isArray(result) ? (Array.isArray(result[0]) ? result[0][0] : result[0]) : result?.rows?.[0]);

/**
 * Takes the startup lock, waiting while another process holds it. From register(): just
 * before Strapi's schema sync, so that the sync and the upgrade run one process at a time.
 */
const lock = async (strapi) => {
  const statements = lockStatements(strapi);
  if (!statements || held.has(strapi)) return;
  const { client } = strapi.db.connection;
  const connection = await client.acquireConnection();
  try {
    for (const deadline = Date.now() + LOCK_WAIT_MS; ; ) {
      const row = firstRow(await strapi.db.connection.raw(...statements.take).connection(connection));
      if (row && (row.taken === true || Number(row.taken) === 1)) break;
      if (Date.now() > deadline) throw new Error(`strapi-plugin-two-factor: another process has held the startup lock for ${LOCK_WAIT_MS / 60000} minutes`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  } catch (error) {
    client.releaseConnection(connection);
    throw error;
  }
  held.set(strapi, connection);
};

/** Releases the startup lock if this process holds it (after the upgrade; on destroy). */
const unlock = async (strapi) => {
  const connection = held.get(strapi);
  if (!connection) return;
  held.delete(strapi);
  try {
    await strapi.db.connection.raw(...lockStatements(strapi).release).connection(connection);
  } finally {
    strapi.db.connection.client.releaseConnection(connection);
  }
};

/** Gives every row without a realm the users-permissions realm; how many there were. */
const giveRealm = async (strapi) => {
  let count = 0;
  for (const name of REALMED) {
    const { query, col } = table(strapi, uid(name));
    count += await retried(() =>
      query()
        .whereNull(col.realm)
        .update({ [col.realm]: LEGACY_REALM }),
    );
  }
  return count;
};

/** Moves the legacy factor columns of accounts to factor rows: `{ accounts, factors }` this process moved. */
const moveFactors = async (strapi) => {
  const accounts = table(strapi, uid('account'));
  const factors = table(strapi, uid('factor'));
  const a = accounts.col;
  const f = factors.col;
  const moved = { accounts: 0, factors: 0 };

  /** The factor rows an account row's legacy columns make (a slot with any value set). */
  const factorRows = (row) =>
    MOVES.filter((move) => Object.keys(move.fields).some((field) => row[a[field]] !== null)).map((move) => {
      const values = Object.fromEntries(FACTOR_FIELDS.map((field) => [f[field], null]));
      for (const [from, to] of Object.entries(move.fields)) values[f[to]] = row[a[from]];
      return { [f.realm]: row[a.realm] ?? LEGACY_REALM, [f.userId]: row[a.userId], [f.slot]: move.slot, ...values };
    });

  const moveChunk = (rows) =>
    strapi.db.connection.transaction(async (trx) => {
      const made = rows.map(factorRows);
      await factors.query(trx).insert(made.flat()).onConflict([f.realm, f.userId, f.slot]).ignore();
      const cleared = Object.fromEntries(LEGACY.map((field) => [a[field], null]));
      const counts = { accounts: 0, factors: 0 };
      for (const [i, row] of rows.entries()) {
        // Only while the row still holds what was copied: another process that moved it
        // first, or a change made since, leaves it alone.
        const clear = accounts.query(trx).where(a.id, row[a.id]);
        for (const field of LEGACY) {
          const value = row[a[field]];
          if (value === null) clear.whereNull(a[field]);
          else clear.where(a[field], value);
        }
        if ((await clear.update(cleared)) === 1) {
          counts.accounts += 1;
          counts.factors += made[i].length;
        }
      }
      return counts;
    });

  for (let after = 0; ; ) {
    const rows = await accounts
      .query()
      .select([a.id, a.realm, a.userId, ...LEGACY.map((field) => a[field])])
      .where(a.id, '>', after)
      .where((any) => LEGACY.forEach((field) => any.orWhereNotNull(a[field])))
      .orderBy(a.id)
      .limit(CHUNK);
    if (rows.length === 0) return moved;
    after = num(rows.at(-1)[a.id]);
    // A deadlock rolls the whole chunk back; running it again is the remedy.
    const counts = await retried(() => moveChunk(rows));
    moved.accounts += counts.accounts;
    moved.factors += counts.factors;
  }
};

/** Renames per-user limits to their realm-qualified subject; how many this process renamed. */
const qualifyLimits = async (strapi) => {
  const { query, col } = table(strapi, uid('limit'));
  const candidates = await perUserScope(query(), col)
    .whereNot(col.subject, 'like', '%:%')
    .select([col.id, col.scope, col.subject, col.times, col.version, col.expiresAt]);
  const rows = candidates.filter((row) => BARE_ID.test(row[col.subject]));
  let count = 0;
  for (const row of rows) {
    const subject = userSubject(LEGACY_REALM, row[col.subject]);
    const copy = { ...row, [col.subject]: subject };
    delete copy[col.id];
    // A row under the new subject already (another process renamed it first) is kept.
    await query().insert(copy).onConflict([col.scope, col.subject]).ignore();
    count += await query().where(col.id, row[col.id]).where(col.subject, row[col.subject]).delete();
  }
  return count;
};

/**
 * Upgrades the plugin's rows in Strapi's database, then releases the startup lock; logs
 * one line when there was anything to do (counts only, never a value). Returns what this
 * process changed.
 */
const migrate = async (strapi) => {
  const upgrade = async () => {
    const realmed = await giveRealm(strapi);
    const { accounts, factors } = await moveFactors(strapi);
    return { realmed, accounts, factors, limits: await qualifyLimits(strapi) };
  };
  const done = await upgrade().finally(() => unlock(strapi));
  const { realmed, accounts, factors, limits } = done;
  if (realmed + accounts + limits > 0) {
    strapi.log.info(
      `[two-factor] upgrade: moved ${factors} factors of ${accounts} accounts to their own table; ` +
        `${realmed} rows given the ${LEGACY_REALM} realm; ${limits} per-user limits renamed`,
    );
  }
  return done;
};

/** From register(): the startup lock is taken just before Strapi's schema sync. */
const lockDuringSync = (strapi) => strapi.hook('strapi::content-types.beforeSync').register(() => lock(strapi));

module.exports = migrate;
module.exports.lockDuringSync = lockDuringSync;
module.exports.unlock = unlock;
