'use strict';

// What was granted under a user's old credentials ends when they change: the user's
// open sign-in challenges and their trusted devices. The host tells when they change
// (bootstrap passes `end` to `host.watchCredentials`), whichever path changed them.
const parts = require('../plugin');

module.exports = ({ strapi }) => {
  const part = parts(strapi);

  return {
    /** Ends the user's open challenges and forgets their trusted devices. */
    async end(userId) {
      await part.challenges.closeAll(userId);
      await part.devices.revokeAll(userId);
      part.events.emit('credentials.changed', { userId });
    },
  };
};
