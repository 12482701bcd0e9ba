'use strict';

// The stock users-permissions login response, reproduced because its helper is private:
// `{ jwt, user }` in legacy-support mode; in refresh mode an access token plus a refresh
// token, either in the body or in the httpOnly `strapi_up_refresh` cookie.
const { buildSessionMetadata } = require('../strapi-utils');
const { errors } = require('../errors');

const USER_UID = 'plugin::users-permissions.user';

/** users-permissions' rule: `sessions.cookie.secure` when set, else secure in production. */
const cookieSecure = (sessions) =>
  typeof sessions?.cookie?.secure === 'boolean' ? sessions.cookie.secure : process.env.NODE_ENV === 'production';

const cookieOptions = (sessions) => ({
  httpOnly: true,
  secure: cookieSecure(sessions),
  sameSite: sessions.cookie?.sameSite ?? 'lax',
  path: sessions.cookie?.path ?? '/',
  domain: sessions.cookie?.domain,
  maxAge: sessions.cookie?.maxAge,
  overwrite: true,
});

module.exports = ({ strapi }) => {
  const sanitizeUser = (user, ctx) =>
    strapi.contentAPI.sanitize.output(user, strapi.getModel(USER_UID), { auth: ctx.state.auth });

  return {
    sanitizeUser,
    cookieSecure: () => cookieSecure(strapi.config.get('plugin::users-permissions.sessions')),

    /**
     * Answers `ctx` with exactly what the stock login would have sent for `user`, plus
     * `extra` (a trusted-device token, when the user asked to be remembered).
     */
    async respond(ctx, user, extra = {}) {
      const mode = strapi.config.get('plugin::users-permissions.jwtManagement', 'legacy-support');
      if (mode !== 'refresh') {
        return ctx.send({
          jwt: strapi.plugin('users-permissions').service('jwt').issue({ id: user.id }),
          user: await sanitizeUser(user, ctx),
          ...extra,
        });
      }

      const sessionManager = strapi.sessionManager('users-permissions');
      const { deviceId } = ctx.request.body || {};
      const refresh = await sessionManager.generateRefreshToken(
        String(user.id),
        typeof deviceId === 'string' && deviceId.length > 0 ? deviceId : undefined,
        { type: 'refresh', metadata: buildSessionMetadata({ userAgent: ctx.request.headers['user-agent'] }) },
      );
      const access = await sessionManager.generateAccessToken(refresh.token);
      if ('error' in access) throw new errors.ApplicationError('Invalid credentials');

      const sessions = strapi.config.get('plugin::users-permissions.sessions');
      if (sessions?.httpOnly || ctx.request.header['x-strapi-refresh-cookie'] === 'httpOnly') {
        ctx.cookies.set(sessions.cookie?.name || 'strapi_up_refresh', refresh.token, cookieOptions(sessions));
        return ctx.send({ jwt: access.token, user: await sanitizeUser(user, ctx), ...extra });
      }
      return ctx.send({ jwt: access.token, refreshToken: refresh.token, user: await sanitizeUser(user, ctx), ...extra });
    },

    /**
     * Withdraws what a stock route just minted for a user who still owes a second step:
     * the refresh session is revoked (a legacy JWT was never sent, so it does not exist
     * anywhere else), and the tokens are taken out of the body that the challenge is
     * about to replace. (Emptying the body instead would turn a GraphQL answer into 204.)
     */
    async withdraw(ctx, userId) {
      const { refreshToken } = ctx.body ?? {};
      if (typeof refreshToken === 'string') {
        const sessionManager = strapi.sessionManager('users-permissions');
        const validation = await sessionManager.validateRefreshToken(refreshToken);
        if (validation.isValid) await sessionManager.revokeSessionById(String(userId), validation.sessionId);
      }
      delete ctx.body.jwt;
      delete ctx.body.refreshToken;
    },
  };
};
