'use strict';

// Strapi started, stopped and started again on one scratch database, each time in a
// child process with the environment a test gives it: an upgrade, a rollback, a secret
// rotation, as an operator would run them.
const fs = require('node:fs');
const path = require('node:path');
const database = require('./database');
const ipc = require('./ipc');
const { APP_DIR } = require('./strapi');
const { client } = require('./http');

/** Why the test cannot run here, or null. */
const unavailable = async () => ((await database.reachable()) ? null : `no ${database.kind()} server on 127.0.0.1`);

/** A scratch database that several boots share: `{ env, drop }`. */
const scratchDatabase = async (name) => {
  if (database.kind() === 'sqlite') {
    const file = path.join('.tmp', `two_factor_${name}_${process.pid}_${Date.now()}.db`);
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(path.join(APP_DIR, file + suffix), { force: true });
    };
    return { env: { DATABASE_FILENAME: file }, drop };
  }
  const { name: scratch, drop } = await database.createScratch();
  return { env: { E2E_SHARED_DATABASE: scratch }, drop };
};

/** One Strapi in a child process on the scratch database of `env`, with `boot` added to its environment. */
const start = async (env, boot = {}) => {
  const { E2E_SHARED_DATABASE, ...rest } = env;
  const node = await ipc.spawn(path.join(__dirname, 'serve.js'), [], {
    ...(E2E_SHARED_DATABASE ? { E2E_SHARED_DATABASE } : {}),
    E2E_BOOT_ENV: JSON.stringify({ ...rest, ...boot }),
  });
  return { url: node.ready, call: node.call, http: client(node.ready), stop: () => node.call('stop') };
};

module.exports = { unavailable, scratchDatabase, start };
