'use strict';

// Sliding-window limits that hold across processes: at most `cap` events of a scope for
// one subject in any `windowSeconds`. The core rules on the stored times; the new times
// are written only if the row is still the version ruled on (a compare-and-set), so two
// processes can never both take the last place. Used by the delivery caps, the cooldown
// of phone and step-up codes, and the admin's test message.
const tf = require('two-factor-wasm');

// Each lost compare-and-set means another request took a place; past this many in a row
// the event is refused, as if capped: a limit never lets an unchecked event through.
const MAX_TRIES = 25;
const CONTENDED_RETRY_MS = 1000;

const parse = (text) => (text ? text.split(',').map(Number) : []);

/** @param {import('../plugin').Parts} d */
module.exports = (d) => {
  const store = () => d.store.limits;

  return {
    /**
     * Takes a place for one event at `now`: `{ allowed: true }`, or `{ allowed: false,
     * retryAt }` when the window is full (nothing is stored then).
     */
    async take(scope, subject, { cap, windowSeconds, now }) {
      for (let tries = 0; tries < MAX_TRIES; tries += 1) {
        const row = await store().find(scope, subject);
        if (!row) {
          await store().ensure(scope, subject);
          continue;
        }
        const verdict = tf.rateVerdict({ now, times: parse(row.times), cap, windowSeconds });
        if (!verdict.allowed) return verdict;
        // The row may go once its newest event has left the window.
        const expiresAt = tf.rateKeptUntil({ times: verdict.times, windowSeconds });
        if (await store().compareAndSet(row, { times: verdict.times.join(','), expiresAt })) return { allowed: true };
      }
      return { allowed: false, retryAt: now + CONTENDED_RETRY_MS };
    },

    /**
     * Gives back the place `take` granted at `at` (the event did not happen: a send that
     * failed), by the same compare-and-set; a place already gone is left alone.
     */
    async release(scope, subject, at) {
      for (let tries = 0; tries < MAX_TRIES; tries += 1) {
        const row = await store().find(scope, subject);
        const times = parse(row?.times);
        const index = times.lastIndexOf(at);
        if (index < 0) return;
        times.splice(index, 1);
        if (await store().compareAndSet(row, { times: times.join(',') })) return;
      }
    },

    /** Deletes rows whose every event has left its window. */
    purge: (now) => store().purge(now),
  };
};
