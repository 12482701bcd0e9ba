'use strict';

// Self-service under /api/auth/2fa/ for a signed-in user (or, for enrolment, a user whose
// e-mailed code was verified), as HTTP adapters of the enrolment and account flows
// (flow/enrolment.js, flow/account.js). Bodies were checked by the `body` middleware;
// the `account` middleware set ctx.state.user.
const parts = require('../plugin');

module.exports = ({ strapi }) => {
  const enrolment = () => parts(strapi).enrolment;
  const account = () => parts(strapi).account;
  const body = (ctx) => ctx.request.body ?? {};

  return {
    status: (ctx) => account().status(ctx, ctx.state.user),
    totpSetup: (ctx) => enrolment().totpSetup(ctx, ctx.state.user, body(ctx)),
    totpConfirm: (ctx) => enrolment().totpConfirm(ctx, ctx.state.user, body(ctx)),
    phoneSetup: (ctx) => enrolment().phoneSetup(ctx, ctx.state.user, body(ctx)),
    phoneConfirm: (ctx) => enrolment().phoneConfirm(ctx, ctx.state.user, body(ctx)),
    stepUp: (ctx) => account().stepUp(ctx, ctx.state.user, body(ctx)),
    regenerateRecoveryCodes: (ctx) => account().regenerateRecoveryCodes(ctx, ctx.state.user, body(ctx)),
    disable: (ctx) => account().disable(ctx, ctx.state.user, body(ctx)),
    revokeDevice: (ctx) => account().revokeDevice(ctx, ctx.state.user, Number(ctx.params.id)),
  };
};
