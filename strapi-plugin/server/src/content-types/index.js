'use strict';

// The plugin's own tables. No content-API routes expose them, they are hidden from the
// content manager, and every secret-bearing attribute is private.
module.exports = {
  challenge: { schema: require('./challenge') },
  account: { schema: require('./account') },
};
