'use strict';

// POST /api/auth/2fa/verify and /api/auth/2fa/resend, as HTTP adapters of the sign-in
// flow (flow/sign-in.js): the flow takes the body and what the host reads of the
// request, and the host answers its outcome. The body shape was already checked by the
// `body` middleware (before rate limiting, so unknown fields cannot split a key).
const parts = require('../plugin');
const answer = require('../host/answer');

module.exports = ({ strapi }) => ({
  async verify(ctx) {
    const { host, signIn } = parts.forRoute(strapi, ctx);
    return answer(host, ctx, await signIn.verify(ctx.request.body, host.request(ctx)));
  },
  async resend(ctx) {
    const { host, signIn } = parts.forRoute(strapi, ctx);
    return answer(host, ctx, await signIn.resend(ctx.request.body));
  },
});
