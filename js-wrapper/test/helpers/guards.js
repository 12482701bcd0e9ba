'use strict';

// What a database does with a ruled write, read plainly from the documented semantics
// (lib/rulings.js): the reference the tests hold the core's `admits` and the rulings to.

/** Each test of a guard on a stored value (null when missing) against the ruling's value. */
const TESTS = {
  null: (v) => v === null,
  notNull: (v) => v !== null,
  '=': (v, x) => v !== null && v === x,
  '<': (v, x) => v !== null && v < x,
  '>': (v, x) => v !== null && v > x,
  '<=': (v, x) => v !== null && v <= x,
};

/** Every clause holds when one of its tests passes. */
const admits = (write, row) => write.guard.every((clause) => clause.some(({ field, test: t, value }) => TESTS[t](row[field] ?? null, value)));

/** The row after the write's changes. */
const applied = (write, row) => {
  const next = { ...row };
  for (const { field, change, value } of write.changes) next[field] = change === 'set' ? value : change === 'clear' ? null : (row[field] ?? 0) + value;
  return next;
};

module.exports = { TESTS, admits, applied };
