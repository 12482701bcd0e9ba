'use strict';

// The plugin's own tables. No content-API routes expose them, they are hidden from the
// content manager, and every attribute is private.
module.exports = {
  challenge: { schema: require('./challenge') },
  account: { schema: require('./account') },
  'recovery-code': { schema: require('./recovery-code') },
  device: { schema: require('./device') },
};
