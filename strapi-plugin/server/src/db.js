'use strict';

// Raw query access to one of the plugin's tables, for the conditional updates that must
// be decided by the database (the row count says who won), never read-modify-write in JS.
/** A bigint column's value as a number (some drivers return strings), keeping null. */
const num = (value) => (value === null || value === undefined ? null : Number(value));

module.exports = (strapi, uid) => {
  const meta = strapi.db.metadata.get(uid);
  const col = Object.fromEntries(
    Object.entries(meta.attributes)
      .filter(([, attribute]) => attribute.columnName)
      .map(([name, attribute]) => [name, attribute.columnName]),
  );
  return { query: () => strapi.db.getConnection(meta.tableName), col };
};
module.exports.num = num;
