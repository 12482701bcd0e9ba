'use strict';

// `npm run bench:timing`: whether the time a failed password login takes tells that the
// account exists (security.md #33). One playground Strapi with the plugin (tests/bench/
// server.js, DB=sqlite by default), rate limiter off; TRIES interleaved pairs of a known
// user with a wrong password and an unknown identifier, one request at a time. Prints
// both medians and their ratio; the target is a difference under 20%.
const path = require('node:path');
const ipc = require('../e2e/helpers/ipc');
const database = require('../e2e/helpers/database');
const twilio = require('../e2e/helpers/twilio');

const TRIES = Number(process.env.BENCH_TRIES || 30);
const WARMUP = 5;
const TARGET = 0.2;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Milliseconds one failed login takes, as the client sees it. */
const timedLogin = async (url, identifier) => {
  const start = process.hrtime.bigint();
  const response = await fetch(`${url}/api/auth/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password: 'Not-The-Password-1' }),
  });
  await response.text();
  if (response.status !== 400) throw new Error(`login of ${identifier}: expected 400, got ${response.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};

(async () => {
  const sms = await twilio.start();
  const server = await ipc.spawn(path.join(__dirname, 'server.js'), ['plugin'], { DB: database.kind(), E2E_BOOT_ENV: JSON.stringify(sms.env) });
  try {
    const { url, off } = server.ready;
    const who = { known: off.identifier, unknown: 'nobody-has-this-name' };
    for (let i = 0; i < WARMUP; i += 1) for (const identifier of Object.values(who)) await timedLogin(url, identifier);
    const times = { known: [], unknown: [] };
    for (let i = 0; i < TRIES; i += 1) {
      // Alternate which goes first, so that neither always follows the other.
      for (const name of i % 2 ? ['unknown', 'known'] : ['known', 'unknown']) times[name].push(await timedLogin(url, who[name]));
    }
    const known = median(times.known);
    const unknown = median(times.unknown);
    const ratio = unknown / known;
    console.log(`\n### Failed password logins, ${database.SERVERS[database.kind()]?.label ?? 'SQLite'}, ${TRIES} interleaved tries each\n`);
    console.log(`- known user, wrong password: median ${known.toFixed(1)} ms`);
    console.log(`- unknown identifier:         median ${unknown.toFixed(1)} ms`);
    console.log(`- ratio unknown / known: ${ratio.toFixed(3)} (target: within ${TARGET * 100}% of 1): ${Math.abs(1 - ratio) < TARGET ? 'met' : 'MISSED'}`);
  } finally {
    await server.call('stop').catch(() => server.child.kill());
    await sms.close();
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
