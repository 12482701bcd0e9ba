'use strict';

// The startup self-check and the destination mask, on plain objects.
const test = require('node:test');
const assert = require('node:assert/strict');
const { selfCheck } = require('../server/src/bootstrap');
const { WRAPPED, TOKEN_ACTIONS } = require('../server/src/register');
const privateTables = require('../server/src/private-tables');
const pluginRoutes = require('../server/src/routes');
const mask = require('../server/src/mask');

const wrapped = () => Object.assign(async () => {}, { [WRAPPED]: true });
const stockRoutes = () => [
  ...TOKEN_ACTIONS.map((action) => ({ method: 'POST', path: `/auth/${action}`, handler: `auth.${action}` })),
  { method: 'POST', path: '/auth/forgot-password', handler: 'auth.forgotPassword' },
  { method: 'GET', path: '/users/me', handler: 'user.me' },
];
const gatedAuth = () => Object.fromEntries(TOKEN_ACTIONS.map((action) => [action, wrapped()]));

const CM_SERVICE = 'plugin::content-manager.content-types';
/** The GraphQL query names of a plugin type, as the graphql plugin's naming service gives them. */
const pascal = (name) => name.replace(/(^|-)([a-z])/g, (_, __, letter) => letter.toUpperCase());
const names = (uid) => {
  const type = pascal(uid.slice('plugin::two-factor.'.length));
  return [`twoFactor${type}s`, `twoFactor${type}`];
};

/**
 * A Strapi made of plain objects, with just what the self-check and `seal()` touch: the
 * users-permissions auth controller and routes, the app's and the plugins' routes, the
 * content-API actions, the graphql plugin's extension service and schema, the admin
 * action provider, the content manager's content-type service and the document service.
 */
const fakeStrapi = ({ auth = gatedAuth(), upRoutes = stockRoutes(), graphql = true } = {}) => {
  const shadowDisabled = new Set();
  const builtQueryFields = new Set(['login', 'me']);
  const handlers = [];
  const adminActions = [
    { actionId: 'plugin::content-manager.explorer.read', subjects: ['api::article.article', ...privateTables.UIDS] },
    { actionId: 'plugin::content-manager.explorer.create', subjects: ['api::article.article'] },
    { actionId: 'plugin::two-factor.settings.read' },
  ];
  const allTypes = ['api::article.article', 'plugin::users-permissions.user', ...privateTables.UIDS].map((uid) => ({ uid, isDisplayed: !uid.startsWith('plugin::two-factor.') }));
  let cmService = {
    findAllContentTypes: () => allTypes,
    findContentType: (uid) => allTypes.find((contentType) => contentType.uid === uid),
    findDisplayedContentTypes() {
      return this.findAllContentTypes().filter((contentType) => contentType.isDisplayed);
    },
  };
  const documentMiddlewares = [];
  const documents = (uid) => ({
    count: async () => {
      let index = 0;
      const next = async () => (index < documentMiddlewares.length ? documentMiddlewares[index++]({ uid, action: 'count', params: {} }, next) : 0);
      return next();
    },
  });
  documents.use = (middleware) => documentMiddlewares.push(middleware);
  const graphqlPlugin = {
    service: (name) =>
      ({
        extension: {
          shadowCRUD: (uid) => ({
            isEnabled: () => !shadowDisabled.has(uid),
            disable() {
              shadowDisabled.add(uid);
              return this;
            },
          }),
        },
        'content-api': { getBuiltInQueryFields: () => builtQueryFields },
        utils: {
          naming: {
            getFindQueryName: (ct) => names(ct.uid)[0],
            getFindOneQueryName: (ct) => names(ct.uid)[1],
            getFindConnectionQueryName: (ct) => `${names(ct.uid)[0]}_connection`,
          },
        },
      })[name],
  };
  const controllers = {
    'plugin::two-factor.challenge': { verify: async () => {}, resend: async () => {} },
    'api::article.article': { find: async () => {}, transformResponse: () => {}, sanitizeOutput: async () => {} },
  };
  const plugins = {
    'users-permissions': { controller: () => auth, routes: { 'content-api': () => ({ routes: upRoutes }) } },
    'two-factor': { routes: structuredClone(pluginRoutes) },
    ...(graphql ? { graphql: graphqlPlugin } : {}),
  };
  const apis = { article: { routes: { article: { type: 'content-api', routes: [{ method: 'GET', path: '/articles', handler: 'article.find' }] } } } };
  const contentApiActions = ['api::article.article.find', 'plugin::two-factor.challenge.verify', 'plugin::two-factor.self.status'];
  const strapi = {
    apis,
    plugins,
    plugin: (name) => plugins[name],
    controller: (uid) => controllers[uid],
    contentType: (uid) => ({ uid }),
    contentAPI: { permissions: { providers: { action: { keys: () => contentApiActions } } } },
    service: (uid) =>
      uid === 'admin::permission'
        ? { actionProvider: { values: () => adminActions, get: (id) => adminActions.find((action) => action.actionId === id), hooks: { willRegister: { register: (fn) => handlers.push(fn), getHandlers: () => handlers } } } }
        : undefined,
    get: (name) =>
      name === 'services'
        ? {
            get: (uid) => (uid === CM_SERVICE ? cmService : undefined),
            extend: (uid, fn) => {
              cmService = fn(cmService);
            },
          }
        : undefined,
    documents,
  };
  // What the test changes to open a door.
  const doors = { shadowDisabled, builtQueryFields, handlers, adminActions, controllers, apis, contentApiActions, documentMiddlewares, plugins };
  return { strapi, doors };
};

/** A fake Strapi after the plugin's register(): every door shut. */
const sealed = (options) => {
  const world = fakeStrapi(options);
  privateTables.seal({ strapi: world.strapi });
  return world;
};

test('self-check passes when every token route is gated and every plugin table is private', async () => {
  await assert.doesNotReject(selfCheck(sealed().strapi));
  await assert.doesNotReject(selfCheck(sealed({ graphql: false }).strapi), 'no graphql plugin: nothing to disable');
});

test('self-check fails loudly on an ungated action, an unknown auth route, or a missing route', async () => {
  const auth = { ...gatedAuth(), resetPassword: async () => {} };
  await assert.rejects(selfCheck(sealed({ auth }).strapi), /auth\.resetPassword is not gated/);
  const extra = [...stockRoutes(), { method: 'POST', path: '/auth/magic-link', handler: 'auth.magicLink' }];
  await assert.rejects(selfCheck(sealed({ upRoutes: extra }).strapi), /POST \/auth\/magic-link -> auth\.magicLink/);
  const missing = stockRoutes().filter((route) => route.handler !== 'auth.register');
  await assert.rejects(selfCheck(sealed({ upRoutes: missing }).strapi), /no users-permissions route for auth\.register/);
});

test('without seal(), the self-check names every plugin table and every door it is reachable through', async () => {
  const { strapi } = fakeStrapi();
  const error = await selfCheck(strapi).then(
    () => assert.fail('the self-check passed'),
    (e) => e,
  );
  assert.match(error.message, /^strapi-plugin-two-factor: self-check failed: /);
  for (const uid of privateTables.UIDS) {
    assert.ok(error.message.includes(`${uid} is reachable through GraphQL (shadow CRUD is enabled for it)`), uid);
    assert.ok(error.message.includes(`${uid} is reachable through the content manager (the admin permissions plugin::content-manager.explorer.read name it)`), uid);
    assert.ok(error.message.includes(`${uid} is reachable through the content manager (its content-type list has it)`), uid);
    assert.ok(error.message.includes(`${uid} is reachable through the document service`), uid);
  }
  assert.match(error.message, /may be reachable through the content manager \(admin actions registered later keep them as subjects\)/);
});

test('a content-API route that targets a plugin table stops Strapi, naming the type and the route', async () => {
  // A core router for a plugin table inside the plugin itself.
  let world = sealed();
  world.doors.plugins['two-factor'].routes['content-api'].routes.push({ method: 'GET', path: '/accounts', handler: 'account.find' });
  await assert.rejects(selfCheck(world.strapi), /self-check failed: plugin::two-factor\.account is reachable through the content API \(GET \/accounts -> account\.find\)/);
  // An app route naming the plugin's type by its full uid.
  world = sealed();
  world.doors.apis.article.routes.article.routes.push({ method: 'GET', path: '/devices/:id', handler: 'plugin::two-factor.device.findOne' });
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.device is reachable through the content API \(GET \/devices\/:id -> plugin::two-factor\.device\.findOne\)/);
  // A custom action on a core controller of a plugin type (createCoreController).
  world = sealed();
  world.doors.controllers['plugin::two-factor.recovery-code'] = { export: async () => {}, transformResponse: () => {}, sanitizeOutput: async () => {} };
  world.doors.plugins['two-factor'].routes['content-api'].routes.push({ method: 'GET', path: '/recovery-codes/export', handler: 'recovery-code.export' });
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.recovery-code is reachable through the content API \(GET \/recovery-codes\/export -> recovery-code\.export\)/);
  // A grantable content-API action on a plugin type (API tokens, users-permissions roles).
  world = sealed();
  world.doors.contentApiActions.push('plugin::two-factor.challenge.find');
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.challenge is reachable through the content API \(API tokens and roles can be granted plugin::two-factor\.challenge\.find\)/);
  // The plugin's own routes (a controller that happens to be called `challenge`) are fine.
  world = sealed();
  assert.ok(world.doors.plugins['two-factor'].routes['content-api'].routes.some((route) => route.handler === 'challenge.verify'));
  await assert.doesNotReject(selfCheck(world.strapi));
});

test('GraphQL shadow CRUD left on, or a plugin type in the built schema, stops Strapi naming the type', async () => {
  let world = fakeStrapi();
  privateTables.seal({ strapi: { ...world.strapi, plugin: (name) => (name === 'graphql' ? undefined : world.strapi.plugin(name)) } });
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.challenge is reachable through GraphQL \(shadow CRUD is enabled for it\)/);
  world = sealed();
  world.doors.builtQueryFields.add('twoFactorDevices').add('twoFactorDevices_connection');
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.device is reachable through GraphQL \(the schema has twoFactorDevices, twoFactorDevices_connection\)/);
});

test('an admin action naming a plugin table, or the content manager listing one, stops Strapi', async () => {
  let world = sealed();
  world.doors.adminActions.push({ actionId: 'plugin::content-releases.explorer.read', subjects: ['plugin::two-factor.account'] });
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.account is reachable through the content manager \(the admin permissions plugin::content-releases\.explorer\.read name it\)/);
  world = sealed();
  world.doors.handlers.length = 0;
  await assert.rejects(selfCheck(world.strapi), /admin actions registered later keep them as subjects/);
  world = sealed();
  world.strapi.get('services').extend(CM_SERVICE, (service) => ({ ...service, findContentType: (uid) => ({ uid }) }));
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.account is reachable through the content manager \(its content-type list has it\)/);
});

test('a document service that does not refuse a plugin table stops Strapi', async () => {
  const world = sealed();
  world.doors.documentMiddlewares.length = 0;
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.account is reachable through the document service/);
  world.doors.documentMiddlewares.push(async () => {
    throw new Error('database is down');
  });
  await assert.rejects(selfCheck(world.strapi), /plugin::two-factor\.account is not refused by the document service as expected \(database is down\)/);
});

test('seal() shuts each door: shadow CRUD off, subjects dropped, content manager list filtered, documents refused', async () => {
  const { strapi, doors } = sealed();
  for (const uid of privateTables.UIDS) assert.equal(doors.shadowDisabled.has(uid), true, uid);
  // Actions registered before seal() lost the subjects; later ones lose them through the hook.
  assert.deepEqual(doors.adminActions[0].subjects, ['api::article.article']);
  const later = { key: 'plugin::content-manager.explorer.update', value: { subjects: ['api::article.article', 'plugin::two-factor.device'] } };
  for (const handler of doors.handlers) handler(later);
  assert.deepEqual(later.value.subjects, ['api::article.article']);
  const cm = strapi.get('services').get(CM_SERVICE);
  assert.deepEqual(cm.findAllContentTypes().map((ct) => ct.uid), ['api::article.article', 'plugin::users-permissions.user']);
  assert.deepEqual(cm.findDisplayedContentTypes().map((ct) => ct.uid), ['api::article.article', 'plugin::users-permissions.user']);
  assert.equal(cm.findContentType('plugin::two-factor.account'), undefined);
  assert.equal(cm.findContentType('api::article.article').uid, 'api::article.article');
  await assert.rejects(strapi.documents('plugin::two-factor.recovery-code').count(), /plugin::two-factor\.recovery-code is private to the two-factor plugin/);
  assert.equal(await strapi.documents('api::article.article').count(), 0);
});

test('destinations are masked', () => {
  assert.equal(mask('sms', '+1 (555) 010-4567'), '+1••••••4567');
  assert.equal(mask('sms', '0612345678'), '••••••5678');
  assert.equal(mask('email', 'alice@example.com'), 'a•••@example.com');
  assert.equal(mask('email', 'b@x.io'), 'b•••@x.io');
});
