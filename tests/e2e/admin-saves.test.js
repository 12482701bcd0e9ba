'use strict';

// Two admins saving the settings page at the same moment, on two Strapi processes that
// share one PostgreSQL or MariaDB database: each save must keep the other's change
// (security.md #25), from the very first save (no stored row yet) on.
const test = require('node:test');
const assert = require('node:assert/strict');
const database = require('./helpers/database');
const cluster = require('./helpers/cluster');
const { client } = require('./helpers/http');
const { adminToken } = require('./helpers/fixtures');

const skip = database.kind() === 'sqlite' && 'several processes need a server database (run with DB=postgres or DB=mariadb)';
const ROUNDS = 10;

let nodes;
let stop;
let http;
let tokens;

test.before(async () => {
  if (skip) return;
  ({ nodes, stop } = await cluster.start(2));
  http = nodes.map((node) => client(node.url));
  const first = await adminToken(http[0]); // the first admin registers before any other exists
  const second = await nodes[1].call('createAdmin', { email: 'second-admin@example.com', roleCode: 'strapi-super-admin' });
  tokens = [first, (await http[1].post('/admin/login', second)).body.data.token];
  for (const type of ['alpha', 'beta']) await nodes[0].call('ensureRole', type);
});
test.after(() => stop?.());

const policy = (trustedDeviceDays) => ({ enforcement: 'optional', methods: ['totp', 'sms', 'email'], trustedDeviceDays });
const settings = async () => (await http[0].get('/two-factor/settings', { token: tokens[0] })).body.data;
const daysOf = (data, type) => data.roles.find((role) => role.type === type).policy.trustedDeviceDays;

/** Both admins' changes at once, admin i on process i; both must be answered 200. */
const together = async (changes) => {
  const answers = await Promise.all(changes.map((change, i) => http[i].put('/two-factor/settings', change, { token: tokens[i] })));
  answers.forEach((res) => assert.equal(res.status, 200, JSON.stringify(res.body)));
};

test('two admins changing different roles at once: both changes are kept, every round', { skip }, async () => {
  const lost = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    await together([{ roles: { alpha: policy(round) } }, { roles: { beta: policy(round) } }]);
    const data = await settings();
    const kept = { alpha: daysOf(data, 'alpha'), beta: daysOf(data, 'beta') };
    if (kept.alpha !== round || kept.beta !== round) lost.push({ round, kept });
  }
  assert.deepEqual(lost, []);
});

test('one admin changing a role while another changes code settings: both are kept, every round', { skip }, async () => {
  const lost = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const cooldownSeconds = 10 + round;
    await together([{ roles: { alpha: policy(20 + round) } }, { resend: { cooldownSeconds } }]);
    const data = await settings();
    const kept = { alpha: daysOf(data, 'alpha'), cooldownSeconds: data.resend.cooldownSeconds };
    if (kept.alpha !== 20 + round || kept.cooldownSeconds !== cooldownSeconds) lost.push({ round, kept });
  }
  assert.deepEqual(lost, []);
});

test('two admins changing different values of one code group at once: both are kept, every round', { skip }, async () => {
  const lost = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const expected = { digits: 6 + (round % 2), maxAttempts: 3 + (round % 3) };
    await together([{ code: { digits: expected.digits } }, { code: { maxAttempts: expected.maxAttempts } }]);
    const { code } = await settings();
    if (code.digits !== expected.digits || code.maxAttempts !== expected.maxAttempts) lost.push({ round, code });
  }
  assert.deepEqual(lost, []);
});
