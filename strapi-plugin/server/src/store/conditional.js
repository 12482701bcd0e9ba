'use strict';

// A write the core ruled (`{ guard, changes }`, see two-factor-wasm's lib/rulings.js) as
// one conditional UPDATE of one of the plugin's tables. The guard becomes the WHERE
// clause, test by test, and the row count says whether the ruling stood: 1 when the row
// still met the condition it was ruled on, 0 when another request changed it first. No
// rule is written here; only the translation, once for every table.
const table = require('./table');

// Each core test as the knex call that states it, for the first test of a clause and
// for the alternatives after it.
const TESTS = {
  null: (q, column, _value, or) => (or ? q.orWhereNull(column) : q.whereNull(column)),
  notNull: (q, column, _value, or) => (or ? q.orWhereNotNull(column) : q.whereNotNull(column)),
};
for (const operator of ['=', '<', '>', '<=']) {
  TESTS[operator] = (q, column, value, or) => (or ? q.orWhere(column, operator, value) : q.where(column, operator, value));
}

/** The column of `field`, or an error naming the table: a ruling for another table is a bug. */
const columnOf = (col, uid, field) => {
  if (!Object.hasOwn(col, field)) throw new Error(`strapi-plugin-two-factor: ${uid} has no field ${field}`);
  return col[field];
};

/**
 * Applies `write` to the row of `uid` that `identity` names (attribute names: `{ id }`,
 * `{ userId }`, or a token hash as well), with `data`, further columns that carry no
 * rule (a new code's hash), set alongside. Returns the number of rows changed.
 */
const apply = async (strapi, uid, identity, write, data = {}) => {
  const { query, col } = table(strapi, uid);
  const column = (field) => columnOf(col, uid, field);
  const statement = query();
  for (const [field, value] of Object.entries(identity)) statement.where(column(field), value);
  for (const clause of write.guard) {
    statement.where((q) => clause.forEach(({ field, test, value }, i) => TESTS[test](q, column(field), value, i > 0)));
  }
  const values = Object.fromEntries(Object.entries(data).map(([field, value]) => [column(field), value]));
  for (const { field, change, value } of write.changes) {
    const name = column(field);
    values[name] = change === 'set' ? value : change === 'clear' ? null : strapi.db.connection.raw('?? + ?', [name, value]);
  }
  return statement.update(values);
};

// The same tests in the query engine's filter syntax, for a write that must go through
// it (one made in a lifecycle joins the transaction of the change that caused it).
const FILTERS = {
  null: () => ({ $null: true }),
  notNull: () => ({ $notNull: true }),
  '=': (value) => ({ $eq: value }),
  '<': (value) => ({ $lt: value }),
  '>': (value) => ({ $gt: value }),
  '<=': (value) => ({ $lte: value }),
};

/**
 * `write` as the query engine's `{ where, data }` (attribute names): the guard's clauses
 * as `$and` of `$or`s, and its changes as plain values (an `add` has no such form).
 */
const asQuery = (write) => ({
  where: { $and: write.guard.map((clause) => ({ $or: clause.map(({ field, test, value }) => ({ [field]: FILTERS[test](value) })) })) },
  data: Object.fromEntries(
    write.changes.map(({ field, change, value }) => {
      if (change === 'add') throw new Error('strapi-plugin-two-factor: the query engine cannot add in place');
      return [field, change === 'set' ? value : null];
    }),
  ),
});

/** The row as `write` leaves it, with `data` set alongside (what a store that holds rows in memory stores). */
const applied = (write, row, data = {}) => {
  const next = { ...row, ...data };
  for (const { field, change, value } of write.changes) {
    next[field] = change === 'set' ? value : change === 'clear' ? null : (row[field] ?? 0) + value;
  }
  return next;
};

module.exports = { apply, asQuery, applied };
