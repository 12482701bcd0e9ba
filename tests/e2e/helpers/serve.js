'use strict';

// One Strapi of a multi-process test, run as a child process: boots the playground on
// the shared scratch database with the parent's secrets (E2E_BOOT_ENV), then answers the
// parent's fixture requests over IPC. Strapi's own output is the child's stdout.
const { boot } = require('./strapi');
const fixtures = require('./fixtures');
const ipc = require('./ipc');

(async () => {
  const app = await boot(JSON.parse(process.env.E2E_BOOT_ENV || '{}'));
  const plugin = app.strapi.plugin('two-factor');
  const commands = {
    createUser: (options) => fixtures.createUser(app.strapi, options),
    ensureRole: async (type) => (await fixtures.ensureRole(app.strapi, type)).id,
    createAdmin: (options) => fixtures.createAdmin(app.strapi, options),
    shiftClock: (ms) => Boolean(fixtures.shiftClock(app.strapi, ms)),
    challenge: (token) => plugin.service('challenges').findByToken(token),
    account: (userId) => plugin.service('accounts').find(userId),
    stop: async () => {
      await app.stop();
      setImmediate(() => process.exit(0));
      return true;
    },
  };
  ipc.serve(commands, app.url);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
