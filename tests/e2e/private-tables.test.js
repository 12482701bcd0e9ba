'use strict';

// The plugin's tables are reachable through no API but the plugin's own routes:
// no GraphQL shadow CRUD (for any API token type), no content-API route or grantable
// action, nothing in the content manager for any admin (the super admin included), no
// admin role or admin token that can be granted them, and no document-service read.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const plugin = require('strapi-plugin-two-factor/strapi-server');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const { createUser, adminToken } = require('./helpers/fixtures');

const { selfCheck } = plugin.bootstrap;

// Every content type of the plugin, with the names Strapi's generators would give it.
const pascal = (name) => name.replace(/(^|-)([a-z])/g, (_, __, letter) => letter.toUpperCase());
const TYPES = Object.entries(plugin.contentTypes).map(([name, { schema }]) => ({
  uid: `plugin::two-factor.${name}`,
  name,
  singular: `twoFactor${pascal(schema.info.singularName)}`,
  plural: `twoFactor${pascal(schema.info.pluralName)}`,
  type: `TwoFactor${pascal(schema.info.singularName)}`,
  rest: schema.info.pluralName,
}));
const CRUD = ['find', 'findOne', 'create', 'update', 'delete'];

let app;
let http;
let admin; // the first admin's JWT: a super admin
let user;
const tokens = {}; // API token type -> access key

const createApiToken = (type, permissions) =>
  http.post('/admin/api-tokens', { name: `private-tables ${type} ${crypto.randomUUID()}`, type, lifespan: null, ...(permissions ? { permissions } : {}) }, { token: admin });
const twoFactorActions = async () => {
  const res = await http.get('/admin/content-api/permissions', { token: admin });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const controllers = res.body.data['plugin::two-factor']?.controllers ?? {};
  return Object.entries(controllers).flatMap(([controller, actions]) => actions.map((action) => `plugin::two-factor.${controller}.${action}`));
};

test.before(async () => {
  app = await boot();
  http = client(app.url);
  admin = await adminToken(http);
  // A row in every table: an account (a verified phone), a challenge (a password step),
  // a trusted device and a recovery code.
  user = await createUser(app.strapi, { phone: '+15555550142' });
  const login = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(login.status, 401, JSON.stringify(login.body));
  assert.equal(login.body.error.name, 'TwoFactorRequiredError');
  const now = Date.now();
  await app.strapi.db.query('plugin::two-factor.device').create({ data: { userId: user.id, tokenHash: 'f'.repeat(64), label: 'test', expiresAt: now + 86_400_000, lastUsedAt: now } });
  await app.strapi.db.query('plugin::two-factor.recovery-code').create({ data: { userId: user.id, codeHash: 'e'.repeat(64), codeSalt: 'd'.repeat(32) } });
  for (const name of ['account', 'challenge', 'device', 'recovery-code']) {
    assert.ok((await app.strapi.db.query(`plugin::two-factor.${name}`).count()) > 0, `a ${name} row exists`);
  }

  const grantable = await twoFactorActions();
  for (const type of ['read-only', 'full-access', 'custom']) {
    // The custom token gets everything of this plugin that Strapi lets an admin grant.
    const res = await createApiToken(type, type === 'custom' ? [...grantable, 'plugin::users-permissions.user.find'] : undefined);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    tokens[type] = res.body.data.accessKey;
  }
});
test.after(async () => {
  await app?.stop();
});

const graphql = (query, token) => http.post('/graphql', { query }, { token });

/** The generated GraphQL operations of one content type, each with the field it asks for. */
const operations = ({ singular, plural, type }) => [
  [plural, `{ ${plural} { documentId createdAt } }`],
  [`${plural}_connection`, `{ ${plural}_connection { nodes { documentId } } }`],
  [singular, `{ ${singular}(documentId: "x") { documentId } }`],
  [`create${type}`, `mutation { create${type}(data: { userId: 1 }) { documentId } }`],
  [`update${type}`, `mutation { update${type}(documentId: "x", data: { userId: 1 }) { documentId } }`],
  [`delete${type}`, `mutation { delete${type}(documentId: "x") { documentId } }`],
];

test('GraphQL has no query, mutation or type for the plugin\'s tables, for any API token', async () => {
  const introspection = '{ __schema { types { name } queryType { fields { name } } mutationType { fields { name } } } }';
  for (const [kind, token] of [['no token', undefined], ...Object.entries(tokens)]) {
    const res = await graphql(introspection, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const schema = res.body.data.__schema;
    const fields = [...schema.queryType.fields, ...(schema.mutationType?.fields ?? [])].map((field) => field.name);
    const types = schema.types.map((t) => t.name);
    for (const ct of TYPES) {
      const generated = operations(ct).map(([field]) => field);
      assert.deepEqual(fields.filter((field) => generated.includes(field)), [], `${kind}: operations on ${ct.uid}`);
      assert.deepEqual(types.filter((name) => name.startsWith(ct.type)), [], `${kind}: types of ${ct.uid} (entities, inputs, filters)`);
    }
    assert.ok(fields.includes('login'), `${kind}: the schema is the real one`);
  }
});

test('every generated query and mutation fails with no data, for every API token type', async () => {
  const answered = [];
  for (const [kind, token] of Object.entries(tokens)) {
    for (const ct of TYPES) {
      for (const [field, query] of operations(ct)) {
        const res = await graphql(query, token);
        const unknown = new RegExp(`Cannot query field \\\\"${field}\\\\"`).test(JSON.stringify(res.body?.errors));
        if ((res.body?.data?.[field] ?? null) !== null || !unknown) answered.push(`${kind} ${field}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
  }
  assert.deepEqual(answered, [], 'every operation is unknown to the schema and returns no data');
});

test('a full-access token cannot forge a trusted device and sign in without the second step', async () => {
  const victim = await createUser(app.strapi, { phone: '+15555550143' });
  const deviceToken = crypto.randomBytes(32).toString('base64url');
  const tokenHash = crypto.createHash('sha256').update(deviceToken).digest('hex');
  const expiresAt = String(Date.now() + 30 * 86_400_000);
  const forged = await graphql(
    `mutation { createTwoFactorDevice(data: { userId: ${victim.id}, tokenHash: "${tokenHash}", label: "x", expiresAt: "${expiresAt}" }) { documentId } }`,
    tokens['full-access'],
  );
  const rows = await app.strapi.db.query('plugin::two-factor.device').count({ where: { userId: victim.id } });
  const login = await http.post('/api/auth/local', { identifier: victim.identifier, password: victim.password }, { headers: { 'x-two-factor-device': deviceToken } });
  const outcome = `mutation: ${JSON.stringify(forged.body)}; device rows: ${rows}; login: ${login.status} ${JSON.stringify(login.body).slice(0, 200)}`;
  assert.equal(forged.body?.data?.createTwoFactorDevice ?? null, null, outcome);
  assert.match(JSON.stringify(forged.body.errors), /Cannot query field \\"createTwoFactorDevice\\"/);
  assert.equal(rows, 0, 'no device row');
  assert.equal(login.status, 401, outcome);
  assert.equal(login.body.error.name, 'TwoFactorRequiredError');
});

test('no content-API route serves the tables, and no content-API action for them can be granted', async () => {
  for (const [kind, token] of Object.entries(tokens)) {
    for (const ct of TYPES) {
      for (const path of [`/api/two-factor/${ct.rest}`, `/api/${ct.rest}`, `/api/two-factor-${ct.rest}`]) {
        const res = await http.get(path, { token });
        assert.equal(res.status, 404, `${kind} GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
  }
  const grantable = await twoFactorActions();
  for (const ct of TYPES) {
    assert.deepEqual(grantable.filter((action) => CRUD.some((crud) => action === `${ct.uid}.${crud}`)), [], `no CRUD action on ${ct.uid}`);
    const res = await createApiToken('custom', CRUD.map((crud) => `${ct.uid}.${crud}`));
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error.message, /Unknown permissions provided/);
  }
  const routes = await http.get('/admin/content-api/routes', { token: admin });
  assert.equal(routes.status, 200);
  const handlers = Object.values(routes.body.data).flat().map((route) => route.handler);
  for (const ct of TYPES) {
    assert.deepEqual(handlers.filter((handler) => typeof handler === 'string' && CRUD.some((crud) => handler === `${ct.uid}.${crud}` || handler === `${ct.name}.${crud}`)), [], ct.uid);
  }
});

test('the content manager refuses the tables to a super admin, on every route, raw or URL-encoded', async () => {
  const answered = [];
  for (const ct of TYPES) {
    const rowsBefore = await app.strapi.db.query(ct.uid).count();
    const row = await app.strapi.db.query(ct.uid).findOne({});
    const id = row?.documentId ?? row?.id ?? 1;
    for (const model of [ct.uid, encodeURIComponent(ct.uid)]) {
      const base = `/content-manager/collection-types/${model}`;
      const requests = [
        ['GET', base],
        ['GET', `${base}/${id}`],
        ['POST', base, { userId: user.id }],
        ['PUT', `${base}/${id}`, { userId: user.id }],
        ['DELETE', `${base}/${id}`],
        ['POST', `${base}/actions/bulkDelete`, { documentIds: [String(id)] }],
        ['GET', `${base}/actions/countManyEntriesDraftRelations`],
        ['GET', `/content-manager/single-types/${model}`],
        ['GET', `/content-manager/content-types/${model}/configuration`],
        ['PUT', `/content-manager/content-types/${model}/configuration`, { layouts: {}, metadatas: {}, settings: {} }],
        ['GET', `/content-manager/relations/${model}/userId`],
      ];
      for (const [method, path, body] of requests) {
        const res = await http.request(method, path, { token: admin, body });
        const text = JSON.stringify(res.body);
        const leaks = ['tokenHash', 'codeHash', 'totpSecret', '"phone"', 'fffff'].filter((secret) => text.includes(secret));
        if (![400, 403, 404].includes(res.status) || leaks.length > 0) answered.push(`${method} ${path}: ${res.status} ${leaks.join(',')} ${text.slice(0, 120)}`);
      }
    }
    const rowsAfter = await app.strapi.db.query(ct.uid).count();
    if (rowsAfter !== rowsBefore) answered.push(`${ct.uid}: ${rowsBefore} rows before, ${rowsAfter} after`);
  }
  assert.deepEqual(answered, [], 'every content-manager route refuses the super admin');
  for (const path of ['/content-manager/init', '/content-manager/content-types', '/content-manager/content-types-settings']) {
    const res = await http.get(path, { token: admin });
    assert.equal(res.status, 200, path);
    const text = JSON.stringify(res.body);
    for (const ct of TYPES) assert.ok(!text.includes(ct.uid), `${path} lists ${ct.uid}`);
  }
});

test('no admin role and no admin token can be granted the content manager on the tables', async () => {
  const res = await http.get('/admin/permissions', { token: admin });
  assert.equal(res.status, 200);
  const { collectionTypes, singleTypes } = res.body.data.sections;
  const subjects = [collectionTypes, singleTypes].flatMap(({ actions, subjects: offered }) => [
    ...offered.map((subject) => subject.uid),
    ...actions.flatMap((action) => action.subjects ?? []),
  ]);
  assert.ok(subjects.includes('plugin::users-permissions.user'), 'the list is the real one');
  for (const ct of TYPES) assert.ok(!subjects.includes(ct.uid), `${ct.uid} is offered to admin roles`);

  const role = await app.strapi.service('admin::role').create({ name: 'private-tables reader', description: 'x' });
  const grant = (uid) => ({ action: 'plugin::content-manager.explorer.read', subject: uid, properties: { fields: ['userId'] }, conditions: [] });
  const granted = [];
  for (const ct of TYPES) {
    const put = await http.put(`/admin/roles/${role.id}/permissions`, { permissions: [grant(ct.uid)] }, { token: admin });
    if (put.status !== 400) granted.push(`role grant on ${ct.uid}: ${put.status} ${JSON.stringify(put.body).slice(0, 120)}`);
    const made = await http.post('/admin/admin-tokens', { name: `private-tables ${ct.name}`, lifespan: null, adminPermissions: [grant(ct.uid)] }, { token: admin });
    if (![400, 403, 404].includes(made.status)) granted.push(`admin token on ${ct.uid}: ${made.status} ${JSON.stringify(made.body).slice(0, 120)}`);
  }
  // A permission left from before the upgrade is deleted by Strapi's boot-time clean-up.
  const stale = await app.strapi.db.query('admin::permission').create({ data: { ...grant(TYPES[0].uid), role: role.id } });
  await app.strapi.service('admin::permission').cleanPermissionsInDatabase();
  if (await app.strapi.db.query('admin::permission').findOne({ where: { id: stale.id } })) granted.push('a stale permission survives the boot-time clean-up');
  const stored = await app.strapi.db.query('admin::permission').findMany({ where: { subject: { $in: TYPES.map((ct) => ct.uid) } }, populate: ['role', 'apiToken'] });
  for (const row of stored) granted.push(`stored: ${row.action} on ${row.subject} for ${row.role ? `role ${row.role.code ?? row.role.name}` : `token ${row.apiToken?.name}`}`);
  assert.deepEqual(granted, [], 'no admin permission (role, super admin or admin token) names a plugin table');
});

test('no document-service path reads the tables; the plugin\'s own query-engine path still does', async () => {
  // Rows written with raw SQL have no document id; no document-service reader ever sees them.
  const account = await app.strapi.db.query('plugin::two-factor.account').findOne({ where: { userId: user.id } });
  assert.ok(account, 'the query engine (the plugin\'s path) reads the row');
  for (const ct of TYPES) {
    for (const call of [
      (docs) => docs.findMany(),
      (docs) => docs.findFirst(),
      (docs) => docs.count(),
      (docs) => docs.create({ data: { userId: user.id } }),
      (docs) => docs.delete({ documentId: 'x' }),
    ]) {
      await assert.rejects(() => call(app.strapi.documents(ct.uid)), new RegExp(`${ct.uid.replace(/[.]/g, '\\.')} is private to the two-factor plugin`));
    }
    // The v4-style entity service is a wrapper over the document service.
    await assert.rejects(() => app.strapi.entityService.findMany(ct.uid), /is private to the two-factor plugin/);
  }
  assert.equal(await app.strapi.db.query('plugin::two-factor.account').count({ where: { userId: user.id } }), 1);
});

test('the self-check passes on the running app, and names the type when a door is opened', async () => {
  await assert.doesNotReject(selfCheck(app.strapi));
  // A content-API route for a plugin table (as an app's core router would add).
  const routes = app.strapi.plugin('two-factor').routes['content-api'].routes;
  routes.push({ method: 'GET', path: '/accounts', handler: 'account.find', config: {} });
  try {
    await assert.rejects(selfCheck(app.strapi), /self-check failed: plugin::two-factor\.account is reachable through the content API \(GET \/accounts -> account\.find\)/);
  } finally {
    routes.pop();
  }
  // An admin action that lists a plugin table as a subject (the content manager's explorer).
  const read = app.strapi.service('admin::permission').actionProvider.get('plugin::content-manager.explorer.read');
  read.subjects.push('plugin::two-factor.device');
  try {
    await assert.rejects(selfCheck(app.strapi), /plugin::two-factor\.device is reachable through the content manager \(the admin permissions plugin::content-manager\.explorer\.read name it\)/);
  } finally {
    read.subjects.pop();
  }
  await assert.doesNotReject(selfCheck(app.strapi));
});

test('Strapi refuses to start when GraphQL shadow CRUD stays on for a plugin table', () => {
  // In a child process: the graphql plugin's disable() does nothing for this plugin's
  // types, as if its API had changed under us.
  const script = `
    const path = require('node:path');
    const { APP_DIR } = require('./helpers/strapi');
    const dir = path.dirname(require.resolve('@strapi/plugin-graphql/package.json', { paths: [APP_DIR] }));
    const file = path.join(dir, 'dist/server/services/extension/shadow-crud-manager.js');
    const original = require(file);
    require.cache[file].exports = () => {
      const manager = original();
      return (uid) => (uid.startsWith('plugin::two-factor.') ? Object.assign(manager(uid), { disable() { return this; } }) : manager(uid));
    };
    require('./helpers/strapi').boot().then(
      (app) => app.stop().then(() => console.log('STARTED')),
      (error) => { console.error(error.message); process.exit(1); },
    );`;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 90_000 });
  const output = child.stdout + child.stderr;
  assert.notEqual(child.status, 0, `started anyway: ${output.slice(-500)}`);
  assert.doesNotMatch(output, /STARTED/);
  for (const { uid } of TYPES) assert.match(output, new RegExp(`${uid.replace(/[.]/g, '\\.')} is reachable through GraphQL \\(shadow CRUD is enabled for it\\)`));
});
