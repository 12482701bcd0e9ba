'use strict';

// One playground Strapi for the HTTP benchmark, in its own process: with the plugin
// (argv[2] = "plugin") or without ("stock"), on DB=sqlite or DB=postgres. It creates its
// users, then answers the benchmark's requests over IPC: what to send, and its own CPU
// time. Secrets and the SMS provider (a loopback Twilio double) come from E2E_BOOT_ENV.
const { boot } = require('../e2e/helpers/strapi');
const { createUser } = require('../e2e/helpers/fixtures');
const ipc = require('../e2e/helpers/ipc');

const withPlugin = process.argv[2] === 'plugin';
const REQUIRED_USERS = 8;

(async () => {
  const app = await boot({
    ...JSON.parse(process.env.E2E_BOOT_ENV || '{}'),
    TWO_FACTOR_ENABLED: String(withPlugin),
    NODE_ENV: 'production',
  });
  app.strapi.log.level = 'error';
  const off = await createUser(app.strapi, { role: 'staff' });
  // Step 1 cycles over these users, under caps set to their maximum, so that no login of
  // the run meets a cap: the rows measure a sign-in, not a 429.
  const required = [];
  if (withPlugin) {
    for (let i = 0; i < REQUIRED_USERS; i += 1) required.push(await createUser(app.strapi, { phone: `+1555015000${i}` }));
    const max = app.strapi.plugin('two-factor').service('settings');
    const cap = require('two-factor-wasm').LIMITS.MAX_RATE_CAP;
    await max.change({ caps: { smsPerHour: cap, emailPerHour: cap, perNumberPerHour: cap } });
  }
  const commands = {
    cpuMicros: () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    /**
     * `n` live challenges with their codes, made in-process. A user keeps at most
     * MAX_OPEN_CHALLENGES open, so they are spread over as many users as that takes.
     */
    challenges: async (n) => {
      const challenges = app.strapi.plugin('two-factor').service('challenges');
      const rules = await app.strapi.plugin('two-factor').service('settings').get();
      const { MAX_OPEN_CHALLENGES } = require('two-factor-wasm').LIMITS;
      const now = Date.now();
      const made = [];
      while (made.length < n) {
        const user = await createUser(app.strapi, { phone: `+1555016${String(made.length).padStart(4, '0')}` });
        for (let i = 0; i < MAX_OPEN_CHALLENGES && made.length < n; i += 1) {
          const { token, code } = await challenges.create({ userId: user.id, method: 'sms', destination: user.phoneNumber, now, rules });
          made.push({ challenge: token, code });
        }
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
