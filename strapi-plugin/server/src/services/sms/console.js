'use strict';

// Development only: prints the message on the terminal instead of sending it. It writes
// to stdout directly, not through Strapi's logger, so codes never enter the app's logs.
module.exports = () => {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('strapi-plugin-two-factor: the console SMS provider is for development only and refuses to run with NODE_ENV=production');
  }
  return {
    async send({ to, message }) {
      process.stdout.write(`\n[two-factor console SMS] to ${to}: ${message}\n\n`);
    },
  };
};
