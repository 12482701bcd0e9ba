'use strict';

// POST /api/auth/2fa/verify and /api/auth/2fa/resend, as HTTP adapters of the sign-in
// flow (flow/sign-in.js). The body shape was already checked by the `body` middleware
// (before rate limiting, so unknown fields cannot split a key).
const parts = require('../plugin');

module.exports = ({ strapi }) => ({
  verify: (ctx) => parts(strapi).signIn.verify(ctx, ctx.request.body),
  resend: (ctx) => parts(strapi).signIn.resend(ctx, ctx.request.body),
});
