'use strict';

// The admin panel's strings: every key the code asks for is in translations/en.json,
// every key there is used, and no JSX text or label is written in the code itself.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { METHODS, ENFORCEMENTS, RANGES } = require('../server/src/config/schema');

const SRC = path.resolve(__dirname, '../admin/src');
const en = require('../admin/src/translations/en.json');

const sources = (dir = SRC) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.jsx?$/.test(entry.name) ? [{ file, text: fs.readFileSync(file, 'utf8') }] : [];
  });

// Keys made from the server's own lists: the mode, method and code-setting labels.
const DYNAMIC = {
  'mode.': ENFORCEMENTS,
  'method.': METHODS,
  'codes.': Object.entries(RANGES).flatMap(([group, fields]) => Object.keys(fields).map((name) => `${group}.${name}`)),
};

const used = () => {
  const keys = new Set();
  for (const { text } of sources()) {
    for (const [, key] of text.matchAll(/\b(?:t|trad)\('([^']+)'/g)) keys.add(key);
    for (const [, prefix] of text.matchAll(/\b(?:t|trad)\(`([a-z]+\.)\$\{/g)) {
      assert.ok(DYNAMIC[prefix], `a dynamic key with an unknown prefix: ${prefix}`);
      for (const rest of DYNAMIC[prefix]) keys.add(prefix + rest);
    }
  }
  // Keys picked elsewhere (`t(on ? 'a' : 'b')`, a list of column headers) are quoted strings.
  for (const { text } of sources()) for (const [, key] of text.matchAll(/'([a-z]+\.[A-Za-z.]+)'/g)) if (key in en) keys.add(key);
  return keys;
};

test('every key the admin code uses is in en.json, and every key in en.json is used', () => {
  const keys = used();
  const missing = [...keys].filter((key) => !(key in en));
  assert.deepEqual(missing, [], 'keys missing from en.json');
  const unused = Object.keys(en).filter((key) => !keys.has(key));
  assert.deepEqual(unused, [], 'keys in en.json that no code uses');
});

test('no text or label is written into the JSX itself', () => {
  for (const { file, text } of sources()) {
    if (!file.endsWith('.jsx')) continue;
    const literalText = [...text.matchAll(/>\s*([A-Za-z][^<>{}]*?)\s*</g)].map((m) => m[1]);
    const literalProps = [...text.matchAll(/\b(aria-label|title|label|placeholder|closeLabel)="([^"]+)"/g)].map((m) => m[0]);
    assert.deepEqual([...literalText, ...literalProps], [], path.relative(SRC, file));
  }
});
