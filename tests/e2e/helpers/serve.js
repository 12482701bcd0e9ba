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
    // For the upgrade test: what the process printed, and the plugin's rows as they are.
    logs: () => app.logs(),
    count: (type, where) => app.strapi.db.query(`plugin::two-factor.${type}`).count({ where }),
    rows: (type, where) => app.strapi.db.query(`plugin::two-factor.${type}`).findMany({ where }),
    updateRows: async (type, where, data) => (await app.strapi.db.query(`plugin::two-factor.${type}`).updateMany({ where, data })).count,
    indexes: (tableName) => app.strapi.db.dialect.schemaInspector.getIndexes(tableName),
    migrate: () => require('strapi-plugin-two-factor/strapi-server').bootstrap.migrate(app.strapi),
    insertRows: async (tableName, rows) => {
      for (let i = 0; i < rows.length; i += 500) await app.strapi.db.getConnection(tableName).insert(rows.slice(i, i + 500));
      return rows.length;
    },
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
