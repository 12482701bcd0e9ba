'use strict';

// Several playground Strapi processes on one scratch PostgreSQL or MariaDB database, as
// behind a load balancer: same secrets, same database, different ports.
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const database = require('./database');

const secret = () => crypto.randomBytes(32).toString('base64');

/** Starts `count` processes one after another; returns `{ nodes, stop }`. */
const start = async (count, env = {}) => {
  const scratch = await database.createScratch();
  const shared = {
    APP_KEYS: `${secret()},${secret()}`,
    API_TOKEN_SALT: secret(),
    ADMIN_JWT_SECRET: secret(),
    JWT_SECRET: secret(),
    TRANSFER_TOKEN_SALT: secret(),
    ENCRYPTION_KEY: secret(),
    TWO_FACTOR_SECRET: secret(),
    ...env,
  };
  const nodes = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.call('stop').catch(() => node.child.kill('SIGKILL'))));
    await scratch.drop();
  };
  try {
    // One at a time: the first creates the schema, the others find it in place.
    for (let i = 0; i < count; i += 1) nodes.push(await spawnNode(scratch.name, shared));
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
};

const spawnNode = (sharedDatabase, env) =>
  new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'serve.js'), [], {
      env: { ...process.env, E2E_SHARED_DATABASE: sharedDatabase, E2E_BOOT_ENV: JSON.stringify(env) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const pending = new Map();
    let serial = 0;
    const call = (command, ...args) =>
      new Promise((ok, fail) => {
        serial += 1;
        pending.set(serial, { ok, fail });
        child.send({ id: serial, command, args });
      });
    child.on('message', (message) => {
      if (message.ready) return resolve({ url: message.ready, call, child });
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter.fail(new Error(message.error));
      else waiter.ok(message.result);
    });
    child.on('exit', (code) => reject(new Error(`a Strapi process exited (${code})`)));
  });

module.exports = { start };
