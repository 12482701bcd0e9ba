'use strict';

// The playground's users have a phone number for SMS codes (the plugin's default
// `phoneField`). Private: it never appears in API responses.
module.exports = (plugin) => {
  plugin.contentTypes.user.schema.attributes.phoneNumber = { type: 'string', private: true };
  return plugin;
};
