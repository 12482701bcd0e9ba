'use strict';

// Twilio's Messages REST API (TLS verification stays on). `baseUrl` lets a project point
// it at a regional edge or a test double; a send that takes longer than `timeoutMs`
// fails (and the login answers 503 with the challenge still usable).
const post = require('./post');

module.exports = ({ accountSid, authToken, from, baseUrl = 'https://api.twilio.com', timeoutMs = 10_000 }) => {
  const url = `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  return {
    async send({ to, message }) {
      const { ok, status, text } = await post(url, {
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ To: to, From: from, Body: message }).toString(),
        timeoutMs,
      });
      if (!ok) {
        // Twilio's error body names the problem (code and message) and never echoes the SMS.
        const detail = parsed(text);
        throw new Error(`Twilio answered ${status}${Number.isInteger(detail.code) ? ` (error ${detail.code})` : ''}`);
      }
    },
  };
};

/** An answer's JSON object, or `{}` for anything else. */
const parsed = (text) => {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
};
