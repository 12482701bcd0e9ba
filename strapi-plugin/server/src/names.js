'use strict';

// The names the plugin stores and answers with, each written once.

/** The ways a code reaches the user, in the order a role lists them by default. */
const METHODS = Object.freeze({ totp: 'totp', sms: 'sms', email: 'email' });

/**
 * What a challenge is for: `login`, the second step of a sign-in; `enrol`, a sign-in of
 * a user who must enrol first (its e-mailed code opens enrolment only); `phone`,
 * confirming a new number; `step-up`, a code for a sensitive change.
 */
const PURPOSES = Object.freeze({ login: 'login', enrol: 'enrol', phone: 'phone', stepUp: 'step-up' });

module.exports = { METHODS, PURPOSES };
