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
const database = require('./helpers/database');
const restarts = require('./helpers/restarts');
const { appSecrets } = require('./helpers/strapi');
const twilio = require('./helpers/twilio');
const { adminToken } = require('./helpers/fixtures');
const { startLogin, verify } = require('./helpers/two-step');

const OLD = 'd24fd0e';
const REPO = path.resolve(__dirname, '../..');
const UPGRADE_DIR = path.join(REPO, 'tests', '.upgrade');
const COPIED = /\[two-factor\] upgrade: copied (\d+) factors to their own table; (\d+) accounts given/;
const LEGACY = { totp: { secret: 'totpSecret', pending: 'totpPending', enabledAt: 'totpEnabledAt', totpLastStep: 'totpLastStep' }, phone: { secret: 'phone', masked: 'phoneMasked', enabledAt: 'phoneVerifiedAt' } };

// The plugin as it was released before the upgrade, kept as `git archive d24fd0e
// strapi-plugin | gzip -9n`: the test needs no git history (a shallow clone runs it too).
const FIXTURE = path.join(__dirname, 'fixtures', `plugin-${OLD}.tar.gz`);

/** The old plugin's folder, extracted once (inside the repo, so its requires resolve to the repo's node_modules). */
const oldPluginPath = () => {
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

/** What boots the plugin of OLD instead of this one. */
const oldPlugin = () => ({ TWO_FACTOR_PLUGIN_PATH: oldPluginPath() });

/** What a process's upgrade line says it copied and mirrored, or zeros when it printed none. */
const movedBy = async (node) => {
  const found = (await node.call('logs')).match(COPIED);
  return found ? { factors: Number(found[1]), mirrored: Number(found[2]) } : { factors: 0, mirrored: 0 };
};

/** Asserts that every factor row's account row holds the same values in the previous release's columns. */
const assertMirrored = async (node) => {
  for (const factor of await node.call('rows', 'factor', {})) {
    const account = await node.call('account', factor.userId);
    for (const [field, column] of Object.entries(LEGACY[factor.slot])) {
      assert.equal(String(account[column]), String(factor[field]), `${column} of user ${factor.userId} does not mirror the factor row`);
    }
  }
};

const password = (user) => ({ identifier: user.identifier, password: user.password });

test(`an install made by the plugin of ${OLD}: its users sign in as before after the upgrade, which runs once`, async (t) => {
  const why = await restarts.unavailable();
  if (why) return t.skip(why);
  const began = Date.now();
  const sms = await twilio.start();
  const db = await restarts.scratchDatabase('upgrade');
  // One set of secrets for every boot, as a restart keeps its configuration. Tokens in the
  // body (legacy mode), so the trusted device's token travels in a header.
  const env = { ...appSecrets(), ...sms.env, ...db.env, UP_JWT_MANAGEMENT: 'legacy-support' };
  const ops = restarts.operator(env);
  const { nextStep, totp } = ops;
  try {
    // Before: the old plugin enrols a TOTP user (recovery codes, a trusted device) and a phone user.
    const old = await ops.boot(oldPlugin());
    const admin = await adminToken(old.http);
    await old.call('ensureRole', 'upgrade');
    const roles = { upgrade: { enforcement: 'optional', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 30 } };
    assert.equal((await old.http.put('/two-factor/settings', { roles }, { token: admin })).status, 200);

    const totpUser = await old.call('createUser', { role: 'upgrade' });
    const { secret, recoveryCodes } = await ops.enrolApp(totpUser);
    assert.equal(recoveryCodes.length, 10);
    await ops.nextStep();
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

    // After: this version on the same database.
    const upgraded = await ops.boot();
    assert.deepEqual(await movedBy(upgraded), { factors: 2, mirrored: 0 }, "the upgrade copied both users' factors, and said so");
    const logs = await upgraded.call('logs');
    for (const value of [secret, ...recoveryCodes, deviceToken]) assert.ok(!logs.includes(value), 'a secret reached the logs');

    await nextStep();
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

    // The factors in their own rows and, for a rollback, still in the previous layout's
    // columns; every row in the realm, and the hour's SMS count carried on under the
    // realm-qualified subject.
    for (const user of [totpUser, phoneUser]) assert.equal((await upgraded.call('account', user.id)).realm, 'users-permissions');
    const factors = await upgraded.call('rows', 'factor', {});
    const bySlot = (rows) => rows.sort((a, b) => a[1].localeCompare(b[1]));
    assert.deepEqual(bySlot(factors.map((row) => [row.userId, row.slot, row.realm])), [
      [phoneUser.id, 'phone', 'users-permissions'],
      [totpUser.id, 'totp', 'users-permissions'],
    ]);
    await assertMirrored(upgraded);
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

    // A factor enrolled after the upgrade, and one changed: a new user adds an app, the
    // TOTP user's replay guard moves on.
    const lateUser = await upgraded.call('createUser', { role: 'upgrade' });
    const { secret: lateSecret } = await ops.enrolApp(lateUser);
    await assertMirrored(upgraded);

    // A rollback: the previous version starts once on the upgraded database (its schema
    // sync drops the factor table). Every user still signs in with the factor they had,
    // and a user enrols there.
    const rolledBack = await ops.boot(oldPlugin());
    const signsInWithTotp = async (node, user, userSecret, what) => {
      await nextStep();
      const asked = await node.http.post('/api/auth/local', password(user));
      assert.equal(asked.status, 401, `${what}: ${JSON.stringify(asked.body)}`);
      assert.equal(asked.body.error.details.method, 'totp', `${what}: asked for the app`);
      const done = await verify(node.http, asked.body.error.details.challenge, totp(userSecret));
      assert.equal(done.status, 200, `${what}: ${JSON.stringify(done.body)}`);
    };
    await signsInWithTotp(rolledBack, totpUser, secret, 'the TOTP user on the previous version');
    await signsInWithTotp(rolledBack, lateUser, lateSecret, 'a user who enrolled after the upgrade, on the previous version');
    const onOld = await startLogin(rolledBack.http, sms, phoneUser);
    assert.equal(onOld.method, 'sms');
    assert.equal((await verify(rolledBack.http, onOld.challenge, onOld.code)).status, 200, 'the phone user on the previous version');
    const oldUser = await rolledBack.call('createUser', { role: 'upgrade' });
    const { secret: oldSecret } = await ops.enrolApp(oldUser);

    // This version again: the factors are copied back, nothing is lost.
    const restored = await ops.boot();
    assert.deepEqual(await movedBy(restored), { factors: 4, mirrored: 0 }, 'the four factors copied back');
    await signsInWithTotp(restored, totpUser, secret, 'the TOTP user after the rollback');
    await signsInWithTotp(restored, lateUser, lateSecret, 'the user who enrolled after the upgrade');
    await signsInWithTotp(restored, oldUser, oldSecret, 'the user who enrolled on the previous version');
    const back = await startLogin(restored.http, sms, phoneUser);
    assert.equal(back.method, 'sms');
    assert.equal((await verify(restored.http, back.challenge, back.code)).status, 200, 'the phone user after the rollback');
    const optional = await restored.http.post('/api/auth/local', password(totpUser));
    assert.equal(optional.status, 401, 'an optional-role user with a factor is still asked for it');
    await assertMirrored(restored);
    const current = await restored.call('rows', 'factor', {});

    // A second start finds nothing to do.
    const restarted = await ops.boot();
    assert.doesNotMatch(await restarted.call('logs'), /\[two-factor\] upgrade:/);
    assert.deepEqual((await restarted.call('rows', 'factor', {})).map((row) => row.id).sort(), current.map((row) => row.id).sort());
    const still = await restarted.http.post('/api/auth/local', password(totpUser), { headers: { 'x-two-factor-device': deviceToken } });
    assert.equal(still.status, 200, 'the rotated device token still skips the second step');

    // A start that died midway: the next one copies what is left (never a row twice), and
    // gives factor rows whose columns the release before this one cleared their copy.
    const stamp = Date.now();
    const accounts = Array.from({ length: 20 }, (_, i) => ({
      realm: 'users-permissions',
      user_id: 500_000 + i,
      failures: 0,
      totp_secret: `v1.copied-${i}`,
      totp_enabled_at: stamp,
    }));
    const copied = accounts.slice(0, 10).map((row) => ({ realm: row.realm, user_id: row.user_id, slot: 'totp', secret: row.totp_secret, enabled_at: stamp }));
    const cleared = Array.from({ length: 5 }, (_, i) => ({ realm: 'users-permissions', user_id: 600_000 + i, failures: 0 }));
    const movedOut = cleared.map((row, i) => ({ realm: row.realm, user_id: row.user_id, slot: 'phone', secret: `v1.moved-${i}`, masked: '+1•••••0000', enabled_at: stamp }));
    await restarted.call('insertRows', 'two_factor_accounts', [...accounts, ...cleared]);
    await restarted.call('insertRows', 'two_factor_factors', [...copied, ...movedOut]);
    const completed = await restarted.call('migrate');
    assert.deepEqual([completed.factors, completed.mirrored], [10, 5]);
    assert.equal(await restarted.call('count', 'factor', { userId: { $gte: 500_000 } }), 25, 'one row per slot');
    assert.equal(await restarted.call('count', 'account', { userId: { $gte: 600_000 }, phone: { $notNull: true } }), 5);
    await assertMirrored(restarted);
    const again2 = await restarted.call('migrate');
    assert.deepEqual([again2.factors, again2.mirrored], [0, 0], 'and then there is nothing left to do');
    t.diagnostic(`${database.kind()}: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await ops.stop().catch(() => {});
    await sms.close();
    await db.drop();
  }
});

test('two processes starting together on the old data copy it exactly once; so do upgrades racing without the startup lock', async (t) => {
  if (database.kind() === 'sqlite') return t.skip('several processes need a server database (run with DB=postgres or DB=mariadb)');
  const why = await restarts.unavailable();
  if (why) return t.skip(why);
  const began = Date.now();
  const sms = await twilio.start();
  const db = await restarts.scratchDatabase('upgrade');
  const env = { ...appSecrets(), ...sms.env, ...db.env };
  const nodes = [];
  try {
    const old = await restarts.start(env, oldPlugin());
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

    nodes.push(...(await Promise.all([restarts.start(env), restarts.start(env)])));
    const moved = await Promise.all(nodes.map(movedBy));
    t.diagnostic(`the two processes copied ${moved.map((m) => m.factors).join(' and ')} factors`);
    const total = (key) => moved.reduce((sum, m) => sum + m[key], 0);
    assert.equal(total('factors'), 2 * extra.length + users.length, 'every factor copied by exactly one process');
    assert.equal(total('mirrored'), 0);
    assert.equal(await nodes[0].call('count', 'factor', {}), 2 * extra.length + users.length, 'one factor row per slot');
    // The previous layout's columns stay as they were, for a rollback.
    const legacyKept = () => nodes[1].call('count', 'account', { phone: { $notNull: true }, totpSecret: { $notNull: true } });
    assert.equal(await legacyKept(), extra.length, 'the legacy columns are kept');
    for (const [i, user] of users.entries()) {
      const http = nodes[i % 2].http;
      const { challenge, code } = await startLogin(http, sms, user);
      assert.equal((await verify(http, challenge, code)).status, 200, 'a phone user signs in after the upgrade');
    }

    // The steps themselves, four at once over two processes and no lock: still each account once.
    const more = legacyRows(2_000_000).map((row) => ({ ...row, realm: 'users-permissions' }));
    await nodes[0].call('insertRows', 'two_factor_accounts', more);
    const raced = await Promise.all([...nodes, ...nodes].map((node) => node.call('migrate')));
    t.diagnostic(`four racing upgrades copied ${raced.map((r) => r.factors).join(', ')} factors`);
    assert.equal(
      raced.reduce((sum, r) => sum + r.factors, 0),
      2 * more.length,
      'every factor copied by exactly one upgrade',
    );
    assert.equal(await nodes[0].call('count', 'factor', {}), 2 * (extra.length + more.length) + users.length);
    assert.equal(await legacyKept(), extra.length + more.length, 'the legacy columns are kept');
    t.diagnostic(`${database.kind()}: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await Promise.all(nodes.map((node) => node.stop().catch(() => {})));
    await sms.close();
    await db.drop();
  }
});
