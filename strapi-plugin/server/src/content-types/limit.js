'use strict';

// One sliding-window limit: the times of the recent events of one kind (`scope`) for one
// subject (a user id, an admin id, or the keyed hash of a phone number, never the number).
// A new event is allowed by the core's rate verdict and stored by a compare-and-set on
// `version`, so the limit is exact across processes.
const hidden = require('./hidden');

module.exports = {
  kind: 'collectionType',
  collectionName: 'two_factor_limits',
  info: {
    singularName: 'limit',
    pluralName: 'limits',
    displayName: 'Two-factor limit',
  },
  ...hidden,
  attributes: {
    scope: { type: 'string', required: true, private: true },
    subject: { type: 'string', required: true, private: true },
    // Unix milliseconds, comma-separated, ascending; at most the cap.
    times: { type: 'text', private: true },
    version: { type: 'integer', required: true, default: 0, private: true },
    // When the newest event leaves the window: the row is purged after that.
    expiresAt: { type: 'biginteger', required: true, private: true },
  },
  indexes: [
    { name: 'two_factor_limits_scope_subject_uq', columns: ['scope', 'subject'], type: 'unique' },
    { name: 'two_factor_limits_expires_at_idx', columns: ['expires_at'] },
  ],
};
