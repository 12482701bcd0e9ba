'use strict';

// Sliding-window limits that hold across processes: at most `cap` events of a scope for
// one subject in any `windowSeconds`. The core rules on the stored times; the new times
// are written only if the row is still the version ruled on (a compare-and-set), so two
// processes can never both take the last place. Used by the delivery caps, the cooldown
// of phone and step-up codes, and the admin's test message.
const tf = require('two-factor-wasm');
const table = require('../db');

const { num } = table;

const UID = 'plugin::two-factor.limit';
// Each lost compare-and-set means another request took a place; past this many in a row
// the event is refused, as if capped: a limit never lets an unchecked event through.
const MAX_TRIES = 25;
const CONTENDED_RETRY_MS = 1000;

const parse = (text) => (text ? text.split(',').map(Number) : []);

module.exports = ({ strapi }) => {
  const db = () => table(strapi, UID);

  const find = async (scope, subject) => {
    const { query, col } = db();
    return query().where(col.scope, scope).where(col.subject, subject).first();
  };

  /** Creates the row if it does not exist; safe when processes race to do it. */
  const ensure = async (scope, subject) => {
    const { query, col } = db();
    await query()
      .insert({ [col.scope]: scope, [col.subject]: subject, [col.times]: '', [col.version]: 0, [col.expiresAt]: 0 })
      .onConflict([col.scope, col.subject])
      .ignore();
  };

  return {
    /**
     * Takes a place for one event at `now`: `{ allowed: true }`, or `{ allowed: false,
     * retryAt }` when the window is full (nothing is stored then).
     */
    async take(scope, subject, { cap, windowSeconds, now }) {
      const { query, col } = db();
      for (let tries = 0; tries < MAX_TRIES; tries += 1) {
        const row = await find(scope, subject);
        if (!row) {
          await ensure(scope, subject);
          continue;
        }
        const verdict = tf.rateVerdict({ now, times: parse(row[col.times]), cap, windowSeconds });
        if (!verdict.allowed) return verdict;
        const updated = await query()
          .where(col.id, row[col.id])
          .where(col.version, row[col.version])
          .update({
            [col.times]: verdict.times.join(','),
            [col.version]: num(row[col.version]) + 1,
            [col.expiresAt]: Math.max(...verdict.times) + windowSeconds * 1000,
          });
        if (updated === 1) return { allowed: true };
      }
      return { allowed: false, retryAt: now + CONTENDED_RETRY_MS };
    },

    /**
     * Gives back the place `take` granted at `at` (the event did not happen: a send that
     * failed), by the same compare-and-set; a place already gone is left alone.
     */
    async release(scope, subject, at) {
      const { query, col } = db();
      for (let tries = 0; tries < MAX_TRIES; tries += 1) {
        const row = await find(scope, subject);
        const times = parse(row?.[col.times]);
        const index = times.lastIndexOf(at);
        if (index < 0) return;
        times.splice(index, 1);
        const updated = await query()
          .where(col.id, row[col.id])
          .where(col.version, row[col.version])
          .update({ [col.times]: times.join(','), [col.version]: num(row[col.version]) + 1 });
        if (updated === 1) return;
      }
    },

    /** Deletes rows whose every event has left its window. */
    async purge(now) {
      const { query, col } = db();
      await query().where(col.expiresAt, '<', now).delete();
    },
  };
};
