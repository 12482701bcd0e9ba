'use strict';

// A flow's outcome (flow/outcome.js) as the host's HTTP answer: its own login response,
// with a trusted device's token handed over the host's way (and the step given back if
// that response cannot be built); the 401 carrying a challenge; or a body as it is.
const { twoFactorRequired } = require('../errors');

/**
 * @param {import('./index').Host} host
 * @param {import('koa').Context} ctx
 * @param {import('../flow/outcome').Outcome} outcome
 */
module.exports = async (host, ctx, outcome) => {
  if ('challenge' in outcome) throw twoFactorRequired(outcome.challenge);
  if ('respond' in outcome) {
    const { user, extra, device, undo } = outcome.respond;
    try {
      return await host.respond(ctx, user, { ...extra, ...(device ? host.handDevice(ctx, device) : {}) });
    } catch (error) {
      if (undo) await undo();
      throw error;
    }
  }
  return ctx.send(outcome.body);
};
