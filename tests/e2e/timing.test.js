'use strict';

// An unknown identifier, or a user without a password, costs the same bcrypt compare as
// a wrong password, so the answer's timing does not tell who has an account
// (security.md #33). The times themselves are measured by `npm run bench:timing`; this
// checks that the compare runs, against a hash of the cost users-permissions uses.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');
const { createUser, ensureRole } = require('./helpers/fixtures');

let app;
let http;
let compares;

test.before(async () => {
  app = await boot();
  http = client(app.url);
  await ensureRole(app.strapi, 'staff');
  // Every compare the login makes, by hash (validatePassword is looked up per call).
  const users = app.strapi.plugin('users-permissions').service('user');
  const validatePassword = users.validatePassword.bind(users);
  users.validatePassword = (password, hash) => {
    compares.push(hash);
    return validatePassword(password, hash);
  };
});
test.after(() => app?.stop());

/** The bcrypt cost of a hash: `$2a$10$...` is 10. */
const cost = (hash) => Number(hash.split('$')[2]);

const attempt = async (identifier) => {
  compares = [];
  const res = await http.post('/api/auth/local', { identifier, password: 'Wrong-Password-1' });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.message, 'Invalid identifier or password');
  return compares;
};

test('a known user with a wrong password, an unknown identifier and a user without a password each cost one compare at the same cost', async () => {
  const known = await createUser(app.strapi, { role: 'staff' });
  const passwordless = await createUser(app.strapi, { role: 'staff' });
  await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: passwordless.id }, data: { password: null } });

  const [knownHash] = await attempt(known.identifier);
  const unknown = await attempt('nobody-has-this-name');
  const none = await attempt(passwordless.identifier);
  assert.equal(unknown.length, 1, 'an unknown identifier is compared too');
  assert.equal(none.length, 1, 'a user without a password is compared too');
  assert.equal(cost(unknown[0]), cost(knownHash));
  assert.equal(cost(none[0]), cost(knownHash));
  assert.equal((await attempt('someone-else')).at(0), unknown[0], 'one dummy hash per process');
});
