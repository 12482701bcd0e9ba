'use strict';

// Who is managing their factors: the host's signed-in user (its JWT, or access token in
// refresh mode), or, on the enrolment routes only, a user whose sign-in challenge was
// verified by an e-mailed code because they had nothing enrolled (header
// `X-Two-Factor-Challenge`). Sets ctx.state.user, and ctx.state.enrolment for the latter.
const { errors } = require('../errors');
const { isToken } = require('../token-shape');
const parts = require('../plugin');

module.exports = (config, { strapi }) => async (ctx, next) => {
  const part = parts.forRoute(strapi, ctx);

  const challenge = ctx.request.header['x-two-factor-challenge'];
  if (config.enrolment && isToken(challenge)) {
    const row = await part.challenges.findByToken(challenge);
    const now = part.clock.now();
    if (!row || !part.challenges.authorisesEnrolment(row, now)) {
      throw new errors.UnauthorizedError('This enrolment challenge is not valid. Sign in again.');
    }
    const user = await part.host.findUser(row.userId);
    if (!user || user.blocked) throw new errors.UnauthorizedError('Invalid credentials');
    ctx.state.user = user;
    ctx.state.enrolment = row;
    return next();
  }

  const user = await part.host.caller(ctx);
  if (!user || user.blocked) throw new errors.UnauthorizedError('Missing or invalid credentials');
  ctx.state.user = user;
  return next();
};
