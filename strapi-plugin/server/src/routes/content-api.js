'use strict';

// `prefix: ''` mounts these at /api/auth/2fa/... next to the stock auth routes. The body
// is checked before users-permissions' rate limiter, whose key would otherwise include
// a client-chosen `email` field.
const route = (path, handler) => ({
  method: 'POST',
  path,
  handler,
  config: {
    auth: false,
    prefix: '',
    middlewares: ['plugin::two-factor.body', 'plugin::users-permissions.rateLimit', 'plugin::two-factor.noStore'],
  },
});

module.exports = {
  type: 'content-api',
  routes: [route('/auth/2fa/verify', 'challenge.verify'), route('/auth/2fa/resend', 'challenge.resend')],
};
