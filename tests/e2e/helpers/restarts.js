'use strict';

// Strapi started, stopped and started again on one scratch database, each time in a
// child process with the environment a test gives it: an upgrade, a rollback, a secret
// rotation, as an operator would run them.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const database = require('./database');
const ipc = require('./ipc');
const { APP_DIR } = require('./strapi');
const { client } = require('./http');
const OTPAuth = require('otpauth');

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

const STEP_MS = 30_000;

/**
 * An operator's run of restarts on one database, one Strapi at a time: `boot(extra)`
 * stops the running one and starts another with `env` and `extra`. Every plugin clock is
 * kept as far ahead as `nextStep()` moved it, so each TOTP of `totp(secret)` is a new step.
 */
const operator = (env) => {
  let offset = 0;
  let running = null;
  return {
    async boot(extra = {}) {
      await this.stop();
      running = await start(env, extra);
      await running.call('shiftClock', offset);
      return running;
    },
    async stop() {
      const node = running;
      running = null;
      await node?.stop();
    },
    async nextStep() {
      offset += STEP_MS;
      await running.call('shiftClock', STEP_MS);
    },
    totp: (secret) =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offset }),
    /** A user with nothing enrolled (the stock login answers) adds an app: `{ secret, recoveryCodes }`. */
    async enrolApp(user) {
      const session = await running.http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
      assert.equal(session.status, 200, 'nothing enrolled yet: the stock login');
      const setup = await running.http.post('/api/auth/2fa/totp/setup', {}, { token: session.body.jwt });
      assert.equal(setup.status, 200, JSON.stringify(setup.body));
      const { secret } = setup.body.data;
      await this.nextStep();
      const confirm = await running.http.post('/api/auth/2fa/totp/confirm', { code: this.totp(secret) }, { token: session.body.jwt });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      return { secret, recoveryCodes: confirm.body.data.recoveryCodes };
    },
  };
};

module.exports = { unavailable, scratchDatabase, start, operator };
