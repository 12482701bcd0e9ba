'use strict';

// Several playground Strapi processes on one scratch PostgreSQL or MariaDB database, as
// behind a load balancer: same secrets, same database, different ports.
const path = require('node:path');
const database = require('./database');
const ipc = require('./ipc');
const { appSecrets } = require('./strapi');

/** Starts `count` processes one after another; returns `{ nodes, stop }`. */
const start = async (count, env = {}) => {
  const scratch = await database.createScratch();
  // One set of secrets for all: tokens made by one process must verify on another.
  const shared = { ...appSecrets(), ...env };
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

const spawnNode = async (sharedDatabase, env) => {
  const node = await ipc.spawn(path.join(__dirname, 'serve.js'), [], { E2E_SHARED_DATABASE: sharedDatabase, E2E_BOOT_ENV: JSON.stringify(env) });
  return { url: node.ready, call: node.call, child: node.child };
};

module.exports = { start };
