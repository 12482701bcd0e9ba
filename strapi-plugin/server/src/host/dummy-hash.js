'use strict';

// A bcrypt hash of a random password nobody knows, for the login to compare against when
// the identifier is unknown or the user has no password: the answer then costs one
// compare, like a wrong password, and its timing does not tell who has an account
// (security.md #33). It is made once per process by users-permissions' own hashing, so
// library and cost are those of real hashes.
const crypto = require('node:crypto');

const made = new WeakMap();

const make = (strapi) =>
  strapi
    .plugin('users-permissions')
    .service('user')
    .ensureHashedPasswords({ password: crypto.randomBytes(32).toString('base64') })
    .then(({ password }) => password);

/** The dummy hash for `strapi` (a promise; the first call starts making it). */
module.exports = (strapi) => {
  if (!made.has(strapi)) {
    // A failure is not kept: the next login tries again.
    made.set(
      strapi,
      make(strapi).catch((error) => {
        made.delete(strapi);
        throw error;
      }),
    );
  }
  return made.get(strapi);
};
