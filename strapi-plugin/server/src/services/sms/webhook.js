'use strict';

// A JSON POST to the project's own SMS gateway. With `secret`, the body is signed:
// X-Two-Factor-Signature: sha256=HMAC-SHA-256(secret, `${timestamp}.${body}`), so the
// receiver can check origin and freshness. A send slower than `timeoutMs` fails.
const { createHmac } = require('node:crypto');

module.exports = ({ url, secret, headers = {}, timeoutMs = 10_000 }) => ({
  async send({ to, code, message }) {
    const body = JSON.stringify({ channel: 'sms', to, code, message });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = secret
      ? { 'x-two-factor-timestamp': timestamp, 'x-two-factor-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}` }
      : {};
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', ...signature },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
  },
});
