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
// 2. A slot whose legacy account columns are set (content-types/account.js) and that has
//    no factor row is copied to one, `insert ... on conflict do nothing` (MySQL: `insert
//    ignore`): an install of the previous release, or one where that release ran since
//    (a rollback; its schema sync dropped the factor table). Of processes racing on a
//    row, one inserts it and counts it (the unique index). Sealed values are copied as
//    they are: their binding (`user:<id>`) does not change.
// 3. A users-permissions factor row whose legacy columns do not mirror it has them
//    written (store/legacy.js): an install upgraded by the release that moved factors out
//    and cleared the columns. From then on every factor write keeps them current, so a
//    rollback to the previous release loses nothing.
// 4. The limits of per-user scopes, whose subject was the bare user id, are renamed to
//    the realm-qualified subject (names.js userSubject), so that hour and day windows
//    under way carry on.
const { createHash } = require('node:crypto');
const table = require('./table');
const legacy = require('./legacy');
const { userSubject } = require('../names');

const { retried, inBatches } = table;

const uid = (name) => `plugin::two-factor.${name}`;
const LEGACY_REALM = legacy.REALM;
const REALMED = ['account', 'challenge', 'device', 'recovery-code'];

// Rows read at a time, and factor rows inserted in one statement.
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

/**
 * Inserts factor rows given by column names, a row per slot being kept when one is
 * there already; how many were new. Exact when processes race: each row is inserted by
 * one of them (PostgreSQL and SQLite return the rows inserted; MySQL counts them).
 */
const insertNew = async (strapi, factors, rows) => {
  const f = factors.col;
  const statement = factors.query().insert(rows).onConflict([f.realm, f.userId, f.slot]).ignore();
  if (strapi.db.dialect.client !== 'mysql') return (await statement.returning(f.id)).length;
  const { sql, bindings } = statement.toSQL().toNative();
  const [result] = await strapi.db.connection.raw(sql, bindings);
  return result.affectedRows;
};

/** One of the plugin's tables under an alias, for a join. */
const aliased = (strapi, name, alias) => `${strapi.db.metadata.get(uid(name)).tableName} as ${alias}`;

/** The SQL test "column a and column b hold different values" (null equals only null). */
const differ = (where, a, b) =>
  where.where((diff) =>
    diff
      .whereRaw('?? <> ??', [a, b])
      .orWhere((one) => one.whereNull(a).whereNotNull(b))
      .orWhere((one) => one.whereNotNull(a).whereNull(b)),
  );

/**
 * Copies a slot's legacy account columns to a factor row where the user has none of that
 * slot: an install of the previous release, or one where that release ran since (its
 * schema sync dropped the factor table, so the account rows are what is current).
 * How many factor rows this process copied.
 */
const copyToFactors = async (strapi) => {
  const accounts = table(strapi, uid('account'));
  const factors = table(strapi, uid('factor'));
  const a = accounts.col;
  const f = factors.col;
  let copied = 0;
  for (const [slot, columns] of Object.entries(legacy.COLUMNS)) {
    const fields = Object.entries(columns);
    const select = (after) =>
      accounts
        .query()
        .select([`a.${a.id} as id`, `a.${a.userId} as userId`, ...fields.map(([, from]) => `a.${a[from]} as ${from}`)])
        .from(aliased(strapi, 'account', 'a'))
        .leftJoin(aliased(strapi, 'factor', 'f'), (on) =>
          on.on(`f.${f.realm}`, `a.${a.realm}`).andOn(`f.${f.userId}`, `a.${a.userId}`).andOnVal(`f.${f.slot}`, slot),
        )
        .whereNull(`f.${f.id}`)
        .where(`a.${a.realm}`, LEGACY_REALM)
        .where(`a.${a.id}`, '>', after)
        .where((any) => fields.forEach(([, from]) => any.orWhereNotNull(`a.${a[from]}`)))
        .orderBy(`a.${a.id}`)
        .limit(CHUNK);
    await inBatches(select, (row) => row.id, async (rows) => {
      const made = rows.map((row) => ({
        [f.realm]: LEGACY_REALM,
        [f.userId]: row.userId,
        [f.slot]: slot,
        ...Object.fromEntries(fields.map(([to, from]) => [f[to], row[from]])),
      }));
      // A deadlock rolls the statement back; running it again is the remedy.
      copied += await retried(() => insertNew(strapi, factors, made));
    });
  }
  return copied;
};

/**
 * Writes the legacy account columns of every users-permissions factor row that they do
 * not mirror yet: an install upgraded by a release that moved factors out and cleared the
 * columns, or a start that died between the two. Only while the account still holds
 * what was read: a live write that changed both since is left as it is. How many
 * account rows this process wrote.
 */
const mirrorFactors = async (strapi) => {
  const accounts = table(strapi, uid('account'));
  const factors = table(strapi, uid('factor'));
  const a = accounts.col;
  const f = factors.col;
  let written = 0;
  for (const [slot, columns] of Object.entries(legacy.COLUMNS)) {
    const fields = Object.entries(columns);
    const select = (after) =>
      factors
        .query()
        .select([
          `f.${f.id} as id`,
          `f.${f.userId} as userId`,
          `a.${a.id} as accountId`,
          ...fields.flatMap(([field, column]) => [`f.${f[field]} as ${field}`, `a.${a[column]} as ${column}`]),
        ])
        .from(aliased(strapi, 'factor', 'f'))
        .leftJoin(aliased(strapi, 'account', 'a'), (on) => on.on(`a.${a.realm}`, `f.${f.realm}`).andOn(`a.${a.userId}`, `f.${f.userId}`))
        .where(`f.${f.realm}`, LEGACY_REALM)
        .where(`f.${f.slot}`, slot)
        .where(`f.${f.id}`, '>', after)
        .where((any) => {
          any.whereNull(`a.${a.id}`);
          for (const [field, column] of fields) any.orWhere((one) => differ(one, `a.${a[column]}`, `f.${f[field]}`));
        })
        .orderBy(`f.${f.id}`)
        .limit(CHUNK);
    await inBatches(select, (row) => row.id, async (rows) => {
      for (const row of rows) {
        const values = Object.fromEntries(fields.map(([field, column]) => [a[column], row[field]]));
        if (row.accountId === null) {
          await retried(() =>
            accounts
              .query()
              .insert({ [a.realm]: LEGACY_REALM, [a.userId]: row.userId, [a.failures]: 0, ...values })
              .onConflict([a.realm, a.userId])
              .ignore(),
          );
          written += 1;
          continue;
        }
        const update = accounts.query().where(a.id, row.accountId);
        for (const [, column] of fields) {
          if (row[column] === null) update.whereNull(a[column]);
          else update.where(a[column], row[column]);
        }
        written += await retried(() => update.clone().update(values));
      }
    });
  }
  return written;
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
    const factors = await copyToFactors(strapi);
    const mirrored = await mirrorFactors(strapi);
    return { realmed, factors, mirrored, limits: await qualifyLimits(strapi) };
  };
  const done = await upgrade().finally(() => unlock(strapi));
  const { realmed, factors, mirrored, limits } = done;
  if (realmed + factors + mirrored + limits > 0) {
    strapi.log.info(
      `[two-factor] upgrade: copied ${factors} factors to their own table; ` +
        `${mirrored} accounts given the previous layout's copy of their factors; ` +
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
