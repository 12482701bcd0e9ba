'use strict';

// The same checks for each users-permissions token mode: the verify answer has exactly
// the stock login's shape for that mode, and the tokens it gives work.
const test = require('node:test');
const assert = require('node:assert/strict');
const { boot } = require('./strapi');
const { client } = require('./http');
const twilio = require('./twilio');
const { createUser, ensureRole } = require('./fixtures');
const { startLogin, verify } = require('./two-step');

/** `env` selects the mode; `keys` is the body the stock login answers in it. */
module.exports = (env, { keys, refresh }) => {
  let app;
  let http;
  let sms;
  test.before(async () => {
    sms = await twilio.start();
    app = await boot({ ...sms.env, ...env });
    http = client(app.url);
    await ensureRole(app.strapi, 'staff');
  });
  test.after(async () => {
    await app?.stop();
    await sms?.close();
  });

  test('an off role gets the stock body for this mode', async () => {
    const user = await createUser(app.strapi, { role: 'staff' });
    const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), keys);
  });

  test('verify answers the same body as the stock login, and its tokens work', async () => {
    const user = await createUser(app.strapi, { phone: '+15550108001' });
    const challenge = await startLogin(http, sms, user);
    const res = await verify(http, challenge.challenge, challenge.code);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), keys);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal((await http.get('/api/users/me', { token: res.body.jwt })).status, 200);
    if (refresh) {
      const renewed = await http.post('/api/auth/refresh', { refreshToken: res.body.refreshToken });
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.equal((await http.get('/api/users/me', { token: renewed.body.jwt })).status, 200);
    } else {
      assert.equal((await http.post('/api/auth/refresh', {})).status, 404, 'no refresh in legacy mode');
    }
  });

  test('without the cookie, a trusted device gets its token in the body and sends it in a header', async () => {
    const user = await createUser(app.strapi, { phone: '+15550108003' });
    const challenge = await startLogin(http, sms, user);
    const res = await http.post('/api/auth/2fa/verify', { challenge: challenge.challenge, code: challenge.code, rememberDevice: true });
    assert.equal(res.status, 200);
    assert.match(res.body.deviceToken, /^[A-Za-z0-9_-]{43}$/);
    const again = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password }, { headers: { 'x-two-factor-device': res.body.deviceToken } });
    assert.equal(again.status, 200, 'the second step is skipped');
    assert.deepEqual(Object.keys(again.body).sort(), [...keys, 'deviceToken'].sort());
    assert.notEqual(again.body.deviceToken, res.body.deviceToken, 'rotated');
  });

  test('a client asking for the httpOnly cookie gets it', { skip: !refresh && 'legacy mode has no refresh token' }, async () => {
    const user = await createUser(app.strapi, { phone: '+15550108002' });
    const challenge = await startLogin(http, sms, user);
    const res = await verify(http, challenge.challenge, challenge.code, { 'x-strapi-refresh-cookie': 'httpOnly' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['jwt', 'user']);
    assert.match(res.headers.get('set-cookie'), /^strapi_up_refresh=.*httponly/);
  });
};
