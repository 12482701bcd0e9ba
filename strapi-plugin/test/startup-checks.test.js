'use strict';

// The startup self-check and the destination mask, on plain objects.
const test = require('node:test');
const assert = require('node:assert/strict');
const { selfCheck } = require('../server/src/bootstrap');
const { WRAPPED, TOKEN_ACTIONS } = require('../server/src/register');
const mask = require('../server/src/mask');

const wrapped = () => Object.assign(async () => {}, { [WRAPPED]: true });
const stockRoutes = () => [
  ...TOKEN_ACTIONS.map((action) => ({ method: 'POST', path: `/auth/${action}`, handler: `auth.${action}` })),
  { method: 'POST', path: '/auth/forgot-password', handler: 'auth.forgotPassword' },
  { method: 'GET', path: '/users/me', handler: 'user.me' },
];
const fakeStrapi = (auth, routes) => ({
  plugin: () => ({ controller: () => auth, routes: { 'content-api': () => ({ routes }) } }),
});
const gatedAuth = () => Object.fromEntries(TOKEN_ACTIONS.map((action) => [action, wrapped()]));

test('self-check passes when every token route is gated', () => {
  assert.doesNotThrow(() => selfCheck(fakeStrapi(gatedAuth(), stockRoutes())));
});

test('self-check fails loudly on an ungated action, an unknown auth route, or a missing route', () => {
  const auth = { ...gatedAuth(), resetPassword: async () => {} };
  assert.throws(() => selfCheck(fakeStrapi(auth, stockRoutes())), /auth\.resetPassword is not gated/);
  const extra = [...stockRoutes(), { method: 'POST', path: '/auth/magic-link', handler: 'auth.magicLink' }];
  assert.throws(() => selfCheck(fakeStrapi(gatedAuth(), extra)), /POST \/auth\/magic-link -> auth\.magicLink/);
  const missing = stockRoutes().filter((route) => route.handler !== 'auth.register');
  assert.throws(() => selfCheck(fakeStrapi(gatedAuth(), missing)), /no users-permissions route for auth\.register/);
});

test('destinations are masked', () => {
  assert.equal(mask('sms', '+1 (555) 010-4567'), '+1••••••4567');
  assert.equal(mask('sms', '0612345678'), '••••••5678');
  assert.equal(mask('email', 'alice@example.com'), 'a•••@example.com');
  assert.equal(mask('email', 'b@x.io'), 'b•••@x.io');
});
