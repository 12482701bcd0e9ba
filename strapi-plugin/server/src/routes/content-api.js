'use strict';

// `prefix: ''` mounts these at /api/auth/2fa/... next to the stock auth routes of the
// users-permissions host. Every route checks its body first, then goes through the
// host's rate limiter.
// Self-service routes authenticate the user themselves (`account` middleware), so they
// work for every role without granting permissions role by role. Each factor a user
// enrols has its setup and confirm routes under its own path (factors/, ENROLMENT).
// Each route names the realm it serves: the controllers take that realm's domain.
const { ENROLMENTS } = require('../factors');
const { REALM, RATE_LIMIT } = require('../host/users-permissions');

const route = (method, path, handler, { schema, account }) => ({
  method,
  path,
  handler,
  config: {
    auth: false,
    prefix: '',
    realm: REALM,
    middlewares: [
      { name: 'plugin::two-factor.body', config: { schema } },
      RATE_LIMIT,
      'plugin::two-factor.noStore',
      ...(account ? [{ name: 'plugin::two-factor.account', config: account }] : []),
    ],
  },
});

const SIGNED_IN = { enrolment: false };
// Also open to a sign-in whose e-mailed enrolment code was verified.
const ENROLLING = { enrolment: true };

module.exports = {
  type: 'content-api',
  routes: [
    route('POST', '/auth/2fa/verify', 'challenge.verify', { schema: 'verify' }),
    route('POST', '/auth/2fa/resend', 'challenge.resend', { schema: 'resend' }),
    route('GET', '/auth/2fa/status', 'self.status', { schema: 'empty', account: SIGNED_IN }),
    ...ENROLMENTS.flatMap(({ path }) => [
      route('POST', `/auth/2fa/${path}/setup`, `self.${path}Setup`, { schema: `${path}Setup`, account: ENROLLING }),
      route('POST', `/auth/2fa/${path}/confirm`, `self.${path}Confirm`, { schema: 'code', account: ENROLLING }),
    ]),
    route('POST', '/auth/2fa/code', 'self.stepUp', { schema: 'method', account: SIGNED_IN }),
    route('POST', '/auth/2fa/recovery-codes', 'self.regenerateRecoveryCodes', { schema: 'code', account: SIGNED_IN }),
    route('POST', '/auth/2fa/disable', 'self.disable', { schema: 'code', account: SIGNED_IN }),
    route('DELETE', '/auth/2fa/devices/:id', 'self.revokeDevice', { schema: 'empty', account: SIGNED_IN }),
  ],
};
