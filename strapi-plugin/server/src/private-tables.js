'use strict';

// The plugin's tables hold security state: sealed secrets, keyed hashes, phone numbers,
// sign-in times. They are reachable through no API but the plugin's own routes. Strapi
// opens four doors on every content type by default; `seal()` (from register()) shuts
// each one, and `check()` (the startup self-check, from bootstrap()) proves they are shut.
//
// 1. GraphQL shadow CRUD. Disabled per type in the graphql plugin's extension service,
//    which drops the queries, the `_connection` queries, the mutations and every generated
//    type (entity, inputs, filters). No other type has a relation to ours. The schema is
//    built in the graphql plugin's bootstrap, so this must happen in register().
// 2. The content manager. Its explorer.* admin actions list every content type as a
//    subject, hidden ones included, and at each boot the super admin is given every
//    subject of every action; admin roles and admin tokens may be granted any of them.
//    We drop our uids from the subjects of every admin action as it is registered (the
//    action provider's `willRegister` hook), so no admin permission can name them: the
//    super admin loses them at boot, stale rows are deleted by Strapi's boot-time clean-up,
//    and a grant is refused as an invalid subject. The content manager's own permission
//    policy then refuses every route that reads or writes entries (403), whatever the path,
//    its encoding or a route added in a later version, which a path filter would not
//    promise. Its content-type list (init, content-types, configuration) leaves them out.
// 3. The content API and API tokens. The plugin has no content-API route for them, and
//    no content-API action on them is registered, so no API token (read-only, full-access
//    or custom) and no users-permissions role can reach them. `check()` refuses to start
//    when any route of the app or of another plugin targets them.
// 4. The document service, which GraphQL, the content manager, core controllers and the
//    entity service all read through: every call on our uids throws. The plugin itself uses
//    only the query engine (`strapi.db.query`) and raw SQL, which is also why rows it writes
//    with raw SQL may have no document id: no document-service reader ever sees them.
const { errors } = require('./strapi-utils');
const contentTypes = require('./content-types');

const UIDS = Object.keys(contentTypes).map((name) => `plugin::two-factor.${name}`);
const isPrivate = (uid) => UIDS.includes(uid);
/** Core content-API actions: what a core router or core controller serves for a type. */
const CORE_ACTIONS = ['find', 'findOne', 'create', 'update', 'delete'];
const CM_SERVICE = 'plugin::content-manager.content-types';
const PRIVATE_MESSAGE = 'is private to the two-factor plugin';

/** The document service refuses our uids: no reader of documents ever sees these rows. */
const refuseDocuments = async (ctx, next) => {
  if (isPrivate(ctx.uid)) throw new errors.ForbiddenError(`${ctx.uid} ${PRIVATE_MESSAGE}`);
  return next();
};

/** The admin action provider's `willRegister` hook: our uids are no action's subjects. */
const dropSubjects = ({ value }) => {
  if (Array.isArray(value?.subjects)) value.subjects = value.subjects.filter((subject) => !isPrivate(subject));
};

/** Shuts every door; called from register(). */
const seal = ({ strapi }) => {
  const graphql = strapi.plugin('graphql');
  if (graphql) for (const uid of UIDS) graphql.service('extension').shadowCRUD(uid).disable();

  const actionProvider = strapi.service('admin::permission')?.actionProvider;
  if (actionProvider) {
    actionProvider.hooks.willRegister.register(dropSubjects);
    for (const action of actionProvider.values()) dropSubjects({ value: action });
  }

  if (strapi.get('services').get(CM_SERVICE)) {
    strapi.get('services').extend(CM_SERVICE, (service) => ({
      ...service,
      findAllContentTypes(...args) {
        return service.findAllContentTypes.apply(this, args).filter((contentType) => !isPrivate(contentType.uid));
      },
      findContentType(uid, ...args) {
        return isPrivate(uid) ? undefined : service.findContentType.call(this, uid, ...args);
      },
    }));
  }

  strapi.documents.use(refuseDocuments);
};

/** Every content-API route of the app and of every plugin, as `{ namespace, route }`. */
const contentApiRoutes = (strapi) => {
  const found = [];
  const sources = [
    ...Object.entries(strapi.apis ?? {}).map(([name, api]) => [`api::${name}`, api.routes]),
    ...Object.entries(strapi.plugins ?? {}).map(([name, plugin]) => [`plugin::${name}`, plugin.routes]),
  ];
  for (const [namespace, routers] of sources) {
    const list = Array.isArray(routers) ? [{ routes: routers }] : Object.values(routers ?? {});
    for (const entry of list) {
      const router = typeof entry === 'function' ? entry() : entry;
      const routes = Array.isArray(router) ? router : (router?.routes ?? []);
      for (const route of routes) {
        const type = route.info?.type ?? router?.type ?? 'content-api';
        if (type === 'content-api') found.push({ namespace, route });
      }
    }
  }
  return found;
};

/** The controller uid and action a route's string handler names, or null. */
const handlerTarget = (namespace, handler) => {
  if (typeof handler !== 'string' || !handler.includes('.')) return null;
  const dot = handler.lastIndexOf('.');
  const controller = handler.slice(0, dot);
  return { uid: controller.includes('::') ? controller : `${namespace}.${controller}`, action: handler.slice(dot + 1) };
};

/** A core controller (createCoreController) carries the core API's response helpers. */
const isCoreController = (strapi, uid) => {
  const controller = strapi.controller?.(uid);
  return typeof controller?.transformResponse === 'function' && typeof controller?.sanitizeOutput === 'function';
};

const graphqlProblems = (strapi) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return [];
  const problems = [];
  for (const uid of UIDS) {
    if (graphql.service('extension').shadowCRUD(uid).isEnabled()) problems.push(`${uid} is reachable through GraphQL (shadow CRUD is enabled for it)`);
  }
  // Once the graphql plugin has built its schema, its query fields are known: none is ours.
  const built = graphql.service('content-api').getBuiltInQueryFields?.();
  if (built?.size) {
    const { naming } = graphql.service('utils');
    for (const uid of UIDS) {
      const contentType = strapi.contentType(uid);
      const fields = [naming.getFindQueryName(contentType), naming.getFindOneQueryName(contentType), naming.getFindConnectionQueryName(contentType)];
      const present = fields.filter((field) => built.has(field));
      if (present.length > 0) problems.push(`${uid} is reachable through GraphQL (the schema has ${present.join(', ')})`);
    }
  }
  return problems;
};

const contentApiProblems = (strapi) => {
  const problems = [];
  for (const { namespace, route } of contentApiRoutes(strapi)) {
    const target = handlerTarget(namespace, route.handler);
    if (!target || !isPrivate(target.uid)) continue;
    if (CORE_ACTIONS.includes(target.action) || isCoreController(strapi, target.uid)) {
      problems.push(`${target.uid} is reachable through the content API (${route.method} ${route.path} -> ${route.handler})`);
    }
  }
  const actions = strapi.contentAPI?.permissions?.providers?.action?.keys?.() ?? [];
  for (const uid of UIDS) {
    const grantable = actions.filter((action) => CORE_ACTIONS.some((core) => action === `${uid}.${core}`));
    if (grantable.length > 0) problems.push(`${uid} is reachable through the content API (API tokens and roles can be granted ${grantable.join(', ')})`);
  }
  return problems;
};

const contentManagerProblems = (strapi) => {
  const problems = [];
  const actionProvider = strapi.service('admin::permission')?.actionProvider;
  if (actionProvider) {
    for (const uid of UIDS) {
      const naming = actionProvider.values().filter((action) => action.subjects?.includes(uid)).map((action) => action.actionId);
      if (naming.length > 0) problems.push(`${uid} is reachable through the content manager (the admin permissions ${naming.join(', ')} name it)`);
    }
    if (!actionProvider.hooks.willRegister.getHandlers().includes(dropSubjects)) {
      problems.push(`${UIDS.join(', ')} may be reachable through the content manager (admin actions registered later keep them as subjects)`);
    }
  }
  const listed = strapi.get('services').get(CM_SERVICE);
  if (listed) {
    for (const uid of UIDS) {
      const inList = listed.findAllContentTypes().some((contentType) => contentType.uid === uid);
      if (inList || listed.findContentType(uid)) problems.push(`${uid} is reachable through the content manager (its content-type list has it)`);
    }
  }
  return problems;
};

const documentServiceProblems = async (strapi) => {
  const problems = [];
  for (const uid of UIDS) {
    try {
      await strapi.documents(uid).count();
      problems.push(`${uid} is reachable through the document service (GraphQL, the content manager and core controllers read through it)`);
    } catch (error) {
      if (!String(error?.message).includes(PRIVATE_MESSAGE)) {
        problems.push(`${uid} is not refused by the document service as expected (${error?.message ?? error})`);
      }
    }
  }
  return problems;
};

/** Every way a plugin table is reachable from outside the plugin, as sentences naming the type. */
const check = async (strapi) => [
  ...contentApiProblems(strapi),
  ...graphqlProblems(strapi),
  ...contentManagerProblems(strapi),
  ...(await documentServiceProblems(strapi)),
];

module.exports = { UIDS, seal, check };
