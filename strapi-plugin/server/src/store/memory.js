'use strict';

// The store's interface (see store/sql.js) over plain arrays in this process, for the
// flow tests: the same operations, the same answers, and a ruled write decided the way
// the database decides it (its guard on the stored row, then its changes), so a test of
// a flow exercises the real conditions without a database. Like the SQL store it is
// made for one realm (`forRealm`); the realms of one memory store share its tables.
// Whether a row meets a write's guard is the core's own answer (`admits`), not a second
// reading of it here.
const { admits } = require('two-factor-wasm');
const { applied } = require('./conditional');

/**
 * A row as a guard reads it: the core's guards compare numbers and test texts (a sealed
 * destination, a hash) only for being there, so a text is given as 0.
 */
const asGuarded = (row) => Object.fromEntries(Object.entries(row).map(([field, value]) => [field, typeof value === 'string' ? 0 : value]));

/** Whether `row` still holds every field of `match` (a pending secret). */
const holds = (row, match) => Object.entries(match).every(([field, value]) => row[field] === value);

module.exports = () => {
  const tables = { challenges: [], accounts: [], factors: [], recovery: [], devices: [], limits: [] };
  let nextId = 1;
  const copy = (row) => (row ? { ...row } : null);
  const insert = (kind, row) => {
    const id = nextId++;
    tables[kind].push({ ...row, id });
    return id;
  };
  const newest = (rows) => rows.reduce((best, row) => (!best || row.id > best.id ? row : best), null);
  /** Applies `write` to the rows `match` picks; the number changed. */
  const apply = (kind, match, write, data) => {
    let count = 0;
    tables[kind] = tables[kind].map((row) => {
      if (!match(row) || !admits(write, asGuarded(row))) return row;
      count += 1;
      return applied(write, row, data);
    });
    return count;
  };
  const keepNewest = (kind, match, keep) => {
    const rows = tables[kind].filter(match).sort((a, b) => b.id - a.id);
    if (rows.length < keep) return;
    const oldest = rows[keep - 1].id;
    tables[kind] = tables[kind].filter((row) => !match(row) || row.id >= oldest);
  };

  /** The store of one realm's rows. */
  const forRealm = (realm) => {
    /** Whether `row` is the user's, in this realm. */
    const of = (userId) => (row) => row.realm === realm && row.userId === userId;
    const inSet = (userId, generation) => (row) => of(userId)(row) && (row.generation === generation || (generation === 0 && row.generation === null));

    return {
      tables,
      forRealm,
      together: (fn) => fn(),
      afterCommit: (done) => done(),
      challenges: {
        insert: async (row) => insert('challenges', { ...row, realm }),
        keepNewestOpen: async (userId, purpose, keep) =>
          keepNewest('challenges', (row) => of(userId)(row) && row.purpose === purpose && row.consumedAt === null, keep),
        byTokenHashes: async (hashes) => copy(tables.challenges.find((row) => row.realm === realm && hashes.includes(row.tokenHash))),
        latest: async (userId, purpose) => copy(newest(tables.challenges.filter((row) => of(userId)(row) && row.purpose === purpose))),
        async lastConsumedAt(userId, purpose) {
          const times = tables.challenges.filter((row) => of(userId)(row) && row.purpose === purpose && row.consumedAt !== null).map((row) => row.consumedAt);
          return times.length ? Math.max(...times) : null;
        },
        apply: async (row, write, data) => apply('challenges', (r) => r.id === row.id, write, data),
        endAll: async (userId, write) => apply('challenges', of(userId), write),
        async purge(before, forget) {
          tables.challenges = tables.challenges.filter((row) => row.expiresAt >= before);
          apply('challenges', () => true, forget);
        },
      },

      accounts: {
        find: async (userId) => copy(tables.accounts.find(of(userId))),
        async ensure(userId) {
          if (!tables.accounts.some(of(userId))) insert('accounts', { realm, userId, failures: 0, lastFailureAt: null, recoveryGeneration: 0 });
        },
        async update(userId, data) {
          tables.accounts = tables.accounts.map((row) => (of(userId)(row) ? { ...row, ...data } : row));
        },
        apply: async (userId, write, data, match = {}) => apply('accounts', (row) => of(userId)(row) && holds(row, match), write, data),
      },

      factors: {
        list: async (userId) => tables.factors.filter(of(userId)).map(copy),
        get: async (userId, slot) => copy(tables.factors.find((row) => of(userId)(row) && row.slot === slot)),
        async put(userId, slot, data) {
          const row = tables.factors.find((r) => of(userId)(r) && r.slot === slot);
          if (row) Object.assign(row, data);
          else insert('factors', { realm, userId, slot, secret: null, pending: null, masked: null, enabledAt: null, totpLastStep: null, ...data });
        },
        apply: async (userId, slot, write, data, match = {}) =>
          apply('factors', (row) => of(userId)(row) && row.slot === slot && holds(row, match), write, data),
        async clear(userId) {
          tables.factors = tables.factors.filter((row) => !of(userId)(row));
        },
      },

      recovery: {
        unused: async (userId, generation) => tables.recovery.filter((row) => inSet(userId, generation)(row) && row.usedAt === null).map(copy),
        countUnused: async (userId, generation) => tables.recovery.filter((row) => inSet(userId, generation)(row) && row.usedAt === null).length,
        async insertMany(rows) {
          for (const row of rows) insert('recovery', { usedAt: null, ...row, realm });
        },
        async deleteBefore(userId, generation) {
          tables.recovery = tables.recovery.filter((row) => !of(userId)(row) || (row.generation !== null && row.generation >= generation));
        },
        apply: async (row, write) => apply('recovery', (r) => r.id === row.id, write),
        async deleteAll(userId) {
          tables.recovery = tables.recovery.filter((row) => !of(userId)(row));
        },
      },

      devices: {
        insert: async (row) => insert('devices', { ...row, realm }),
        keepNewest: async (userId, keep) => keepNewest('devices', of(userId), keep),
        byTokenHashes: async (hashes) => copy(tables.devices.find((row) => row.realm === realm && hashes.includes(row.tokenHash))),
        apply: async (row, write, data) => apply('devices', (r) => r.id === row.id && r.tokenHash === row.tokenHash, write, data),
        list: async (userId) => tables.devices.filter(of(userId)).map(copy),
        async delete(userId, id) {
          const before = tables.devices.length;
          tables.devices = tables.devices.filter((row) => row.id !== id || !of(userId)(row));
          return tables.devices.length < before;
        },
        async deleteAll(userId) {
          tables.devices = tables.devices.filter((row) => !of(userId)(row));
        },
      },

      limits: {
        find: async (scope, subject) => copy(tables.limits.find((row) => row.scope === scope && row.subject === subject)),
        async ensure(scope, subject) {
          if (!tables.limits.some((row) => row.scope === scope && row.subject === subject))
            insert('limits', { scope, subject, times: '', version: 0, expiresAt: 0 });
        },
        async compareAndSet(row, data) {
          const stored = tables.limits.find((r) => r.id === row.id);
          if (!stored || stored.version !== row.version) return false;
          Object.assign(stored, data, { version: row.version + 1 });
          return true;
        },
        async purge(now) {
          tables.limits = tables.limits.filter((row) => row.expiresAt >= now);
        },
        async forget(subjects) {
          tables.limits = tables.limits.filter((row) => !subjects.includes(row.subject));
        },
      },
    };
  };

  return { tables, forRealm };
};

module.exports.admits = admits;
