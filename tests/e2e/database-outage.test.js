'use strict';

// The database goes away in the middle of a second step. Strapi runs on a PostgreSQL
// cluster this test started itself; only that cluster is stopped and started again.
const test = require('node:test');
const assert = require('node:assert/strict');
const database = require('./helpers/database');
const pgCluster = require('./helpers/pg-cluster');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { createUser } = require('./helpers/fixtures');
const poll = require('./helpers/poll');

const skip =
  (database.kind() !== 'postgres' && 'runs in the PostgreSQL pass (DB=postgres)') ||
  (!pgCluster.available() && 'needs PostgreSQL server binaries to start a scratch cluster');

let cluster;
let app;
let http;
let sms;

test.before(async () => {
  if (skip) return;
  cluster = await pgCluster.start();
  sms = await twilio.start();
  app = await boot({
    ...sms.env,
    DATABASE_CLIENT: 'postgres',
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: String(cluster.port),
    DATABASE_NAME: 'postgres',
    DATABASE_USERNAME: 'postgres',
    DATABASE_PASSWORD: '',
    DATABASE_CONNECTION_TIMEOUT: '2000',
  });
  http = client(app.url);
});
test.after(async () => {
  await app?.stop().catch(() => {});
  cluster?.destroy();
  await sms?.close();
});

test('a verify while the database is down: a 5xx and no token; afterwards the challenge works, attempts counted right', { skip }, async () => {
  const user = await createUser(app.strapi, { phone: '+15550140001' });
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 401);
  const { challenge } = res.body.error.details;
  const code = await sms.codeFor(user.phoneNumber, 0);

  cluster.down();
  const during = await http.post('/api/auth/2fa/verify', { challenge, code });
  assert.ok(during.status >= 500, `status ${during.status}`);
  assert.equal(during.body.jwt, undefined);
  assert.doesNotMatch(JSON.stringify(during.body), new RegExp(code));

  cluster.up();
  // The pool may hand out a connection that died with the server: wait until the app
  // reads the database again (an unknown challenge answers 401 once it can).
  const reconnected = async () => (await http.post('/api/auth/2fa/verify', { challenge: 'A'.repeat(43), code: '000000' })).status === 401;
  await poll(reconnected, 'the app did not reconnect', { withinMs: 20_000, everyMs: 250 });
  const row = await app.strapi.plugin('two-factor').service('challenges').findByToken(challenge);
  assert.equal(row.attempts, 0, 'the failed request spent no attempt');
  assert.equal(row.consumedAt, null);
  const after = await http.post('/api/auth/2fa/verify', { challenge, code });
  assert.equal(after.status, 200, JSON.stringify(after.body));
  assert.equal((await app.strapi.plugin('two-factor').service('challenges').findByToken(challenge)).attempts, 1);
});
