'use strict';

// The project's own function: `async send({ to, code, message, user })`, exactly those.
module.exports = ({ send }) => ({
  send: ({ to, code, message, user }) => Promise.resolve().then(() => send({ to, code, message, user })),
});
