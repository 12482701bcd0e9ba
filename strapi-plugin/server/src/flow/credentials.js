'use strict';

// What was granted under a user's old credentials ends when they change: the user's
// open sign-in challenges and their trusted devices. The host tells when they change
// (bootstrap passes `end` to `host.watchCredentials`), whichever path changed them.

/** @param {import('../domain').Domain} d */
module.exports = (d) => ({
  /** Ends the user's open challenges and forgets their trusted devices. */
  async end(userId) {
    await d.challenges.closeAll(userId);
    await d.devices.revokeAll(userId);
    d.events.emit('credentials.changed', { userId });
  },
});
