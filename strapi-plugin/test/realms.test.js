'use strict';

// The domain is made per realm (plugin.js): a route names the realm it serves, and a
// realm no host serves is a startup error, never a domain made for nobody.
const test = require('node:test');
const assert = require('node:assert/strict');
const parts = require('../server/src/plugin');

const strapi = { config: { get: () => undefined }, log: { warn() {}, info() {} } };
const routed = (realm) => ({ state: { route: { config: { realm } } } });

test("a route's realm picks that realm's domain, made once; no realm is the users-permissions one", () => {
  const users = parts.forRoute(strapi, routed('users-permissions'));
  assert.equal(users.host.realm, 'users-permissions');
  assert.equal(parts(strapi), users, 'one domain per Strapi and realm');
  assert.equal(parts.forRoute(strapi, { state: {} }), users);
});

test('a realm no host serves is refused by name', () => {
  assert.throws(() => parts.forRoute(strapi, routed('nobody')), /no host serves the realm "nobody"/);
});
