'use strict';

// Recovery codes: a set of ten, shown once, stored as keyed salted hashes, each usable
// once. A new set replaces the old one entirely.
const tf = require('two-factor-wasm');
const table = require('../db');

const UID = 'plugin::two-factor.recovery-code';

module.exports = ({ strapi }) => {
  const key = () => strapi.plugin('two-factor').service('keys').codeKey();

  return {
    /** Replaces the user's set; returns the new codes, which are never readable again. */
    async regenerate(userId) {
      const codes = tf.generateRecoveryCodes();
      const rows = codes.map((code) => {
        const salt = tf.generateSalt();
        return { userId, codeHash: tf.hashRecoveryCode(code, key(), salt), codeSalt: Buffer.from(salt).toString('hex') };
      });
      await strapi.db.transaction(async () => {
        await strapi.db.query(UID).deleteMany({ where: { userId } });
        await strapi.db.query(UID).createMany({ data: rows });
      });
      return codes;
    },

    async remaining(userId) {
      return strapi.db.query(UID).count({ where: { userId, usedAt: null } });
    },

    /** Whether `code` is one of the user's unused codes; if so it is spent, once, atomically. */
    async use(userId, code, now) {
      if (tf.normalizeRecoveryCode(code) === null) return false;
      const unused = await strapi.db.query(UID).findMany({ where: { userId, usedAt: null } });
      const keys = strapi.plugin('two-factor').service('keys').codeKeys();
      const match = unused.find((row) => keys.some((k) => tf.verifyRecoveryCode(code, row.codeHash, k, Buffer.from(row.codeSalt, 'hex'))));
      if (!match) return false;
      const { query, col } = table(strapi, UID);
      return (await query().where(col.id, match.id).whereNull(col.usedAt).update({ [col.usedAt]: now })) === 1;
    },

    async clear(userId) {
      await strapi.db.query(UID).deleteMany({ where: { userId } });
    },
  };
};
