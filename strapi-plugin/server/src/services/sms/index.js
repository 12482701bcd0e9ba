'use strict';

// SMS providers. Each takes its validated options and returns `send({ to, code, message,
// user, now })` (`now` in unix ms), which resolves once the provider accepted the message
// and throws otherwise.
const PROVIDERS = {
  console: require('./console'),
  twilio: require('./twilio'),
  webhook: require('./webhook'),
  custom: require('./custom'),
};

module.exports = (name, options) => {
  if (!Object.hasOwn(PROVIDERS, name)) throw new Error(`strapi-plugin-two-factor: unknown SMS provider "${String(name).slice(0, 40)}"`);
  return PROVIDERS[name](options ?? {});
};
