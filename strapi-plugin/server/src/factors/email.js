'use strict';

// The e-mail factor: a code sent to the account's own address. Nothing to enrol; it is
// usable whenever the user has an address and the role allows it, and it is what opens
// enrolment for a user who has nothing enrolled.
const { METHODS } = require('../names');
const mask = require('../mask');

const address = (user) => (typeof user.email === 'string' && user.email !== '' ? user.email : null);

module.exports = () => ({
  method: METHODS.email,
  sends: true,
  withoutEnrolment: true,
  enrolled: () => false,
  usable: (user) => address(user) !== null,
  destination: (user) => address(user),
  shown: (user) => (address(user) === null ? null : mask(METHODS.email, address(user))),
});
