'use strict';

// Raw query access to one of the plugin's tables, for the store only: the conditional
// updates that must be decided by the database (the row count says who won), never
// read-modify-write in JS.
const { AsyncLocalStorage } = require('node:async_hooks');

// The unit of `together` below: its transaction, for the raw statements made inside it
// (the query engine's find Strapi's own), and what to do once it commits.
const unit = new AsyncLocalStorage();
/** A bigint column's value as a number (some drivers return strings), keeping null. */
const num = (value) => (value === null || value === undefined ? null : Number(value));

// Each table's access, made once per Strapi instance: its metadata is fixed once loaded.
const made = new WeakMap();

module.exports = (strapi, uid) => {
  if (!made.has(strapi)) made.set(strapi, new Map());
  const tables = made.get(strapi);
  if (!tables.has(uid)) tables.set(uid, access(strapi, uid));
  return tables.get(uid);
};

const access = (strapi, uid) => {
  const meta = strapi.db.metadata.get(uid);
  const col = Object.fromEntries(
    Object.entries(meta.attributes)
      .filter(([, attribute]) => attribute.columnName)
      .map(([name, attribute]) => [name, attribute.columnName]),
  );
  /** A query on the table, in the transaction `trx` (by default the one `together` runs). */
  const query = (trx = unit.getStore()?.trx) => {
    if (!trx) return strapi.db.getConnection(meta.tableName);
    const schema = strapi.db.getSchemaName();
    return schema ? trx(meta.tableName).withSchema(schema) : trx(meta.tableName);
  };
  /**
   * Inserts one row given by attribute names and returns its id, in one statement (no
   * read back). MySQL answers the id without RETURNING, which it does not know.
   */
  const insert = async (values) => {
    const row = Object.fromEntries(Object.entries(values).map(([name, value]) => [col[name], value]));
    const statement = query().insert(row);
    const [inserted] = await (strapi.db.dialect.client === 'mysql' ? statement : statement.returning(col.id));
    return typeof inserted === 'object' ? inserted[col.id] : inserted;
  };
  return { query, col, insert };
};
module.exports.num = num;

/**
 * Reads a table a batch at a time and hands each batch to `each`: `select(after)` answers
 * the next rows in id order after the id `after` (0 at first), `idOf` a row's id. For
 * passes over every row (the upgrade, sealing again) that must not hold a table in memory.
 */
module.exports.inBatches = async (select, idOf, each) => {
  for (let after = 0; ; ) {
    const rows = await select(after);
    if (rows.length === 0) return;
    after = num(idOf(rows.at(-1)));
    await each(rows);
  }
};

// MySQL/MariaDB (ER_LOCK_DEADLOCK), PostgreSQL (deadlock_detected, serialization_failure),
// SQLite (busy): the statement, or the transaction, was rolled back, and running it
// again is the remedy.
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', '40P01', '40001', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);
const RETRIES = 3;

/** Runs `work` again, up to RETRIES times, while it fails for a transient reason. */
const again = async (work) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= RETRIES || !TRANSIENT.has(error?.code)) throw error;
    }
  }
};

/**
 * Runs one statement, again when the database rolled it back for a deadlock. Inside
 * `together` it runs once: a failed statement there fails the whole unit, which is run
 * again as a whole.
 */
module.exports.retried = (statement) => (unit.getStore() ? statement() : again(statement));

/**
 * Runs `fn`, whose statements are the store's alone (no event, no message), with one
 * commit where a commit is what writes cost: SQLite syncs its file at each, so a step's
 * few writes are grouped, and run again as a whole when another process held the file.
 * Elsewhere each statement commits alone, as every conditional write was designed to: a
 * transaction there would add two round trips and hold row locks longer. Either way each
 * write still stands or not by its own row count.
 */
module.exports.together = (strapi, fn) =>
  // Elsewhere, or inside a unit already (a step's unit holds a part's own), as it comes.
  strapi.db.dialect.client !== 'sqlite' || unit.getStore() ? fn() : inUnit(strapi, fn);

/**
 * Runs `fn`, whose statements are the store's alone, in one transaction on every
 * database: for writes that must stand or fall together (a factor row and its mirror on
 * the account row, store/legacy.js). Inside a unit already, it is part of that one.
 */
module.exports.atomic = (strapi, fn) => (unit.getStore() ? fn() : inUnit(strapi, fn));

/** `fn` as one unit: one transaction, run again as a whole when the database rolled it back. */
const inUnit = (strapi, fn) => {
  // Inside a transaction of Strapi's (a lifecycle), the unit is part of it: no retry of our own.
  const run = () =>
    strapi.db.transaction(async ({ trx }) => {
      const work = { trx, committed: [] };
      const result = await unit.run(work, fn);
      return { result, committed: work.committed };
    });
  return (strapi.db.inTransaction() ? run() : again(run)).then(({ result, committed }) => {
    for (const done of committed) done();
    return result;
  });
};

/**
 * Runs `done` once what the caller wrote is committed: at once outside `together`, after
 * its commit inside (a rolled-back unit runs none). For what a process remembers of a
 * row it wrote.
 */
module.exports.afterCommit = (done) => {
  const work = unit.getStore();
  if (work) work.committed.push(done);
  else done();
};
