'use strict';

// The users-permissions host: its users and roles, its auth routes with the second step
// put in front of every one that can mint a token, its login response in both token
// modes, and its signed-in user. Nothing else in the plugin names users-permissions.
const { yup, buildSessionMetadata } = require('../strapi-utils');
const validate = require('../validate');
const { errors } = require('../errors');
const guardStockInput = require('./stock-input');
const dummyHash = require('./dummy-hash');
const answer = require('./answer');
const { REALMS } = require('../names');

const REALM = REALMS.usersPermissions;
const USER_UID = 'plugin::users-permissions.user';
const ROLE_UID = 'plugin::users-permissions.role';
const AUTH_UID = 'plugin::users-permissions.auth';

const WRAPPED = Symbol.for('strapi-plugin-two-factor.wrapped');

// The plugin's own routes under /api/auth/2fa go through the host's rate limiter, as the
// stock auth routes do.
const RATE_LIMIT = 'plugin::users-permissions.rateLimit';

// A trusted device's token: an httpOnly cookie sent only to the auth routes when the
// session travels in cookies, else a body field the client sends back in this header.
const DEVICE_COOKIE = 'strapi_2fa_device';
const DEVICE_HEADER = 'x-two-factor-device';
const DEVICE_COOKIE_PATH = '/api/auth';

/** Every users-permissions auth action that answers with a token; the self-check uses it. */
const TOKEN_ACTIONS = ['callback', 'register', 'resetPassword', 'changePassword', 'emailConfirmation'];

// Auth actions that never mint a token for a password alone: refresh only trades a
// refresh token, which itself came through the gate.
const TOKENLESS_ACTIONS = ['connect', 'forgotPassword', 'sendEmailConfirmation', 'refresh', 'logout', 'getSessions', 'revokeSession'];

// The stock login body schema, so that bad input gets the stock messages (without the
// stock answer's echo of the values, which can include the password). A deviceId (the
// refresh session's, in refresh mode) must fit its column, or the login would end in a 500.
const validateCallbackBody = validate(
  yup.object({ identifier: yup.string().required(), password: yup.string().required(), deviceId: validate.stockDeviceId }),
);

const mark = (fn) => Object.assign(fn, { [WRAPPED]: true });

/** The stock refusal of a blocked user's local login. */
const blockedError = () => new errors.ApplicationError('Your account has been blocked by an administrator');

/** users-permissions' rule: `sessions.cookie.secure` when set, else secure in production. */
const cookieSecure = (sessions) =>
  typeof sessions?.cookie?.secure === 'boolean' ? sessions.cookie.secure : process.env.NODE_ENV === 'production';

const cookieOptions = (sessions) => ({
  httpOnly: true,
  secure: cookieSecure(sessions),
  sameSite: sessions?.cookie?.sameSite ?? 'lax',
  path: sessions?.cookie?.path ?? '/',
  domain: sessions?.cookie?.domain,
  maxAge: sessions?.cookie?.maxAge,
  overwrite: true,
});

/** What counts as a user's credentials: the password hash, the block, the role. */
const credentials = (user) => JSON.stringify([user.password ?? null, user.blocked === true, user.role?.id ?? null]);

/** @returns {import('./index').Host} */
module.exports = ({ strapi }) => {
  const up = () => strapi.plugin('users-permissions');
  const config = (key, fallback) => strapi.config.get(`plugin::users-permissions.${key}`, fallback);
  const users = () => strapi.db.query(USER_UID);

  const findUser = (id, { withRole = false } = {}) => users().findOne({ where: { id }, ...(withRole ? { populate: ['role'] } : {}) });

  const sanitizeUser = (user, ctx) => strapi.contentAPI.sanitize.output(user, strapi.getModel(USER_UID), { auth: ctx.state.auth });

  // The refresh token goes in the httpOnly cookie: only in refresh mode, when the app or
  // the client asks for it.
  const usesRefreshCookie = (ctx) =>
    config('jwtManagement') === 'refresh' && (Boolean(config('sessions')?.httpOnly) || ctx.request.header['x-strapi-refresh-cookie'] === 'httpOnly');

  /** Hands a trusted device its new token: the cookie when sessions travel as cookies, else a body field. */
  const handDevice = (ctx, { token, expiresAt }) => {
    if (!usesRefreshCookie(ctx)) return { deviceToken: token };
    const secure = cookieSecure(config('sessions'));
    const expires = new Date(expiresAt);
    ctx.cookies.set(DEVICE_COOKIE, token, { httpOnly: true, secure, sameSite: 'strict', path: DEVICE_COOKIE_PATH, expires, overwrite: true });
    return {};
  };

  /** What the sign-in flow reads of a request: the trusted device's token it carries, and its user agent. */
  const request = (ctx) => ({
    deviceToken: ctx.cookies.get(DEVICE_COOKIE) ?? ctx.request.header[DEVICE_HEADER],
    userAgent: ctx.request.headers['user-agent'],
  });

  /**
   * Answers `ctx` with exactly what the stock login would have sent for `user`, plus
   * `extra` (a trusted-device token, when the user asked to be remembered). The stock
   * helper is private, so its behaviour is reproduced: `{ jwt, user }` in legacy-support
   * mode; in refresh mode an access token plus a refresh token, either in the body or in
   * the httpOnly `strapi_up_refresh` cookie.
   */
  const respond = async (ctx, user, extra = {}) => {
    if (config('jwtManagement', 'legacy-support') !== 'refresh') {
      return ctx.send({ jwt: up().service('jwt').issue({ id: user.id }), user: await sanitizeUser(user, ctx), ...extra });
    }

    const sessionManager = strapi.sessionManager(REALM);
    const { deviceId } = ctx.request.body || {};
    const refresh = await sessionManager.generateRefreshToken(
      String(user.id),
      typeof deviceId === 'string' && deviceId.length > 0 ? deviceId : undefined,
      { type: 'refresh', metadata: buildSessionMetadata({ userAgent: ctx.request.headers['user-agent'] }) },
    );
    const access = await sessionManager.generateAccessToken(refresh.token);
    if ('error' in access) throw new errors.ApplicationError('Invalid credentials');

    if (usesRefreshCookie(ctx)) {
      const sessions = config('sessions');
      ctx.cookies.set(sessions?.cookie?.name || 'strapi_up_refresh', refresh.token, cookieOptions(sessions));
      return ctx.send({ jwt: access.token, user: await sanitizeUser(user, ctx), ...extra });
    }
    return ctx.send({ jwt: access.token, refreshToken: refresh.token, user: await sanitizeUser(user, ctx), ...extra });
  };

  /**
   * Withdraws what a stock route just minted for a user who still owes a second step:
   * the refresh session is revoked (a legacy JWT was never sent, so it does not exist
   * anywhere else), and the tokens are taken out of the body that the challenge is
   * about to replace. (Emptying the body instead would turn a GraphQL answer into 204.)
   */
  const withdraw = async (ctx, userId) => {
    const { refreshToken } = ctx.body ?? {};
    if (typeof refreshToken === 'string') {
      const sessionManager = strapi.sessionManager(REALM);
      const validation = await sessionManager.validateRefreshToken(refreshToken);
      if (validation.isValid) await sessionManager.revokeSessionById(String(userId), validation.sessionId);
    }
    delete ctx.body.jwt;
    delete ctx.body.refreshToken;
  };

  /**
   * The stock local-login checks, once, with the stock error messages: exactly one bcrypt
   * compare, also for an unknown identifier or a user without a password (against a
   * dummy hash), so that the time taken does not tell whether the account exists.
   */
  const checkPassword = async (ctx, store) => {
    const params = validateCallbackBody(ctx.request.body);
    // Awaited before the lookup: the one-off cost of making it falls on the first login of
    // the process whoever it is for.
    const dummy = await dummyHash(strapi);
    const user = await users().findOne({
      where: { provider: 'local', $or: [{ email: params.identifier.toLowerCase() }, { username: params.identifier }] },
      populate: ['role'],
    });
    const hash = user?.password || dummy;
    const valid = await up().service('user').validatePassword(params.password, hash);
    if (!valid || hash === dummy) throw new errors.ValidationError('Invalid identifier or password');
    const advanced = await store.get({ key: 'advanced' });
    if (advanced?.email_confirmation && user.confirmed !== true) {
      throw new errors.ApplicationError('Your account email is not confirmed');
    }
    if (user.blocked === true) throw blockedError();
    return user;
  };

  /** The stock OAuth step: the provider's grant response becomes a user. */
  const connectProvider = async (ctx, provider) => {
    try {
      const grantResponse = ctx.session?.grant?.response;
      if (!grantResponse) throw new errors.ApplicationError('OAuth authentication requires a completed provider session');
      const user = await up().service('providers').connect(provider, grantResponse, { grantResponse });
      if (user.blocked) throw new errors.ForbiddenError('Your account has been blocked by an administrator');
      return user;
    } catch (error) {
      throw new errors.ApplicationError(error.message);
    }
  };

  /** @param {import('../domain').Domain['signIn']} signIn */
  const wrapAuth = (auth, signIn) => {
    /** Serves POST /auth/local and GET /auth/:provider/callback, and GraphQL `login`. */
    const callback = async (ctx) => {
      const provider = ctx.params.provider || 'local';
      const store = strapi.store({ type: 'plugin', name: REALM });
      const grant = await store.get({ key: 'grant' });
      // The provider comes from the URL: an own-property lookup (a route named `constructor`).
      const grantKey = provider === 'local' ? 'email' : provider;
      if (!grant || !Object.hasOwn(grant, grantKey) || !grant[grantKey]?.enabled) {
        throw new errors.ApplicationError('This provider is disabled');
      }
      const found = provider === 'local' ? await checkPassword(ctx, store) : await connectProvider(ctx, provider);
      return answer(host, ctx, await signIn.afterFirstFactor(found, request(ctx)));
    };

    /**
     * A stock route that logs the user in as a side effect (register, reset-password,
     * change-password, GraphQL e-mail confirmation). It runs unchanged; if it minted a
     * token for a user who owes a second step, the token is withdrawn before it leaves the
     * server and the client gets the challenge instead.
     */
    const gated = (action) =>
      mark(async (ctx, ...rest) => {
        const result = await auth[action](ctx, ...rest);
        const userId = ctx.body?.user?.id;
        if (!ctx.body?.jwt || userId === undefined) return result;
        const user = await findUser(userId);
        const due = await signIn.due(user);
        if (!due) return result;
        await withdraw(ctx, userId);
        return answer(host, ctx, await signIn.challenge(user, due));
      });

    return {
      ...auth,
      callback: mark(callback),
      ...Object.fromEntries(TOKEN_ACTIONS.filter((action) => action !== 'callback').map((action) => [action, gated(action)])),
    };
  };

  /** The users-permissions routes, as sentences naming what could mint a token ungated. */
  const selfCheck = () => {
    const problems = [];
    const auth = up().controller('auth');
    const unwrapped = TOKEN_ACTIONS.filter((action) => !auth[action]?.[WRAPPED]);
    if (unwrapped.length > 0) problems.push(`users-permissions auth.${unwrapped.join(', auth.')} is not gated`);
    const routes = up().routes['content-api'];
    const list = (typeof routes === 'function' ? routes() : routes).routes;
    const unknown = list
      .filter((route) => typeof route.handler === 'string' && route.handler.startsWith('auth.'))
      .filter((route) => {
        const action = route.handler.slice('auth.'.length);
        return !TOKEN_ACTIONS.includes(action) && !TOKENLESS_ACTIONS.includes(action);
      });
    if (unknown.length > 0) {
      const named = unknown.map((route) => `${route.method} ${route.path} -> ${route.handler}`).join('; ');
      problems.push(`users-permissions has auth routes this plugin does not know (${named}); they might mint tokens without the second step`);
    }
    const missing = TOKEN_ACTIONS.filter((action) => !list.some((route) => route.handler === `auth.${action}`));
    if (missing.length > 0) {
      problems.push(`no users-permissions route for auth.${missing.join(', auth.')}; this plugin does not match the installed users-permissions`);
    }
    return problems;
  };

  /**
   * Calls `onChange(userId)` after any update changes a user's credentials. A password, a
   * block or a role can change through the content manager, PUT /api/users/:id, the
   * `user.edit` service, the auth routes or an app's own code; a lifecycle on the user
   * sees every one of them, so no path can be missed.
   */
  const watchCredentials = (onChange) => {
    /** The credentials of the users `where` names, by id. */
    const snapshot = async (where) => {
      const found = await users().findMany({ where, select: ['id', 'password', 'blocked'], populate: { role: { select: ['id'] } } });
      return new Map(found.map((user) => [user.id, credentials(user)]));
    };
    const before = async (event) => {
      event.state.twoFactorCredentials = await snapshot(event.params.where);
    };
    // The ids from before: an update can change what its own `where` matches (a block).
    const after = async (event) => {
      const previous = event.state.twoFactorCredentials;
      if (!previous?.size) return;
      const now = await snapshot({ id: { $in: [...previous.keys()] } });
      for (const [id, was] of previous) {
        if (now.get(id) !== was) await onChange(id);
      }
    };
    strapi.db.lifecycles.subscribe({
      models: [USER_UID],
      beforeUpdate: before,
      afterUpdate: after,
      beforeUpdateMany: before,
      afterUpdateMany: after,
    });
  };

  /**
   * The user of the request's JWT (or access token, in refresh mode), or null. Whether
   * that user may act (blocked or not) is the caller's ruling.
   */
  const caller = async (ctx) => {
    let token = null;
    try {
      token = await up().service('jwt').getToken(ctx);
    } catch {
      token = null;
    }
    return token?.id === undefined ? null : ((await up().service('user').fetchAuthenticatedUser(token.id)) ?? null);
  };

  const host = {
    realm: REALM,

    // Must run in register(): routes are bound to controller methods before any plugin's
    // bootstrap(), so the same change made there would silently do nothing. The stock
    // actions' input is type-checked first, and their errors lose the values.
    install(signIn) {
      strapi.get('controllers').extend(AUTH_UID, (auth) => wrapAuth(guardStockInput(auth), signIn));
    },

    // Made at startup, not by the first login with an unknown identifier, whose answer it would slow.
    async prepare() {
      await dummyHash(strapi);
    },

    selfCheck,
    findUser,

    async roleOf(user) {
      return user.role ?? (await strapi.db.query(ROLE_UID).findOne({ where: { users: { id: user.id } } })) ?? null;
    },

    roles() {
      return strapi.db.query(ROLE_UID).findMany({ select: ['type', 'name'], orderBy: { id: 'asc' } });
    },

    respond,
    blockedError,
    accountName: (user) => user.email || user.username,
    handDevice,
    request,
    caller,
    watchCredentials,
  };
  return host;
};

module.exports.REALM = REALM;
module.exports.RATE_LIMIT = RATE_LIMIT;
module.exports.WRAPPED = WRAPPED;
module.exports.TOKEN_ACTIONS = TOKEN_ACTIONS;
