'use strict';

// Raw query access to one of the plugin's tables, for the conditional updates that must
// be decided by the database (the row count says who won), never read-modify-write in JS.
module.exports = (strapi, uid) => {
  const meta = strapi.db.metadata.get(uid);
  const col = Object.fromEntries(
    Object.entries(meta.attributes)
      .filter(([, attribute]) => attribute.columnName)
      .map(([name, attribute]) => [name, attribute.columnName]),
  );
  return { query: () => strapi.db.getConnection(meta.tableName), col };
};
