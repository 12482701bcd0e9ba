'use strict';

// Self-service under /api/auth/2fa/ for a signed-in user (or, for enrolment, a user whose
// e-mailed code was verified), as HTTP adapters of the enrolment and account flows
// (flow/enrolment.js, flow/account.js): each flow takes the user and the body, and the
// host answers its outcome. Bodies were checked by the `body` middleware; the `account`
// middleware set ctx.state.user (and ctx.state.enrolment, the enrolment challenge).
const parts = require('../plugin');
const answer = require('../host/answer');
const { ENROLMENTS } = require('../factors');

module.exports = ({ strapi }) => {
  /** An action: `run(domain, user, body, ctx)` gives the outcome the host answers. */
  const action = (run) => async (ctx) => {
    const d = parts.forRoute(strapi, ctx);
    return answer(d.host, ctx, await run(d, ctx.state.user, ctx.request.body ?? {}, ctx));
  };

  return {
    status: action((d, user) => d.account.status(user)),
    // Each enrolled factor's `<path>Setup` and `<path>Confirm` (routes/content-api.js).
    ...Object.fromEntries(
      ENROLMENTS.flatMap(({ method, path }) => [
        [`${path}Setup`, action((d, user, body) => d.enrolment.setup(method, user, body))],
        [`${path}Confirm`, action((d, user, body, ctx) => d.enrolment.confirm(method, user, body, ctx.state.enrolment))],
      ]),
    ),
    stepUp: action((d, user, body) => d.account.stepUp(user, body)),
    regenerateRecoveryCodes: action((d, user, body) => d.account.regenerateRecoveryCodes(user, body)),
    disable: action((d, user, body) => d.account.disable(user, body)),
    revokeDevice: action((d, user, _body, ctx) => d.account.revokeDevice(user, Number(ctx.params.id))),
  };
};
