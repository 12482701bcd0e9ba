'use strict';

// A Twilio-shaped HTTP server on 127.0.0.1: the Messages endpoint with Basic auth and a
// form body, answering as Twilio does. Tests read the SMS the provider really received,
// and can make it fail to see how the plugin copes.
const http = require('node:http');
const poll = require('./poll');

const ACCOUNT_SID = 'AC00000000000000000000000000000001';
const AUTH_TOKEN = 'loopback-auth-token';
const FROM = '+15550000000';

const start = async () => {
  const messages = [];
  let failures = 0;
  let failStatus = 503;
  let hangs = 0;
  const hanging = [];

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const expectedPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
      const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || req.url !== expectedPath) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
      }
      if (req.headers.authorization !== expectedAuth) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
      }
      if (hangs > 0) {
        hangs -= 1;
        hanging.push(res); // never answered: the provider's timeout must fire
        return undefined;
      }
      if (failures > 0) {
        failures -= 1;
        res.statusCode = failStatus;
        return res.end(JSON.stringify({ code: 20500, message: 'Internal error', status: failStatus }));
      }
      const form = new URLSearchParams(raw);
      const message = { to: form.get('To'), from: form.get('From'), body: form.get('Body') };
      messages.push(message);
      res.statusCode = 201;
      res.end(JSON.stringify({ sid: `SM${messages.length}`, status: 'queued', to: message.to, from: message.from }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    env: {
      TWO_FACTOR_SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: FROM,
      TWILIO_BASE_URL: `http://127.0.0.1:${server.address().port}`,
    },
    messages,
    /** The next `n` sends are refused with `status` (503 by default), as during an outage. */
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    /** The next `n` sends get no answer at all. */
    hangNext(n) {
      hangs = n;
    },
    /** The code in the newest SMS to `to` sent after `since` messages; waits up to 5 s. */
    async codeFor(to, since) {
      const found = await poll(() => messages.slice(since).filter((m) => m.to === to).pop(), `no SMS to ${to}`);
      return found.body.match(/\b(\d{6,10})\b/)[1];
    },
    close: () => {
      hanging.splice(0).forEach((res) => res.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
};

module.exports = { start, FROM, ACCOUNT_SID, AUTH_TOKEN };
