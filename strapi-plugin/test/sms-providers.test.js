'use strict';

// The SMS providers against real HTTP servers on 127.0.0.1.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const createProvider = require('../server/src/services/sms');

/** A loopback server answering `status` and keeping each request's headers and body. */
const server = async (status) => {
  const requests = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ url: req.url, headers: req.headers, body });
      res.statusCode = status();
      res.end(status() < 300 ? '{"sid":"SM1"}' : '{"code":21211,"message":"Invalid To number"}');
    });
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${srv.address().port}`, requests, close: () => new Promise((r) => srv.close(r)) };
};

const payload = { to: '+15550100000', code: '123456', message: '123456 is your code', user: { id: 1 } };

test('webhook: JSON body, HMAC-SHA-256 signature over timestamp and body', async () => {
  const srv = await server(() => 200);
  const secret = 's'.repeat(32);
  try {
    await createProvider('webhook', { url: `${srv.url}/sms`, secret, headers: { 'x-api-key': 'k' } }).send(payload);
    const [{ headers, body }] = srv.requests;
    assert.deepEqual(JSON.parse(body), { channel: 'sms', to: payload.to, code: payload.code, message: payload.message });
    assert.equal(headers['x-api-key'], 'k');
    const expected = createHmac('sha256', secret).update(`${headers['x-two-factor-timestamp']}.${body}`).digest('hex');
    assert.equal(headers['x-two-factor-signature'], `sha256=${expected}`);
  } finally {
    await srv.close();
  }
});

test('webhook: the timestamp is the `now` the caller passes, in unix seconds', async () => {
  const srv = await server(() => 200);
  const secret = 's'.repeat(32);
  try {
    await createProvider('webhook', { url: srv.url, secret }).send({ ...payload, now: 1_700_000_000_999 });
    const [{ headers, body }] = srv.requests;
    assert.equal(headers['x-two-factor-timestamp'], '1700000000');
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    assert.equal(headers['x-two-factor-signature'], `sha256=${expected}`);
  } finally {
    await srv.close();
  }
});

test('webhook: no secret, no signature; a non-2xx answer is an error', async () => {
  let status = 200;
  const srv = await server(() => status);
  try {
    await createProvider('webhook', { url: srv.url }).send(payload);
    assert.equal(srv.requests[0].headers['x-two-factor-signature'], undefined);
    status = 500;
    await assert.rejects(createProvider('webhook', { url: srv.url }).send(payload), /SMS webhook answered 500/);
  } finally {
    await srv.close();
  }
});

test('twilio: form body with Basic auth; an error names Twilio\'s code, never the message text', async () => {
  let status = 201;
  const srv = await server(() => status);
  try {
    const twilio = createProvider('twilio', { accountSid: 'AC1', authToken: 'tok', from: '+15550000000', baseUrl: `${srv.url}/` });
    await twilio.send(payload);
    const [{ url, headers, body }] = srv.requests;
    assert.equal(url, '/2010-04-01/Accounts/AC1/Messages.json');
    assert.equal(headers.authorization, `Basic ${Buffer.from('AC1:tok').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(body)), { To: payload.to, From: '+15550000000', Body: payload.message });
    status = 400;
    const error = await twilio.send(payload).catch((e) => e);
    assert.match(error.message, /Twilio answered 400 \(error 21211\)/);
    assert.ok(!error.message.includes(payload.code));
  } finally {
    await srv.close();
  }
});

test('a provider that does not answer in timeoutMs fails, and one that answers late is not waited for', async () => {
  const hung = http.createServer(() => {}); // reads the request, never answers
  await new Promise((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${hung.address().port}`;
  try {
    const started = Date.now();
    await assert.rejects(createProvider('webhook', { url, timeoutMs: 200 }).send(payload), /no answer within 200 ms/);
    await assert.rejects(createProvider('twilio', { accountSid: 'AC1', authToken: 'tok', from: '+1555', baseUrl: url, timeoutMs: 200 }).send(payload), /no answer within 200 ms/);
    assert.ok(Date.now() - started < 2000, 'each send gave up at its deadline');
  } finally {
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
  }
});

test('custom: the project\'s function gets to, code, message and user; its errors propagate', async () => {
  const calls = [];
  await createProvider('custom', { send: async (p) => calls.push(p) }).send(payload);
  assert.deepEqual(calls, [payload]);
  await assert.rejects(createProvider('custom', { send: () => { throw new Error('gateway down'); } }).send(payload), /gateway down/);
});

test('console: refuses to exist under NODE_ENV=production', () => {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    assert.throws(() => createProvider('console', {}), /development only/);
  } finally {
    process.env.NODE_ENV = previous;
  }
  assert.equal(typeof createProvider('console', {}).send, 'function');
});
