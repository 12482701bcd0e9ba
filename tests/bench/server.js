'use strict';

// One playground Strapi for the HTTP benchmark, in its own process: with the plugin
// (argv[2] = "plugin") or without ("stock"), on DB=sqlite or DB=postgres. It creates its
// users, then answers the benchmark's requests over IPC: what to send, and its own CPU
// time. Secrets and the SMS provider (a loopback Twilio double) come from E2E_BOOT_ENV.
const { boot } = require('../e2e/helpers/strapi');
const { createUser } = require('../e2e/helpers/fixtures');
const ipc = require('../e2e/helpers/ipc');

const withPlugin = process.argv[2] === 'plugin';

(async () => {
  const app = await boot({
    ...JSON.parse(process.env.E2E_BOOT_ENV || '{}'),
    TWO_FACTOR_ENABLED: String(withPlugin),
    NODE_ENV: 'production',
  });
  app.strapi.log.level = 'error';
  const off = await createUser(app.strapi, { role: 'staff' });
  const required = withPlugin ? await createUser(app.strapi, { phone: '+15550150000' }) : null;
  const commands = {
    cpuMicros: () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    /** `n` live challenges of the required user with their codes, made in-process. */
    challenges: async (n) => {
      const challenges = app.strapi.plugin('two-factor').service('challenges');
      const rules = await app.strapi.plugin('two-factor').service('settings').get();
      const now = Date.now();
      const made = [];
      for (let i = 0; i < n; i += 1) {
        const { token, code } = await challenges.create({ userId: required.id, method: 'sms', destination: '+15550150000', now, rules });
        made.push({ challenge: token, code });
      }
      return made;
    },
    jwt: async () => app.strapi.plugin('users-permissions').service('jwt').issue({ id: off.id }),
    stop: async () => {
      await app.stop();
      setImmediate(() => process.exit(0));
      return true;
    },
  };
  ipc.serve(commands, { url: app.url, off, required });
})();
