'use strict';

// The plugin's own tables, reachable through no API but the plugin's own routes: no
// content-API route, no GraphQL shadow CRUD, no content-manager access for any admin and
// no document-service access (private-tables.js; the startup self-check refuses to start
// otherwise). Every attribute is private as well.
module.exports = {
  challenge: { schema: require('./challenge') },
  account: { schema: require('./account') },
  factor: { schema: require('./factor') },
  'recovery-code': { schema: require('./recovery-code') },
  device: { schema: require('./device') },
  limit: { schema: require('./limit') },
};
