'use strict';

// Puts the second step in front of every users-permissions route that can mint a token.
// This must run in register(): routes are bound to controller methods before any
// plugin's bootstrap(), so the same change made there would silently do nothing.
const { yup } = require('./strapi-utils');
const validate = require('./validate');
const { errors } = require('./errors');
const guardStockInput = require('./stock-input');
const dummyHash = require('./dummy-hash');

const WRAPPED = Symbol.for('strapi-plugin-two-factor.wrapped');
const USER_UID = 'plugin::users-permissions.user';

/** Every users-permissions auth action that answers with a token; the self-check uses it. */
const TOKEN_ACTIONS = ['callback', 'register', 'resetPassword', 'changePassword', 'emailConfirmation'];

// The stock login body schema, so that bad input gets the stock messages (without the
// stock answer's echo of the values, which can include the password). A deviceId (the
// refresh session's, in refresh mode) must fit its column, or the login would end in a 500.
const validateCallbackBody = validate(
  yup.object({ identifier: yup.string().required(), password: yup.string().required(), deviceId: validate.stockDeviceId }),
);

const mark = (fn) => Object.assign(fn, { [WRAPPED]: true });

const wrapAuth = (strapi, auth) => {
  const service = (name) => strapi.plugin('two-factor').service(name);
  const users = () => strapi.db.query(USER_UID);

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
    const valid = await strapi.plugin('users-permissions').service('user').validatePassword(params.password, hash);
    if (!valid || hash === dummy) throw new errors.ValidationError('Invalid identifier or password');
    const advanced = await store.get({ key: 'advanced' });
    if (advanced?.email_confirmation && user.confirmed !== true) {
      throw new errors.ApplicationError('Your account email is not confirmed');
    }
    if (user.blocked === true) throw new errors.ApplicationError('Your account has been blocked by an administrator');
    return user;
  };

  /** The stock OAuth step: the provider's grant response becomes a user. */
  const connectProvider = async (ctx, provider) => {
    try {
      const grantResponse = ctx.session?.grant?.response;
      if (!grantResponse) throw new errors.ApplicationError('OAuth authentication requires a completed provider session');
      const user = await strapi.plugin('users-permissions').service('providers').connect(provider, grantResponse, { grantResponse });
      if (user.blocked) throw new errors.ForbiddenError('Your account has been blocked by an administrator');
      return user;
    } catch (error) {
      throw new errors.ApplicationError(error.message);
    }
  };

  /** Serves POST /auth/local and GET /auth/:provider/callback, and GraphQL `login`. */
  const callback = async (ctx) => {
    const provider = ctx.params.provider || 'local';
    const store = strapi.store({ type: 'plugin', name: 'users-permissions' });
    const grant = await store.get({ key: 'grant' });
    // The provider comes from the URL: an own-property lookup (a route named `constructor`).
    const grantKey = provider === 'local' ? 'email' : provider;
    if (!grant || !Object.hasOwn(grant, grantKey) || !grant[grantKey]?.enabled) {
      throw new errors.ApplicationError('This provider is disabled');
    }
    const found = provider === 'local' ? await checkPassword(ctx, store) : await connectProvider(ctx, provider);
    // The role was loaded for the policy only; the stock response never includes it.
    const { role, ...user } = found;
    const due = await service('gate').due({ ...user, role });
    if (!due) return service('login').respond(ctx, user);
    const remembered = await service('gate').trusted(ctx, user, due);
    if (remembered) return service('login').respond(ctx, user, remembered);
    return service('gate').challenge(user, due);
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
      const user = await users().findOne({ where: { id: userId } });
      const due = await service('gate').due(user);
      if (!due) return result;
      await service('login').withdraw(ctx, userId);
      return service('gate').challenge(user, due);
    });

  return {
    ...auth,
    callback: mark(callback),
    ...Object.fromEntries(TOKEN_ACTIONS.filter((action) => action !== 'callback').map((action) => [action, gated(action)])),
  };
};

module.exports = ({ strapi }) => {
  // The stock actions' input is type-checked first, and their errors lose the values.
  strapi.get('controllers').extend('plugin::users-permissions.auth', (auth) => wrapAuth(strapi, guardStockInput(auth)));
  require('./private-tables').seal({ strapi });
};
module.exports.WRAPPED = WRAPPED;
module.exports.TOKEN_ACTIONS = TOKEN_ACTIONS;
