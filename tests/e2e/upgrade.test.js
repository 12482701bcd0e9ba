'use strict';

// An existing install keeps its data: the plugin as it was before rows were keyed by
// realm and factors had their own table (commit d24fd0e, kept in tests/e2e/fixtures/ and
// extracted into tests/.upgrade/) enrols users on a scratch database; then this version starts on the
// same database, moves the factors (store/migrate.js), and those users sign in as before:
// the old TOTP secret, a recovery code, the trusted device, the phone number. A second
// start changes nothing, and two processes starting together on the old data move it
// exactly once, as do upgrades racing on one database without the startup lock
// (PostgreSQL and MariaDB; SQLite has one writer).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const OTPAuth = require('otpauth');
const database = require('./helpers/database');
const ipc = require('./helpers/ipc');
const { appSecrets, APP_DIR } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const twilio = require('./helpers/twilio');
const { adminToken } = require('./helpers/fixtures');
const { startLogin, verify } = require('./helpers/two-step');

const OLD = 'd24fd0e';
const REPO = path.resolve(__dirname, '../..');
const UPGRADE_DIR = path.join(REPO, 'tests', '.upgrade');
const MOVED = /\[two-factor\] upgrade: moved (\d+) factors of (\d+) accounts/;

// The plugin as it was released before the upgrade, kept as `git archive d24fd0e
// strapi-plugin | gzip -9n`: the test needs no git history (a shallow clone runs it too).
const FIXTURE = path.join(__dirname, 'fixtures', `plugin-${OLD}.tar.gz`);

/** Why the test cannot run here, or null. */
const unavailable = async () => ((await database.reachable()) ? null : `no ${database.kind()} server on 127.0.0.1`);

/** The old plugin's folder, extracted once (inside the repo, so its requires resolve to the repo's node_modules). */
const oldPlugin = () => {
  const target = path.join(UPGRADE_DIR, OLD);
  const plugin = path.join(target, 'strapi-plugin');
  if (fs.existsSync(path.join(plugin, 'strapi-server.js'))) return plugin;
  const scratch = path.join(UPGRADE_DIR, `.${OLD}-${process.pid}`);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', FIXTURE, '-C', scratch]);
  assert.equal(untar.status, 0, `tar: ${untar.stderr}`);
  try {
    fs.renameSync(scratch, target);
  } catch {
    fs.rmSync(scratch, { recursive: true, force: true }); // another run extracted it first
  }
  return plugin;
};

/** A scratch database that several boots share: `{ env, drop }`. */
const scratchDatabase = async () => {
  if (database.kind() === 'sqlite') {
    const file = path.join('.tmp', `two_factor_upgrade_${process.pid}_${Date.now()}.db`);
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(path.join(APP_DIR, file + suffix), { force: true });
    };
    return { env: { DATABASE_FILENAME: file }, drop };
  }
  const { name, drop } = await database.createScratch();
  return { env: { E2E_SHARED_DATABASE: name }, drop };
};

/** One Strapi in a child process on the scratch database; `old` boots the plugin of OLD. */
const start = async (env, { old = false } = {}) => {
  const { E2E_SHARED_DATABASE, ...boot } = env;
  const node = await ipc.spawn(path.join(__dirname, 'helpers', 'serve.js'), [], {
    ...(E2E_SHARED_DATABASE ? { E2E_SHARED_DATABASE } : {}),
    E2E_BOOT_ENV: JSON.stringify({ ...boot, ...(old ? { TWO_FACTOR_PLUGIN_PATH: oldPlugin() } : {}) }),
  });
  return { url: node.ready, call: node.call, http: client(node.ready), stop: () => node.call('stop') };
};

/** What a process's upgrade line says it moved, or zeros when it printed none. */
const movedBy = async (node) => {
  const found = (await node.call('logs')).match(MOVED);
  return found ? { factors: Number(found[1]), accounts: Number(found[2]) } : { factors: 0, accounts: 0 };
};

const password = (user) => ({ identifier: user.identifier, password: user.password });

test(`an install made by the plugin of ${OLD}: its users sign in as before after the upgrade, which runs once`, async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const began = Date.now();
  const sms = await twilio.start();
  const db = await scratchDatabase();
  // One set of secrets for every boot, as a restart keeps its configuration. Tokens in the
  // body (legacy mode), so the trusted device's token travels in a header.
  const env = { ...appSecrets(), ...sms.env, ...db.env, UP_JWT_MANAGEMENT: 'legacy-support' };
  // Every process's plugin clock runs this far ahead, so each TOTP below is a new step.
  let offset = 0;
  const nextStep = async (node) => {
    offset += 30_000;
    await node.call('shiftClock', 30_000);
  };
  const totp = (secret) =>
    new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offset });
  const nodes = [];
  try {
    // Before: the old plugin enrols a TOTP user (recovery codes, a trusted device) and a phone user.
    const old = await start(env, { old: true });
    nodes.push(old);
    const admin = await adminToken(old.http);
    await old.call('ensureRole', 'upgrade');
    const roles = { upgrade: { enforcement: 'optional', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 30 } };
    assert.equal((await old.http.put('/two-factor/settings', { roles }, { token: admin })).status, 200);

    const totpUser = await old.call('createUser', { role: 'upgrade' });
    const session = await old.http.post('/api/auth/local', password(totpUser));
    assert.equal(session.status, 200, 'nothing enrolled yet: the stock login');
    const setup = await old.http.post('/api/auth/2fa/totp/setup', {}, { token: session.body.jwt });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const { secret } = setup.body.data;
    const confirm = await old.http.post('/api/auth/2fa/totp/confirm', { code: totp(secret) }, { token: session.body.jwt });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    const { recoveryCodes } = confirm.body.data;
    assert.equal(recoveryCodes.length, 10);
    await nextStep(old);
    const challenged = await old.http.post('/api/auth/local', password(totpUser));
    assert.equal(challenged.body.error.details.method, 'totp');
    const remembered = await old.http.post('/api/auth/2fa/verify', {
      challenge: challenged.body.error.details.challenge,
      code: totp(secret),
      rememberDevice: true,
    });
    assert.equal(remembered.status, 200, JSON.stringify(remembered.body));
    let { deviceToken } = remembered.body;
    assert.ok(deviceToken, 'the old plugin handed out a device token');

    const phoneUser = await old.call('createUser', { phone: '+15550190001' });
    const before = await startLogin(old.http, sms, phoneUser);
    assert.equal((await verify(old.http, before.challenge, before.code)).status, 200, 'the phone user signs in before the upgrade');
    await old.stop();
    nodes.length = 0;

    // After: this version on the same database.
    const upgraded = await start(env);
    nodes.push(upgraded);
    await upgraded.call('shiftClock', offset);
    assert.deepEqual(await movedBy(upgraded), { factors: 2, accounts: 2 }, "the upgrade moved both users' factors, and said so");
    const logs = await upgraded.call('logs');
    for (const value of [secret, ...recoveryCodes, deviceToken]) assert.ok(!logs.includes(value), 'a secret reached the logs');

    await nextStep(upgraded);
    const login = await upgraded.http.post('/api/auth/local', password(totpUser));
    assert.equal(login.status, 401);
    assert.equal(login.body.error.details.method, 'totp');
    assert.equal((await verify(upgraded.http, login.body.error.details.challenge, totp(secret))).status, 200, 'the TOTP secret enrolled before the upgrade');

    const trusted = await upgraded.http.post('/api/auth/local', password(totpUser), { headers: { 'x-two-factor-device': deviceToken } });
    assert.equal(trusted.status, 200, `the trusted device: ${JSON.stringify(trusted.body)}`);
    assert.ok(trusted.body.jwt && trusted.body.deviceToken);
    deviceToken = trusted.body.deviceToken;

    const recovery = await upgraded.http.post('/api/auth/local', password(totpUser));
    assert.equal((await verify(upgraded.http, recovery.body.error.details.challenge, recoveryCodes[0])).status, 200, 'a recovery code from before the upgrade');
    const again = await upgraded.http.post('/api/auth/local', password(totpUser));
    assert.equal((await verify(upgraded.http, again.body.error.details.challenge, recoveryCodes[0])).status, 400, 'a spent recovery code stays spent');

    const after = await startLogin(upgraded.http, sms, phoneUser);
    assert.equal(after.method, 'sms');
    assert.ok(after.destination.endsWith('0001'), after.destination);
    assert.equal((await verify(upgraded.http, after.challenge, after.code)).status, 200, 'the number verified before the upgrade still gets the code');

    // The legacy columns are empty, the factors in their own rows, every row in the realm,
    // and the hour's SMS count carried on under the realm-qualified subject.
    for (const user of [totpUser, phoneUser]) {
      const account = await upgraded.call('account', user.id);
      assert.equal(account.realm, 'users-permissions');
      for (const legacy of ['totpSecret', 'totpPending', 'totpEnabledAt', 'totpLastStep', 'phone', 'phoneMasked', 'phoneVerifiedAt']) {
        assert.equal(account[legacy], null, `${legacy} of user ${user.id} was not cleared`);
      }
    }
    const factors = await upgraded.call('rows', 'factor', {});
    const bySlot = (rows) => rows.sort((a, b) => a[1].localeCompare(b[1]));
    assert.deepEqual(bySlot(factors.map((row) => [row.userId, row.slot, row.realm])), [
      [phoneUser.id, 'phone', 'users-permissions'],
      [totpUser.id, 'totp', 'users-permissions'],
    ]);
    // (PostgreSQL lists an index's columns in the table's order, where realm came last.)
    const unique = (await upgraded.call('indexes', 'two_factor_accounts'))
      .filter((index) => index.type === 'unique')
      .map((index) => [...index.columns].sort().join());
    assert.deepEqual(unique, ['realm,user_id'], 'the unique index on the user id alone is gone: another realm may have the same ids');
    for (const type of ['challenge', 'device', 'recovery-code'])
      assert.equal(await upgraded.call('count', type, { realm: null }), 0, `a ${type} row without a realm`);
    const [sent] = await upgraded.call('rows', 'limit', { scope: 'sent:sms', subject: `users-permissions:${phoneUser.id}` });
    assert.equal(sent?.times.split(',').length, 2, 'the SMS sent before the upgrade still counts');
    assert.equal(await upgraded.call('count', 'limit', { subject: String(phoneUser.id) }), 0);
    await upgraded.stop();
    nodes.length = 0;

    // A second start finds nothing to do.
    const restarted = await start(env);
    nodes.push(restarted);
    await restarted.call('shiftClock', offset);
    assert.doesNotMatch(await restarted.call('logs'), /\[two-factor\] upgrade:/);
    assert.deepEqual((await restarted.call('rows', 'factor', {})).map((row) => row.id).sort(), factors.map((row) => row.id).sort());
    const still = await restarted.http.post('/api/auth/local', password(totpUser), { headers: { 'x-two-factor-device': deviceToken } });
    assert.equal(still.status, 200, 'the rotated device token still skips the second step');

    // A start that died between the copy and the clear: the next one clears what was
    // copied (the copy is not made twice) and copies the rest.
    const stamp = Date.now();
    const accounts = Array.from({ length: 20 }, (_, i) => ({
      realm: 'users-permissions',
      user_id: 500_000 + i,
      failures: 0,
      totp_secret: `v1.copied-${i}`,
      totp_enabled_at: stamp,
    }));
    const copied = accounts.slice(0, 10).map((row) => ({ realm: row.realm, user_id: row.user_id, slot: 'totp', secret: row.totp_secret, enabled_at: stamp }));
    await restarted.call('insertRows', 'two_factor_accounts', accounts);
    await restarted.call('insertRows', 'two_factor_factors', copied);
    const completed = await restarted.call('migrate');
    assert.deepEqual([completed.accounts, completed.factors], [20, 20]);
    assert.equal(await restarted.call('count', 'factor', { userId: { $gte: 500_000 } }), 20, 'one row per slot');
    assert.equal(await restarted.call('count', 'account', { userId: { $gte: 500_000 }, totpSecret: { $notNull: true } }), 0);
    assert.equal((await restarted.call('migrate')).accounts, 0, 'and then there is nothing left to do');
    t.diagnostic(`${database.kind()}: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await Promise.all(nodes.map((node) => node.stop().catch(() => {})));
    await sms.close();
    await db.drop();
  }
});

test('two processes starting together on the old data move it exactly once; so do upgrades racing without the startup lock', async (t) => {
  if (database.kind() === 'sqlite') return t.skip('several processes need a server database (run with DB=postgres or DB=mariadb)');
  const why = await unavailable();
  if (why) return t.skip(why);
  const began = Date.now();
  const sms = await twilio.start();
  const db = await scratchDatabase();
  const env = { ...appSecrets(), ...sms.env, ...db.env };
  const nodes = [];
  try {
    const old = await start(env, { old: true });
    nodes.push(old);
    const users = [];
    for (let i = 1; i <= 3; i += 1) users.push(await old.call('createUser', { phone: `+1555019100${i}` }));
    // Many more enrolled accounts, as the old plugin stored them, so that the two upgrades overlap.
    const now = Date.now();
    const legacyRows = (from) =>
      Array.from({ length: 1500 }, (_, i) => ({
        user_id: from + i,
        failures: 0,
        totp_secret: `v1.legacy-totp-${i}`,
        totp_enabled_at: now,
        totp_last_step: Math.floor(now / 30_000),
        phone: `v1.legacy-phone-${i}`,
        phone_masked: '+1•••••0000',
        phone_verified_at: now,
      }));
    const extra = legacyRows(1_000_000);
    await old.call('insertRows', 'two_factor_accounts', extra);
    await old.stop();
    nodes.length = 0;

    nodes.push(...(await Promise.all([start(env), start(env)])));
    const moved = await Promise.all(nodes.map(movedBy));
    t.diagnostic(`the two processes moved ${moved.map((m) => m.accounts).join(' and ')} accounts`);
    const total = (key) => moved.reduce((sum, m) => sum + m[key], 0);
    assert.equal(total('accounts'), extra.length + users.length, 'every account moved by exactly one process');
    assert.equal(total('factors'), 2 * extra.length + users.length);
    assert.equal(await nodes[0].call('count', 'factor', {}), 2 * extra.length + users.length, 'one factor row per slot');
    const legacy = ['totpSecret', 'totpPending', 'totpEnabledAt', 'totpLastStep', 'phone', 'phoneMasked', 'phoneVerifiedAt'];
    const legacyLeft = () => nodes[1].call('count', 'account', { $or: legacy.map((field) => ({ [field]: { $notNull: true } })) });
    assert.equal(await legacyLeft(), 0, 'no legacy column left set');
    for (const [i, user] of users.entries()) {
      const http = nodes[i % 2].http;
      const { challenge, code } = await startLogin(http, sms, user);
      assert.equal((await verify(http, challenge, code)).status, 200, 'a phone user signs in after the upgrade');
    }

    // The steps themselves, four at once over two processes and no lock: still each account once.
    const more = legacyRows(2_000_000).map((row) => ({ ...row, realm: 'users-permissions' }));
    await nodes[0].call('insertRows', 'two_factor_accounts', more);
    const raced = await Promise.all([...nodes, ...nodes].map((node) => node.call('migrate')));
    t.diagnostic(`four racing upgrades moved ${raced.map((r) => r.accounts).join(', ')} accounts`);
    assert.equal(
      raced.reduce((sum, r) => sum + r.accounts, 0),
      more.length,
      'every account moved by exactly one upgrade',
    );
    assert.equal(
      raced.reduce((sum, r) => sum + r.factors, 0),
      2 * more.length,
    );
    assert.equal(await nodes[0].call('count', 'factor', {}), 2 * (extra.length + more.length) + users.length);
    assert.equal(await legacyLeft(), 0, 'no legacy column left set');
    t.diagnostic(`${database.kind()}: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await Promise.all(nodes.map((node) => node.stop().catch(() => {})));
    await sms.close();
    await db.drop();
  }
});
