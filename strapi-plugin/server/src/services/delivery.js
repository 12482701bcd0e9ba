'use strict';

// Sends a code by SMS (through the configured provider) or by e-mail (through Strapi's
// e-mail plugin, so whatever e-mail provider the project uses works). Messages are
// templates with {code}, {appName} and {minutes}.
const createSmsProvider = require('./sms');

const fill = (template, values) => template.replace(/\{(code|appName|minutes)\}/g, (_, key) => values[key]);

module.exports = ({ strapi }) => {
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
  let sms = null;

  return {
    /** Builds the SMS provider once at startup, so a bad one stops Strapi early. */
    load() {
      const { provider, options } = config('sms');
      sms = createSmsProvider(provider, options);
    },

    /** Delivers `code` to `to` (a phone number or an e-mail address); throws when the provider did not accept it. */
    async send({ user, method, to, code }) {
      const messages = config('messages');
      const values = { code, appName: config('appName'), minutes: String(Math.round(config('code').ttlSeconds / 60)) };
      if (method === 'sms') {
        await sms.send({ to, code, message: fill(messages.sms, values), user: { id: user.id, username: user.username, email: user.email } });
        return;
      }
      await strapi.plugin('email').service('email').send({
        to,
        ...(config('email').from ? { from: config('email').from } : {}),
        subject: fill(messages.emailSubject, values),
        text: fill(messages.emailText, values),
        html: fill(messages.emailHtml, values),
      });
    },
  };
};
