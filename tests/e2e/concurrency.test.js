'use strict';

// Races that the database, not JS, must decide: 50 concurrent verifies of one correct
// code, and 50 concurrent wrong guesses. Also the plugin's tables as the database built
// them, the events the plugin emits, and the purge of expired challenges.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { createUser, recordEvents, shiftClock } = require('./helpers/fixtures');

let app;
let http;
let sms;
let events;

test.before(async () => {
  sms = await twilio.start();
  app = await boot(sms.env);
  http = client(app.url);
  events = recordEvents(app.strapi, 'two-factor.');
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
});

const challengeFor = async (phone) => {
  const user = await createUser(app.strapi, { phone });
  const sent = sms.messages.length;
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(res.status, 401);
  return { user, challenge: res.body.error.details.challenge, code: await sms.codeFor(phone, sent) };
};

const row = (challenge) => app.strapi.plugin('two-factor').service('challenges').findByToken(challenge);

test('the database has the unique index on the token hash, and times as 64-bit integers', async () => {
  const inspector = app.strapi.db.dialect.schemaInspector;
  const indexes = await inspector.getIndexes('two_factor_challenges');
  assert.ok(indexes.some((i) => i.type === 'unique' && i.columns.join() === 'token_hash'), JSON.stringify(indexes));
  assert.ok(indexes.some((i) => i.columns.join() === 'expires_at'));
  const devices = await inspector.getIndexes('two_factor_devices');
  assert.ok(devices.some((i) => i.type === 'unique' && i.columns.join() === 'token_hash'));
  const accounts = await inspector.getIndexes('two_factor_accounts');
  assert.ok(accounts.some((i) => i.type === 'unique' && i.columns.join() === 'realm,user_id'), JSON.stringify(accounts));
  const factors = await inspector.getIndexes('two_factor_factors');
  assert.ok(factors.some((i) => i.type === 'unique' && i.columns.join() === 'realm,user_id,slot'), JSON.stringify(factors));
  // Unix milliseconds in bigint columns: no time zone, no DATETIME rounding, on every database.
  const columns = await app.strapi.db.getConnection('two_factor_challenges').columnInfo();
  for (const name of ['expires_at', 'last_sent_at', 'consumed_at']) {
    assert.match(columns[name].type, /^bigint/i, `${name}: ${JSON.stringify(columns[name])}`);
  }
});

test('50 concurrent verifies of one correct code yield exactly one session', async () => {
  const { challenge, code } = await challengeFor('+15550107001');
  const results = await Promise.all(Array.from({ length: 50 }, () => http.post('/api/auth/2fa/verify', { challenge, code })));
  const wins = results.filter((r) => r.status === 200);
  assert.equal(wins.length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
  assert.ok(wins[0].body.jwt);
  assert.ok(results.every((r) => r.status === 200 || r.status === 401));
  assert.ok((await row(challenge)).attempts <= 5);
});

test('50 concurrent wrong guesses count exactly up to the maximum', async () => {
  const { user, challenge, code } = await challengeFor('+15550107002');
  const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
  const results = await Promise.all(Array.from({ length: 50 }, () => http.post('/api/auth/2fa/verify', { challenge, code: wrong })));
  const counted = results.filter((r) => r.status === 400);
  assert.equal(counted.length, 5, `statuses: ${results.map((r) => r.status).join(',')}`);
  assert.equal(results.filter((r) => r.status === 401).length, 45);
  assert.equal((await row(challenge)).attempts, 5);
  const account = await app.strapi.db.query('plugin::two-factor.account').findOne({ where: { userId: user.id } });
  assert.equal(account.failures, 5, 'each counted guess is one account failure, no more');
  assert.equal((await http.post('/api/auth/2fa/verify', { challenge, code })).status, 401, 'the right code comes too late');
});

test('concurrent resends send at most one new code', async () => {
  const { challenge } = await challengeFor('+15550107003');
  const reset = shiftClock(app.strapi, 31_000);
  try {
    const results = await Promise.all(Array.from({ length: 10 }, () => http.post('/api/auth/2fa/resend', { challenge })));
    assert.equal(results.filter((r) => r.status === 200).length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    assert.equal((await row(challenge)).resends, 1);
  } finally {
    reset();
  }
});

test('two-factor events are emitted without codes or tokens', async () => {
  const names = new Set(events.map((e) => e.name));
  for (const name of ['two-factor.challenge.created', 'two-factor.verified', 'two-factor.failed', 'two-factor.resent']) {
    assert.ok(names.has(name), `missing ${name}`);
  }
  const dump = JSON.stringify(events);
  assert.doesNotMatch(dump, /"(code|token|challenge|codeHash|tokenHash)"/);
});

test('expired challenges are purged from the table', async () => {
  const { challenge } = await challengeFor('+15550107004');
  assert.ok(await row(challenge));
  const reset = shiftClock(app.strapi, 2 * 60 * 60 * 1000);
  try {
    await challengeFor('+15550107005'); // any new challenge triggers the purge
  } finally {
    reset();
  }
  assert.equal(await row(challenge), null);
});
