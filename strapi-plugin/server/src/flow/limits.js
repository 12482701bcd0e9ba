'use strict';

// Sliding-window limits that hold across processes: at most `cap` events of a scope for
// one subject in any `windowSeconds`. The core rules on the stored times; the new times
// are written only if the row is still the version ruled on (a compare-and-set), so two
// processes can never both take the last place. Used by the delivery caps, the cooldown
// of phone and step-up codes, and the admin's test message.
const tf = require('two-factor-wasm');

// Each lost compare-and-set means another request took a place; past the core's number
// of them in a row the event is refused, as if capped: a limit never lets an unchecked
// event through.
const { MAX_RATE_TRIES, RATE_CONTENDED_RETRY_MS } = tf.LIMITS;

// Rows this process last read or wrote, at most this many (the oldest are forgotten).
const REMEMBERED_ROWS = 1000;

const parse = (text) => (text ? text.split(',').map(Number) : []);

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  const store = () => d.store.limits;
  // The row as this process last saw it, per scope and subject. A take first tries its
  // compare-and-set against it, so a row no other process moved costs one statement,
  // not a read and a write; a stale one only fails the compare-and-set, and the row is
  // read again. A refusal is never ruled on a remembered row: it is read first.
  const seen = new Map();
  const remember = (key, row) => {
    seen.delete(key);
    seen.set(key, row);
    if (seen.size > REMEMBERED_ROWS) seen.delete(seen.keys().next().value);
  };

  /** The stored row, created if there is none yet. */
  const load = async (scope, subject) => {
    const row = await store().find(scope, subject);
    if (row) return row;
    await store().ensure(scope, subject);
    return store().find(scope, subject);
  };

  return {
    /**
     * Takes a place for one event at `now`: `{ allowed: true }`, or `{ allowed: false,
     * retryAt }` when the window is full (nothing is stored then).
     */
    async take(scope, subject, { cap, windowSeconds, now }) {
      const key = `${scope}\n${subject}`;
      let row = seen.get(key);
      for (let tries = 0; tries < MAX_RATE_TRIES; tries += 1) {
        let verdict = row && tf.rateVerdict({ now, times: parse(row.times), cap, windowSeconds });
        if (!verdict?.allowed) {
          row = await load(scope, subject);
          verdict = tf.rateVerdict({ now, times: parse(row.times), cap, windowSeconds });
          if (!verdict.allowed) return verdict;
        }
        // The row may go once its newest event has left the window.
        const next = { times: verdict.times.join(','), expiresAt: tf.rateKeptUntil({ times: verdict.times, windowSeconds }) };
        if (await store().compareAndSet(row, next)) {
          // Only a committed row is remembered: a rolled-back one would be a version
          // another process may write with other times.
          const written = { id: row.id, times: next.times, version: row.version + 1 };
          d.store.afterCommit(() => remember(key, written));
          return { allowed: true };
        }
        row = null;
      }
      return { allowed: false, retryAt: now + RATE_CONTENDED_RETRY_MS };
    },

    /**
     * Gives back the place `take` granted at `at` (the event did not happen: a send that
     * failed), by the same compare-and-set; a place already gone is left alone.
     */
    async release(scope, subject, at) {
      seen.delete(`${scope}\n${subject}`);
      for (let tries = 0; tries < MAX_RATE_TRIES; tries += 1) {
        const row = await store().find(scope, subject);
        const kept = row && tf.rateRelease({ times: parse(row.times), at });
        if (!kept) return;
        if (await store().compareAndSet(row, { times: kept.join(',') })) return;
      }
    },

    /** Deletes rows whose every event has left its window. */
    purge: (now) => store().purge(now),
  };
};
