'use strict';

// The store's interface (see store/sql.js) over plain arrays in this process, for the
// flow tests: the same operations, the same answers, and a ruled write decided the way
// the database decides it (its guard on the stored row, then its changes), so a test of
// a flow exercises the real conditions without a database.

/** Whether `row` meets a core write's guard: every clause holds when one of its tests passes. */
const admits = (write, row) =>
  write.guard.every((clause) =>
    clause.some(({ field, test, value }) => {
      const stored = row[field] ?? null;
      if (test === 'null') return stored === null;
      if (test === 'notNull') return stored !== null;
      if (stored === null) return false;
      return test === '=' ? stored === value : test === '<' ? stored < value : test === '>' ? stored > value : stored <= value;
    }),
  );

/** The row after a core write's changes, with `data` set alongside. */
const changed = (write, row, data = {}) => {
  const next = { ...row, ...data };
  for (const { field, change, value } of write.changes) {
    next[field] = change === 'set' ? value : change === 'clear' ? null : (row[field] ?? 0) + value;
  }
  return next;
};

module.exports = () => {
  const tables = { challenges: [], accounts: [], recovery: [], devices: [], limits: [] };
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
      if (!match(row) || !admits(write, row)) return row;
      count += 1;
      return changed(write, row, data);
    });
    return count;
  };
  const keepNewest = (kind, match, keep) => {
    const rows = tables[kind].filter(match).sort((a, b) => b.id - a.id);
    if (rows.length < keep) return;
    const oldest = rows[keep - 1].id;
    tables[kind] = tables[kind].filter((row) => !match(row) || row.id >= oldest);
  };
  const inSet = (userId, generation) => (row) => row.userId === userId && (row.generation === generation || (generation === 0 && row.generation === null));

  return {
    tables,
    challenges: {
      insert: async (row) => insert('challenges', row),
      keepNewestOpen: async (userId, purpose, keep) =>
        keepNewest('challenges', (row) => row.userId === userId && row.purpose === purpose && row.consumedAt === null, keep),
      byTokenHashes: async (hashes) => copy(tables.challenges.find((row) => hashes.includes(row.tokenHash))),
      latest: async (userId, purpose) => copy(newest(tables.challenges.filter((row) => row.userId === userId && row.purpose === purpose))),
      async lastConsumedAt(userId, purpose) {
        const times = tables.challenges.filter((row) => row.userId === userId && row.purpose === purpose && row.consumedAt !== null).map((row) => row.consumedAt);
        return times.length ? Math.max(...times) : null;
      },
      apply: async (row, write, data) => apply('challenges', (r) => r.id === row.id, write, data),
      endAll: async (userId, write) => apply('challenges', (r) => r.userId === userId && (r.consumedAt === null || r.purpose === 'enrol'), write),
      async purge(now, before) {
        tables.challenges = tables.challenges
          .filter((row) => row.expiresAt >= before)
          .map((row) => (row.destination !== null && (row.expiresAt <= now || row.consumedAt !== null) ? { ...row, destination: null } : row));
      },
    },

    accounts: {
      find: async (userId) => copy(tables.accounts.find((row) => row.userId === userId)),
      async ensure(userId) {
        if (!tables.accounts.some((row) => row.userId === userId)) insert('accounts', { userId, failures: 0, lastFailureAt: null, recoveryGeneration: 0 });
      },
      async update(userId, data) {
        tables.accounts = tables.accounts.map((row) => (row.userId === userId ? { ...row, ...data } : row));
      },
      apply: async (userId, write, data, match = {}) =>
        apply('accounts', (row) => row.userId === userId && Object.entries(match).every(([field, value]) => row[field] === value), write, data),
      async claimGeneration(userId, from) {
        const row = tables.accounts.find((r) => r.userId === userId);
        if (!row || (row.recoveryGeneration ?? 0) !== from) return false;
        row.recoveryGeneration = from + 1;
        return true;
      },
    },

    recovery: {
      unused: async (userId, generation) => tables.recovery.filter((row) => inSet(userId, generation)(row) && row.usedAt === null).map(copy),
      countUnused: async (userId, generation) => tables.recovery.filter((row) => inSet(userId, generation)(row) && row.usedAt === null).length,
      async insertMany(rows) {
        for (const row of rows) insert('recovery', { usedAt: null, ...row });
      },
      async deleteBefore(userId, generation) {
        tables.recovery = tables.recovery.filter((row) => row.userId !== userId || (row.generation !== null && row.generation >= generation));
      },
      apply: async (row, write) => apply('recovery', (r) => r.id === row.id, write),
      async deleteAll(userId) {
        tables.recovery = tables.recovery.filter((row) => row.userId !== userId);
      },
    },

    devices: {
      insert: async (row) => insert('devices', row),
      keepNewest: async (userId, keep) => keepNewest('devices', (row) => row.userId === userId, keep),
      byTokenHashes: async (hashes) => copy(tables.devices.find((row) => hashes.includes(row.tokenHash))),
      apply: async (row, write, data) => apply('devices', (r) => r.id === row.id && r.tokenHash === row.tokenHash, write, data),
      list: async (userId) => tables.devices.filter((row) => row.userId === userId).map(copy),
      async delete(userId, id) {
        const before = tables.devices.length;
        tables.devices = tables.devices.filter((row) => row.id !== id || row.userId !== userId);
        return tables.devices.length < before;
      },
      async deleteAll(userId) {
        tables.devices = tables.devices.filter((row) => row.userId !== userId);
      },
    },

    limits: {
      find: async (scope, subject) => copy(tables.limits.find((row) => row.scope === scope && row.subject === subject)),
      async ensure(scope, subject) {
        if (!tables.limits.some((row) => row.scope === scope && row.subject === subject)) insert('limits', { scope, subject, times: '', version: 0, expiresAt: 0 });
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
    },
  };
};

module.exports.admits = admits;
