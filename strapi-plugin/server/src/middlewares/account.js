'use strict';

// Who is managing their factors: the user of the users-permissions JWT (or access token,
// in refresh mode), or, on the enrolment routes only, a user whose sign-in challenge was
// verified by an e-mailed code because they had nothing enrolled (header
// `X-Two-Factor-Challenge`). Sets ctx.state.user, and ctx.state.enrolment for the latter.
const { errors } = require('../errors');
const { isToken } = require('../token-shape');

const USER_UID = 'plugin::users-permissions.user';

module.exports = (config, { strapi }) => async (ctx, next) => {
  const service = (name) => strapi.plugin('two-factor').service(name);
  const users = strapi.plugin('users-permissions').service('user');

  const challenge = ctx.request.header['x-two-factor-challenge'];
  if (config.enrolment && isToken(challenge)) {
    const row = await service('challenges').findByToken(challenge);
    const now = service('clock').now();
    if (!row || row.purpose !== 'enrol' || row.verifiedAt === null || row.expiresAt <= now) {
      throw new errors.UnauthorizedError('This enrolment challenge is not valid. Sign in again.');
    }
    const user = await strapi.db.query(USER_UID).findOne({ where: { id: row.userId } });
    if (!user || user.blocked) throw new errors.UnauthorizedError('Invalid credentials');
    ctx.state.user = user;
    ctx.state.enrolment = row;
    return next();
  }

  let token = null;
  try {
    token = await strapi.plugin('users-permissions').service('jwt').getToken(ctx);
  } catch {
    token = null;
  }
  const user = token?.id === undefined ? null : await users.fetchAuthenticatedUser(token.id);
  if (!user || user.blocked) throw new errors.UnauthorizedError('Missing or invalid credentials');
  ctx.state.user = user;
  return next();
};
