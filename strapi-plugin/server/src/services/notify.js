'use strict';

// Tells the user by e-mail when their second factors change, so that a change they did
// not make is noticed. Turned off with `notifications: false`. A failure to send is
// logged and never undoes the change.
const EVENTS = {
  'totp.added': 'An authenticator app was added to your account.',
  'phone.added': 'A phone number was verified for sign-in codes on your account.',
  'recovery.regenerated': 'New recovery codes were generated for your account; the old ones no longer work.',
  'disabled': 'Two-factor authentication was turned off for your account.',
  'device.revoked': 'A trusted device was removed from your account.',
};

module.exports = ({ strapi }) => {
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);

  return {
    async send(user, event) {
      if (!config('notifications') || !user.email) return;
      const values = { appName: config('appName'), event: EVENTS[event] };
      const fill = (template) => template.replace(/\{(appName|event)\}/g, (_, key) => values[key]);
      const messages = config('messages');
      try {
        await strapi.plugin('email').service('email').send({
          to: user.email,
          ...(config('email').from ? { from: config('email').from } : {}),
          subject: fill(messages.notificationSubject),
          text: fill(messages.notificationText),
        });
      } catch (error) {
        strapi.log.warn(`[two-factor] notification "${event}" to user ${user.id} failed: ${error.message}`);
      }
    },
  };
};
