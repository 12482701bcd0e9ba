'use strict';

// `npm run bench:http`: the plugin's HTTP cost, measured with autocannon against the
// playground on 127.0.0.1 (rate limiter off), on SQLite and, when it answers, PostgreSQL.
// Two processes per database: stock users-permissions (plugin disabled) and with the
// plugin. Rows: the stock login, the login of a role set to "off", step 1 of a
// "required" role (a challenge and a real SMS request to a loopback Twilio double),
// step 2 (verify, correct codes), and GET /api/users/me as a cheap reference. Servers
// run on CPU 1, autocannon on CPU 0; each server reports its own CPU time.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');
const ipc = require('../e2e/helpers/ipc');
const database = require('../e2e/helpers/database');
const twilio = require('../e2e/helpers/twilio');

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 4);
// About SECONDS of step-1 logins a round (they run at ~15/s), after STEP1_WARM unmeasured
// ones; the server's REQUIRED_USERS take at most 100 each an hour under the caps.
const STEP1_LOGINS = SECONDS * 20;
const STEP1_WARM = Number(process.env.BENCH_STEP1_WARM ?? 40);
const pinnable = process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0;
const pin = (pid, cpu) => pinnable && spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)]);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const startServer = async (variant, db, env) => {
  const node = await ipc.spawn(path.join(__dirname, 'server.js'), [variant], { DB: db, E2E_BOOT_ENV: JSON.stringify(env) });
  pin(node.child.pid, 1);
  return node;
};

/** One autocannon run; returns rate, latency and the server's CPU time per request. */
const run = async (server, { path: route, method = 'POST', body, headers = {}, expect, amount, bodies }) => {
  const before = await server.call('cpuMicros');
  const queue = bodies ? [...bodies] : null;
  const result = await autocannon({
    url: server.ready.url,
    connections: 1,
    ...(amount ? { amount } : { duration: SECONDS }),
    requests: [
      {
        method,
        path: route,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
        ...(queue ? { setupRequest: (request) => ({ ...request, body: JSON.stringify(queue.shift()) }) } : {}),
      },
    ],
  });
  const cpu = (await server.call('cpuMicros')) - before;
  const statuses = Object.keys(result.statusCodeStats ?? {});
  if (result.errors > 0 || statuses.some((status) => Number(status) !== expect)) {
    throw new Error(`${route}: expected only ${expect}, got ${JSON.stringify(result.statusCodeStats)} and ${result.errors} errors`);
  }
  return { rps: result.requests.total / (result.duration || 1), p50: result.latency.p50, p99: result.latency.p99, cpuMs: cpu / 1000 / result.requests.total };
};

const measure = async (db, mode) => {
  const sms = await twilio.start();
  const env = { ...sms.env, UP_JWT_MANAGEMENT: mode, UP_SESSIONS_HTTPONLY: 'false' };
  const stock = await startServer('stock', db, env);
  const plugin = await startServer('plugin', db, env);
  try {
    const login = (user) => ({ path: '/api/auth/local', body: { identifier: user.identifier, password: user.password } });
    // The logins compared with each other alternate, round by round, and the medians are
    // compared: a slow phase of the machine then falls on all of them, not on one row.
    // Step 1 is a fixed count a round, spread over the required users: each stays under
    // every delivery cap.
    const perRound = Math.ceil(STEP1_LOGINS / ROUNDS);
    /** Step 1's login bodies number `from` to `from + count`, cycling over the required users. */
    const step1Bodies = (from, count) => {
      const { required } = plugin.ready;
      return Array.from({ length: count }, (_, i) => login(required[(from + i) % required.length]).body);
    };
    const step1Logins = (round) => step1Bodies(STEP1_WARM + round * perRound, perRound);
    // Every path is measured warm, as a server that has been up a while runs it: the
    // stock and "off" logins warm up in their long windows, step 1 (a few dozen requests a
    // round) would otherwise be measured while V8 still compiles its code.
    const warm = step1Bodies(0, STEP1_WARM);
    await run(plugin, { path: '/api/auth/local', expect: 401, amount: warm.length, bodies: warm });
    const rounds = { stock: [], off: [], step1: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 ? ['step1', 'off', 'stock'] : ['stock', 'off', 'step1'];
      for (const name of order) {
        if (name === 'step1') {
          const bodies = step1Logins(round);
          rounds.step1.push(await run(plugin, { path: '/api/auth/local', expect: 401, amount: bodies.length, bodies }));
          continue;
        }
        const server = name === 'stock' ? stock : plugin;
        rounds[name].push(await run(server, { ...login(server.ready.off), expect: 200 }));
      }
    }
    const pick = (list, by = 'rps') => list.find((r) => r[by] === median(list.map((x) => x[by])));
    const step1 = pick(rounds.step1, 'cpuMs');
    const bodies = await plugin.call('challenges', Math.ceil(step1.rps * 40) + 200);
    const step2 = await run(plugin, { path: '/api/auth/2fa/verify', expect: 200, amount: bodies.length, bodies });
    const me = await run(plugin, { path: '/api/users/me', method: 'GET', headers: { authorization: `Bearer ${await plugin.call('jwt')}` }, expect: 200 });
    return { stock: pick(rounds.stock), off: pick(rounds.off), step1, step2, me };
  } finally {
    await Promise.all([stock, plugin].map((server) => server.call('stop').catch(() => server.child.kill())));
    await sms.close();
  }
};

const row = (name, r) => `| ${name.padEnd(42)} | ${r.rps.toFixed(1).padStart(7)} | ${String(r.p50).padStart(6)} | ${String(r.p99).padStart(6)} | ${r.cpuMs.toFixed(1).padStart(11)} |`;

// users-permissions' two token modes: "refresh" (the generated app's default; every
// login creates a session row and signs two tokens) and "legacy-support" (one JWT).
const MODES = (process.env.BENCH_MODES || 'refresh,legacy-support').split(',');

(async () => {
  const dbs = ['sqlite', ...((await database.reachable('postgres')) ? ['postgres'] : [])];
  if (!dbs.includes('postgres')) console.log('SKIPPED: PostgreSQL (no server on 127.0.0.1:5432)');
  for (const db of dbs) {
    for (const mode of MODES) {
      const r = await measure(db, mode);
      const label = db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      console.log(`\n### ${label}, jwtManagement "${mode}"\n`);
      console.log(`${ROUNDS} alternating rounds (${SECONDS} s for the two logins, ${Math.ceil(STEP1_LOGINS / ROUNDS)} step-1 logins), ${SECONDS} s for the others, 1 connection, rate limiter off.\n`);
      console.log('| request                                    |   req/s | p50 ms | p99 ms | CPU ms/req |');
      console.log('|---|---|---|---|---|');
      console.log(row('POST /api/auth/local, stock (no plugin)', r.stock));
      console.log(row('POST /api/auth/local, role "off"', r.off));
      console.log(row('POST /api/auth/local, role "required" (401)', r.step1));
      console.log(row('POST /api/auth/2fa/verify, correct code', r.step2));
      console.log(row('GET /api/users/me', r.me));
      const offCost = r.stock.rps / r.off.rps - 1;
      const twoSteps = (r.step1.cpuMs + r.step2.cpuMs) / r.stock.cpuMs - 1;
      const verifyVsMe = r.step2.rps / r.me.rps;
      console.log(`\n- role "off" vs stock login: ${(offCost * 100).toFixed(1)}% more time per login (target <= 5%): ${offCost <= 0.05 ? 'met' : 'MISSED'}`);
      console.log(`- step 1 + step 2 vs one stock login, CPU: ${(twoSteps * 100).toFixed(1)}% more (target <= 15%): ${twoSteps <= 0.15 ? 'met' : 'MISSED'}`);
      console.log(`- verify vs GET /api/users/me, requests/s: ${(verifyVsMe * 100).toFixed(0)}% (target >= 70%): ${verifyVsMe >= 0.7 ? 'met' : 'MISSED'}`);
    }
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
