'use strict';

// A JSON POST to the project's own SMS gateway. With `secret`, the body is signed:
// X-Two-Factor-Signature: sha256=HMAC-SHA-256(secret, `${timestamp}.${body}`), so the
// receiver can check origin and freshness. The timestamp (unix seconds) is the `now`
// the delivery service passes in. A send slower than `timeoutMs` fails.
const tf = require('two-factor-wasm');
const post = require('./post');

module.exports = ({ url, secret, headers = {}, timeoutMs = 10_000 }) => ({
  async send({ to, code, message, now }) {
    const body = JSON.stringify({ channel: 'sms', to, code, message });
    // Without a `now` (the provider used on its own), the wrapper reads the clock.
    const signed = secret ? tf.signWebhook({ secret, now, body }) : null;
    const signature = signed ? { 'x-two-factor-timestamp': String(signed.timestamp), 'x-two-factor-signature': signed.signature } : {};
    const { ok, status } = await post(url, { headers: { ...headers, 'content-type': 'application/json', ...signature }, body, timeoutMs });
    if (!ok) throw new Error(`SMS webhook answered ${status}`);
  },
});
