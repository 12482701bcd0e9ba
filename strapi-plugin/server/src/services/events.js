'use strict';

// `two-factor.*` events on Strapi's event hub, for audit logs and webhooks of the app's
// own. Payloads name the user and the challenge row, never a code, token or secret.
module.exports = ({ strapi }) => ({
  emit(name, payload) {
    strapi.eventHub.emit(`two-factor.${name}`, payload);
  },
});
