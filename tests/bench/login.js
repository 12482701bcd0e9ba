'use strict';

// `npm run bench:login`: what the plugin costs a login that needs no second step. Two
// playground processes, stock users-permissions and with the plugin (role set to "off"),
// measured in alternating autocannon rounds on POST /api/auth/local, rate limiter off.
// bcrypt dominates a login (about 100 ms), so the two should be within a few percent.
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 6);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);

// On Linux, Strapi runs on CPU 1 and autocannon on CPU 0, so the load generator does not
// steal the server's time (the machine has two cores).
const pin = (cpu) => (process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0 ? ['taskset', '-c', String(cpu)] : []);

const startServer = (variant) =>
  new Promise((resolve, reject) => {
    const [command, ...args] = [...pin(1), process.execPath, path.join(__dirname, 'login-server.js'), variant];
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve({ child, ...JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`${variant} server exited (${code})`)));
  });

const measure = ({ url, identifier, password }) =>
  autocannon({
    url: `${url}/api/auth/local`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
    connections: 1,
    duration: SECONDS,
  });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

(async () => {
  if (pin(0).length > 0) spawnSync('taskset', ['-cp', '0', String(process.pid)]);
  const servers = { stock: await startServer('stock'), plugin: await startServer('plugin') };
  const rps = { stock: [], plugin: [] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const variant of round % 2 === 0 ? ['stock', 'plugin'] : ['plugin', 'stock']) {
        const result = await measure(servers[variant]);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        rps[variant].push(result.requests.average);
        console.log(`round ${round + 1} ${variant.padEnd(6)} ${result.requests.average.toFixed(2)} logins/s (p50 ${result.latency.p50} ms)`);
      }
    }
  } finally {
    for (const { child } of Object.values(servers)) child.kill('SIGTERM');
  }
  const stock = median(rps.stock);
  const plugin = median(rps.plugin);
  console.log(`\nPOST /api/auth/local, role "off", ${ROUNDS} rounds of ${SECONDS} s, 1 connection, median logins/s:`);
  console.log(`  stock users-permissions 5.54.0   ${stock.toFixed(2)}`);
  console.log(`  with strapi-plugin-two-factor    ${plugin.toFixed(2)}`);
  console.log(`  plugin / stock                   ${(plugin / stock).toFixed(3)}x (${(((plugin - stock) / stock) * 100).toFixed(1)}%)`);
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
