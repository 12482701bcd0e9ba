'use strict';

// Boots the playground Strapi in this process on a fresh SQLite file, listening on
// 127.0.0.1, with everything it prints captured so tests can search the logs.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const APP_DIR = path.resolve(__dirname, '../../playground');

/** Everything written to stdout and stderr from now on (still shown as usual). */
const captureOutput = () => {
  const chunks = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      chunks.push(String(chunk));
      return write(chunk, ...rest);
    };
  }
  return () => chunks.join('');
};

const secret = () => crypto.randomBytes(32).toString('base64');

/**
 * Starts Strapi with the given extra environment. Returns `{ strapi, url, logs, stop }`.
 * `logs()` is all output since the boot began.
 */
const boot = async (env = {}) => {
  const logs = captureOutput();
  const dbFile = path.join('.tmp', `test-${process.pid}-${Date.now()}.db`);
  Object.assign(process.env, {
    NODE_ENV: 'test',
    STRAPI_TELEMETRY_DISABLED: 'true',
    APP_KEYS: `${secret()},${secret()}`,
    API_TOKEN_SALT: secret(),
    ADMIN_JWT_SECRET: secret(),
    JWT_SECRET: secret(),
    TRANSFER_TOKEN_SALT: secret(),
    ENCRYPTION_KEY: secret(),
    TWO_FACTOR_SECRET: secret(),
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: dbFile,
    UP_RATELIMIT: 'false',
    ...env,
  });
  const previousDir = process.cwd();
  process.chdir(APP_DIR);
  const { compileStrapi, createStrapi } = require('@strapi/strapi');
  const ctx = await compileStrapi({ appDir: APP_DIR });
  const strapi = await createStrapi({ ...ctx, autoReload: false, serveAdminPanel: false }).load();
  await strapi.server.mount();
  await new Promise((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = strapi.server.httpServer.address();
  process.chdir(previousDir);

  const stop = async () => {
    await strapi.destroy();
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(path.join(APP_DIR, dbFile + suffix), { force: true });
  };
  return { strapi, url: `http://127.0.0.1:${port}`, logs, stop, dbFile: path.join(APP_DIR, dbFile) };
};

module.exports = { boot, APP_DIR };
