'use strict';

// The e-mail factor: a code sent to the account's own address. Nothing to enrol; it is
// usable whenever the user has an address and the role allows it.
const { METHODS } = require('../names');

module.exports = () => ({
  method: METHODS.email,
  enrolled: () => false,
  usable: (user) => typeof user.email === 'string' && user.email !== '',
});
