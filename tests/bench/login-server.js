'use strict';

// One playground Strapi for the login benchmark, with or without the plugin (argv[2]:
// "plugin" or "stock"). Prints one JSON line (url and credentials of a user in a role that is
// "off" when the plugin is on), then serves until SIGTERM.
const { boot } = require('../e2e/helpers/strapi');
const { createUser } = require('../e2e/helpers/fixtures');

const withPlugin = process.argv[2] === 'plugin';

(async () => {
  const app = await boot({ TWO_FACTOR_ENABLED: String(withPlugin), NODE_ENV: 'production', STRAPI_LOG_LEVEL: 'error', TWO_FACTOR_SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC0', TWILIO_AUTH_TOKEN: 'unused', TWILIO_FROM: '+10', TWILIO_BASE_URL: 'http://127.0.0.1:9' });
  app.strapi.log.level = 'error';
  const user = await createUser(app.strapi, { role: 'staff' });
  process.stdout.write(`${JSON.stringify({ url: app.url, identifier: user.identifier, password: user.password })}\n`);
  process.on('SIGTERM', () => app.stop().then(() => process.exit(0)));
})();
