'use strict';

// npm run bench: the core against named peers, measured in this one process, with the
// ratio printed beside each target. Peers get their most favourable set-up (objects
// built once, outside the timed loop); our functions are called as users call them.

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const OTPAuth = require('otpauth');
const otplib = require('otplib');
const tf = require('..');

const DURATION_MS = Number(process.env.BENCH_MS || 400);

/** Operations per second of `fn`, after a warm-up, over about DURATION_MS. */
function opsPerSecond(fn) {
  const warmUntil = performance.now() + 100;
  while (performance.now() < warmUntil) fn();
  let ops = 0;
  let batch = 256;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = performance.now() - start;
    if (elapsed < DURATION_MS / 10) batch *= 2;
  }
  return (ops * 1000) / elapsed;
}

const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
/**
 * Ours and each peer are measured in alternating rounds and the median of each is
 * kept, so that a slow moment of the machine does not fall on one side only.
 */
function compare(title, ours, peers, targets) {
  const samples = new Map([['two-factor-wasm', []], ...Object.keys(peers).map((name) => [name, []])]);
  const fns = { 'two-factor-wasm': ours, ...peers };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(fns)) samples.get(name).push(opsPerSecond(fn));
  }
  const oursOps = median(samples.get('two-factor-wasm'));
  rows.push({ title, name: 'two-factor-wasm', ops: oursOps });
  for (const name of Object.keys(peers)) {
    const ops = median(samples.get(name));
    const ratio = oursOps / ops;
    const target = targets[name];
    const verdict = target === undefined ? '' : ratio >= target ? `target >= ${target}x: met` : `target >= ${target}x: MISSED`;
    rows.push({ title, name, ops, ratio, verdict });
  }
}

// --- verifyTotp, window +-1 -----------------------------------------------------------
const secret = new Uint8Array(20).map((_, i) => (i * 37 + 11) & 0xff);
const secretBase32 = tf.base32Encode(secret);
const now = Math.floor(Date.now() / 1000);
const token = tf.generateTotp(secret, { time: now });
const otpauthTotp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: 30 });
if (otpauthTotp.validate({ token, timestamp: now * 1000, window: 1 }) !== 0) throw new Error('otpauth disagrees');
if (!otplib.verifySync({ secret: secretBase32, token, epoch: now, epochTolerance: 30 }).valid) throw new Error('otplib disagrees');
if (tf.verifyTotp(token, secret, { time: now, window: 1 }) === null) throw new Error('verifyTotp failed');

compare(
  'verifyTotp (SHA1, 6 digits, window +-1)',
  () => tf.verifyTotp(token, secret, { time: now, window: 1 }),
  {
    'otpauth 9 TOTP.validate': () => otpauthTotp.validate({ token, timestamp: now * 1000, window: 1 }),
    'otplib 13 verifySync': () => otplib.verifySync({ secret: secretBase32, token, epoch: now, epochTolerance: 30 }),
  },
  { 'otpauth 9 TOTP.validate': 5, 'otplib 13 verifySync': 30 },
);

// A wrong token (what an attacker sends): every library checks the whole window, so
// this row compares equal work. For a valid current-step token otpauth stops after one
// HMAC (the current step), verifyTotp after two (the next step, then the current one).
const wrong = String((Number(token) + 1) % 1_000_000).padStart(6, '0');
compare(
  'verifyTotp, wrong token (SHA1, 6 digits, window +-1)',
  () => tf.verifyTotp(wrong, secret, { time: now, window: 1 }),
  {
    'otpauth 9 TOTP.validate': () => otpauthTotp.validate({ token: wrong, timestamp: now * 1000, window: 1 }),
    'otplib 13 verifySync': () => otplib.verifySync({ secret: secretBase32, token: wrong, epoch: now, epochTolerance: 30 }),
  },
  { 'otpauth 9 TOTP.validate': 5, 'otplib 13 verifySync': 30 },
);

// --- hashCode + verifyCode --------------------------------------------------------------
const key = crypto.randomBytes(32);
const salt = crypto.randomBytes(16);
const code = '492039';
function nodeHash(c) {
  return crypto.createHmac('sha256', key).update(salt).update(c).digest();
}
if (nodeHash(code).toString('hex') !== tf.hashCode(code, key, salt)) throw new Error('createHmac disagrees');

compare(
  'hashCode + verifyCode (HMAC-SHA-256, 16-byte salt)',
  () => tf.verifyCode(code, tf.hashCode(code, key, salt), key, salt),
  {
    'node:crypto createHmac + timingSafeEqual': () => {
      const stored = nodeHash(code).toString('hex');
      return crypto.timingSafeEqual(nodeHash(code), Buffer.from(stored, 'hex'));
    },
  },
  { 'node:crypto createHmac + timingSafeEqual': 2 },
);

// --- generateCode ------------------------------------------------------------------------
compare(
  'generateCode (6 digits)',
  () => tf.generateCode(6),
  { 'node:crypto randomInt': () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0') },
  {},
);

// --- size, compile, instantiate and cold require -------------------------------------
// Each figure comes from fresh processes (V8 caches compiled modules within a process).
const wasmPath = path.join(__dirname, '..', 'pkg', 'two_factor_wasm_bg.wasm');
const wasmBytes = fs.statSync(wasmPath).size;
const gluePath = path.join(__dirname, '..', 'pkg', 'two_factor_wasm.js');
const phases = `
  const fs = require('node:fs');
  const t0 = performance.now();
  const bytes = fs.readFileSync(${JSON.stringify(wasmPath)});
  const t1 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t2 = performance.now();
  // Instantiation calls no import, so stubs stand in for the glue's functions.
  const stubs = Object.fromEntries(WebAssembly.Module.imports(module).map((i) => [i.module, {}]));
  for (const i of WebAssembly.Module.imports(module)) stubs[i.module][i.name] = () => {};
  const t3 = performance.now();
  new WebAssembly.Instance(module, stubs);
  const t4 = performance.now();
  process.stdout.write(JSON.stringify([t1 - t0, t2 - t1, t4 - t3]));`;
const coldRequire = `const t = performance.now(); require(${JSON.stringify(gluePath)}); process.stdout.write(String(performance.now() - t));`;
const RUNS = 9;
const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath, ['-e', phases], { encoding: 'utf8' })));
const [readMs, compileMs, instantiateMs] = [0, 1, 2].map((i) => median(runs.map((r) => r[i])));
const requireMs = median(Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, ['-e', coldRequire], { encoding: 'utf8' }))));

// --- report ------------------------------------------------------------------------------
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`two-factor-wasm core benchmark, ${process.version}, ${require('node:os').cpus()[0].model}; median of ${ROUNDS} alternating rounds of ${DURATION_MS} ms`);
let title = '';
for (const row of rows) {
  if (row.title !== title) {
    title = row.title;
    console.log(`\n${title}`);
  }
  const ratio = row.ratio === undefined ? '' : `  ours/peer ${row.ratio.toFixed(2)}x  ${row.verdict}`;
  console.log(`  ${row.name.padEnd(44)} ${fmt(row.ops).padStart(12)} ops/s${ratio}`);
}
const sizeTarget = 64 * 1024;
const ms = (x) => `${x.toFixed(2)} ms`;
console.log(`\n.wasm size: ${wasmBytes} bytes (target <= ${sizeTarget}: ${wasmBytes <= sizeTarget ? 'met' : 'MISSED'})`);
console.log(`medians of ${RUNS} fresh processes: read ${ms(readMs)}, compile ${ms(compileMs)}, instantiate ${ms(instantiateMs)} (target < 5 ms: ${instantiateMs < 5 ? 'met' : 'MISSED'})`);
console.log(`cold require of the glue (read + compile + instantiate + start): ${ms(requireMs)}`);
