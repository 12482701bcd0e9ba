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

/**
 * The kinds of user whose rows the plugin keeps (a host's `realm`). Rows written before
 * realms existed are users-permissions users' (store/migrate.js).
 */
const REALMS = Object.freeze({ usersPermissions: 'users-permissions' });

/**
 * The slot of a user's factor row (content-types/factor.js): one authenticator app, one
 * verified phone number. A passkey will take a slot per credential.
 */
const SLOTS = Object.freeze({ totp: 'totp', phone: 'phone' });

/**
 * The subject of a per-user limit (codes sent, new numbers, cooldowns): the user's id
 * qualified by its realm, so that two kinds of user with the same id never share a count.
 */
const userSubject = (realm, userId) => `${realm}:${userId}`;

module.exports = { METHODS, PURPOSES, REALMS, SLOTS, userSubject };
