'use strict';

// A Strapi in a child process that answers its parent's requests over IPC: the child
// side (`serve`) and the parent side (`spawn`).
const { fork } = require('node:child_process');

/** In the child: answer `{ id, command, args }` messages with `commands`, then say ready. */
const serve = (commands, ready) => {
  process.on('message', async ({ id, command, args }) => {
    try {
      process.send({ id, result: (await commands[command](...args)) ?? null });
    } catch (error) {
      process.send({ id, error: error.message });
    }
  });
  process.send({ ready });
};

/**
 * In the parent: forks `script` and resolves, once it is ready, to `{ ready, call, child }`
 * where `call(command, ...args)` returns the child's answer.
 */
const spawn = (script, args, env) =>
  new Promise((resolve, reject) => {
    // A child's Strapi log is dropped unless E2E_CHILD_STDOUT is set (to see a 500's stack).
    const stdout = process.env.E2E_CHILD_STDOUT ? 'inherit' : 'ignore';
    const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit', 'ipc'] });
    const pending = new Map();
    let serial = 0;
    const call = (command, ...commandArgs) =>
      new Promise((ok, fail) => {
        serial += 1;
        pending.set(serial, { ok, fail });
        child.send({ id: serial, command, args: commandArgs });
      });
    child.on('message', (message) => {
      if (message.ready) return resolve({ ready: message.ready, call, child });
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter.fail(new Error(message.error));
      else waiter.ok(message.result);
    });
    child.on('exit', (code) => {
      reject(new Error(`${script} exited (${code})`));
      for (const waiter of pending.values()) waiter.fail(new Error(`${script} exited (${code})`));
    });
  });

module.exports = { serve, spawn };
