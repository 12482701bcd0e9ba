'use strict';

// The package as users load it: require and import give the same API, and the packed
// tarball ships the .wasm next to its glue.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');

test('require and import expose the same functions, sharing one instance', async () => {
  const cjs = require('two-factor-wasm');
  const esm = await import('two-factor-wasm');
  const names = Object.keys(cjs).sort();
  assert.ok(names.includes('verifyTotp'));
  for (const name of names) assert.equal(esm[name], cjs[name], name);
  assert.equal(esm.default, cjs);
});

test('the TypeScript declarations name every export', () => {
  const dts = require('node:fs').readFileSync(path.join(root, 'index.d.ts'), 'utf8');
  for (const name of Object.keys(require('..'))) {
    assert.match(dts, new RegExp(`export (function|const|class) ${name}\\b`), name);
  }
});

test('npm pack ships the wasm, the glue, the types and nothing from the build tree', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  for (const needed of ['index.js', 'index.mjs', 'index.d.ts', 'lib/check.js', 'lib/errors.js', 'pkg/two_factor_wasm.js', 'pkg/two_factor_wasm_bg.wasm', 'package.json']) {
    assert.ok(files.includes(needed), `missing ${needed}`);
  }
  assert.ok(!files.some((f) => f.startsWith('binding/') || f.startsWith('test/') || f.startsWith('bench/')), files.join(', '));
});

test('the packed tarball installs into a fresh project and works with require and import', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-factor-wasm-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // The package has no dependencies, so installing the tarball needs no registry.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, packed[0].filename)], { cwd: app, stdio: 'pipe' });
    const script = [
      "const tf = require('two-factor-wasm');",
      "const secret = Buffer.from('12345678901234567890');",
      "const cjs = tf.verifyTotp('94287082', secret, { time: 59, digits: 8 });",
      "import('two-factor-wasm').then((esm) => {",
      "  const mjs = esm.verifyTotp('94287082', secret, { time: 59, digits: 8 });",
      "  process.stdout.write(JSON.stringify([cjs, mjs]));",
      "});",
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [1, 1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the declared TwoFactorError codes are exactly the core error codes', () => {
  const dts = fs.readFileSync(path.join(root, 'index.d.ts'), 'utf8');
  const union = dts.slice(dts.indexOf('export type TwoFactorErrorCode'), dts.indexOf(';', dts.indexOf('export type TwoFactorErrorCode')));
  const declared = [...union.matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]).sort();
  const wasm = require('../pkg/two_factor_wasm.js');
  const core = Array.from({ length: wasm.errorCount() }, (_, i) => wasm.errorCode(i)).sort();
  assert.deepEqual(declared, core);
});
