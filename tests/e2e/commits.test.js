'use strict';

// How a sign-in's writes reach the database. SQLite syncs its file at every commit, so
// there each step's writes to the plugin's tables share one transaction; PostgreSQL and
// MariaDB commit each write alone, as every conditional write was designed to (a
// transaction there would only add round trips). Seen in the statements knex sends for
// real HTTP requests, one at a time.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { createUser } = require('./helpers/fixtures');
const twoStep = require('./helpers/two-step');

let app;
let http;
let sms;

test.before(async () => {
  sms = await twilio.start();
  app = await boot({ ...sms.env });
  http = client(app.url);
});
test.after(async () => {
  await app?.stop();
  await sms?.close();
});

// A write to one of the plugin's tables, its name schema-qualified or not.
const PLUGIN_WRITE = /^(insert into|update|delete from) ([`"]\w+[`"]\.)?[`"]two_factor_/i;

/**
 * The plugin's writes while `fn` runs, each with the transaction it ran in: the number of
 * the BEGIN ... COMMIT span around it, or null for none. One request at a time, so the
 * statements arrive in order.
 */
const writes = async (fn) => {
  const seen = [];
  let spans = 0;
  let open = null;
  const listen = ({ sql }) => {
    const text = sql.trim().replace(/;$/, '').toUpperCase();
    if (text === 'BEGIN' || text.startsWith('BEGIN ') || text === 'START TRANSACTION') open = (spans += 1);
    else if (text === 'COMMIT' || text === 'ROLLBACK') open = null;
    else if (PLUGIN_WRITE.test(sql.trim())) seen.push({ sql: sql.slice(0, 60), span: open });
  };
  app.strapi.db.connection.on('query', listen);
  try {
    await fn();
  } finally {
    app.strapi.db.connection.removeListener('query', listen);
  }
  return seen;
};

const expectGrouping = (seen, step) => {
  assert.ok(seen.length >= 2, `${step}: ${seen.length} writes`);
  const spans = new Set(seen.map((write) => write.span));
  if (app.strapi.db.dialect.client === 'sqlite') {
    assert.ok(!spans.has(null) && spans.size === 1, `${step}: every write in one transaction on SQLite: ${JSON.stringify(seen)}`);
  } else {
    assert.deepEqual([...spans], [null], `${step}: each write commits alone: ${JSON.stringify(seen)}`);
  }
};

test('step 1 and a right code: each step writes with one commit on SQLite, each write alone elsewhere', async () => {
  const user = await createUser(app.strapi, { phone: '+15550170001' });
  // A first sign-in makes the user's rows; the second is the one every later sign-in is.
  const first = await twoStep.startLogin(http, sms, user);
  assert.equal((await twoStep.verify(http, first.challenge, first.code)).status, 200);
  let details;
  const step1 = await writes(async () => {
    details = await twoStep.startLogin(http, sms, user);
  });
  // The two cap places, the bound on open challenges, the challenge.
  expectGrouping(step1, 'step 1');
  assert.ok(step1.some((write) => /insert into \S*two_factor_challenges/i.test(write.sql)));

  const step2 = await writes(async () => {
    const res = await twoStep.verify(http, details.challenge, details.code);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
  // The attempt, the guess, the guess given back, the single use.
  expectGrouping(step2, 'verify');
  assert.equal(step2.length, 4, JSON.stringify(step2));
});
