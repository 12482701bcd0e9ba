'use strict';

// Boots the playground Strapi in this process on a fresh scratch database (SQLite by
// default; DB=postgres or DB=mariadb), listening on 127.0.0.1, with everything it prints
// captured so tests can search the logs.
const path = require('node:path');
const crypto = require('node:crypto');
const database = require('./database');

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

/** Fresh random values for every secret the playground reads from the environment. */
const appSecrets = () => ({
  APP_KEYS: `${secret()},${secret()}`,
  API_TOKEN_SALT: secret(),
  ADMIN_JWT_SECRET: secret(),
  JWT_SECRET: secret(),
  TRANSFER_TOKEN_SALT: secret(),
  ENCRYPTION_KEY: secret(),
  TWO_FACTOR_SECRET: secret(),
});

/**
 * Starts Strapi with the given extra environment. Returns `{ strapi, url, logs, stop }`.
 * `logs()` is all output since the boot began. `serveAdminPanel` serves the built admin
 * panel (the browser test; run `strapi build` first).
 */
const boot = async (env = {}, { serveAdminPanel = false } = {}) => {
  const logs = captureOutput();
  const db = await database.forBoot(APP_DIR);
  Object.assign(process.env, {
    NODE_ENV: 'test',
    STRAPI_TELEMETRY_DISABLED: 'true',
    ...appSecrets(),
    ...db.env,
    UP_RATELIMIT: 'false',
    ...env,
  });
  const previousDir = process.cwd();
  process.chdir(APP_DIR);
  let strapi;
  try {
    const { compileStrapi, createStrapi } = require('@strapi/strapi');
    const ctx = await compileStrapi({ appDir: APP_DIR });
    strapi = createStrapi({ ...ctx, autoReload: false, serveAdminPanel });
    await strapi.load();
    await strapi.server.mount();
    await new Promise((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  } catch (error) {
    // A boot that fails (as the refusal tests want) still leaves no scratch database.
    await strapi?.destroy().catch(() => {});
    await db.drop();
    throw error;
  } finally {
    process.chdir(previousDir);
  }
  const { port } = strapi.server.httpServer.address();

  const stop = async () => {
    await strapi.destroy();
    await db.drop();
  };
  return { strapi, url: `http://127.0.0.1:${port}`, logs, stop, database: db.label };
};

module.exports = { boot, appSecrets, APP_DIR };
