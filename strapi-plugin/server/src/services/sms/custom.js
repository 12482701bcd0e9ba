'use strict';

// The project's own function: `async send({ to, code, message, user })`.
module.exports = ({ send }) => ({
  send: (payload) => Promise.resolve().then(() => send(payload)),
});
