'use strict';

// Sends a code by SMS (through the configured provider) or by e-mail (through Strapi's
// e-mail plugin, so whatever e-mail provider the project uses works). Messages are
// templates with {code}, {appName} and {minutes}.
const { codeMinutesLeft } = require('two-factor-wasm');
const createSmsProvider = require('./sms');
const parts = require('../plugin');

const fill = (template, values) => template.replace(/\{(code|appName|minutes)\}/g, (_, key) => values[key]);

/** Where a webhook posts, without the path or query, which may carry a token. */
const origin = (url) => new URL(url).origin;

module.exports = ({ strapi }) => {
  const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
  let sms = null;

  // `now` (unix ms) is when the message is sent: the webhook provider signs it.
  const sendSms = (to, message, code, user, now) => sms.send({ to, code, message, user, now });

  const sendEmail = (to, { subject, text, html }) =>
    strapi.plugin('email').service('email').send({ to, ...(config('email').from ? { from: config('email').from } : {}), subject, text, html });

  return {
    /** Builds the SMS provider once at startup, so a bad one stops Strapi early. */
    load() {
      const { provider, options } = config('sms');
      sms = createSmsProvider(provider, options);
    },

    /**
     * Delivers `code`, which expires at `expiresAt`, to `to` (a phone number or an e-mail
     * address); throws when the provider did not accept it.
     */
    async send({ user, method, to, code, expiresAt, now }) {
      const messages = config('messages');
      const minutes = String(codeMinutesLeft({ now, expiresAt }));
      const values = { code, appName: config('appName'), minutes };
      if (method === 'sms') {
        await sendSms(to, fill(messages.sms, values), code, { id: user.id, username: user.username, email: user.email }, now);
        return;
      }
      await sendEmail(to, { subject: fill(messages.emailSubject, values), text: fill(messages.emailText, values), html: fill(messages.emailHtml, values) });
    },

    /** The admin's test message: no code (a custom provider gets `code: null` and `user: null`). */
    async sendTest({ method, to, now = parts(strapi).clock.now() }) {
      const messages = config('messages');
      const values = { appName: config('appName') };
      const text = fill(messages.test, values);
      if (method === 'sms') return sendSms(to, text, null, null, now);
      return sendEmail(to, { subject: fill(messages.testSubject, values), text });
    },

    /** What the settings page shows of delivery: which providers, never their secrets. */
    status() {
      const { provider, options } = config('sms');
      return {
        sms: {
          provider,
          // The console provider only prints codes on the server's terminal.
          configured: provider !== 'console',
          from: provider === 'twilio' ? options.from : null,
          endpoint: provider === 'webhook' ? origin(options.url) : null,
        },
        email: {
          provider: strapi.config.get('plugin::email.provider') ?? 'sendmail',
          from: config('email').from ?? strapi.config.get('plugin::email.settings.defaultFrom') ?? null,
        },
      };
    },
  };
};
