'use strict';

// Raw query access to one of the plugin's tables, for the store only: the conditional
// updates that must be decided by the database (the row count says who won), never
// read-modify-write in JS.
/** A bigint column's value as a number (some drivers return strings), keeping null. */
const num = (value) => (value === null || value === undefined ? null : Number(value));

module.exports = (strapi, uid) => {
  const meta = strapi.db.metadata.get(uid);
  const col = Object.fromEntries(
    Object.entries(meta.attributes)
      .filter(([, attribute]) => attribute.columnName)
      .map(([name, attribute]) => [name, attribute.columnName]),
  );
  /** A query on the table, in the transaction `trx` when one is given. */
  const query = (trx) => {
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

// MySQL/MariaDB (ER_LOCK_DEADLOCK), PostgreSQL (deadlock_detected, serialization_failure),
// SQLite (busy): the statement was rolled back, and running it again is the remedy.
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', '40P01', '40001', 'SQLITE_BUSY']);
const RETRIES = 3;

/** Runs one statement, again when the database rolled it back for a deadlock. */
module.exports.retried = async (statement) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= RETRIES || !TRANSIENT.has(error?.code)) throw error;
    }
  }
};
