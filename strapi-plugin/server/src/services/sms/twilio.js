'use strict';

// Twilio's Messages REST API over fetch (TLS verification stays on). `baseUrl` lets a
// project point it at a regional edge or a test double; a send that takes longer than
// `timeoutMs` fails (and the login answers 503 with the challenge still usable).
module.exports = ({ accountSid, authToken, from, baseUrl = 'https://api.twilio.com', timeoutMs = 10_000 }) => {
  const url = `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  return {
    async send({ to, message }) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ To: to, From: from, Body: message }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        // Twilio's error body names the problem (code and message) and never echoes the SMS.
        const detail = await response.json().catch(() => ({}));
        throw new Error(`Twilio answered ${response.status}${detail.code ? ` (error ${detail.code})` : ''}`);
      }
    },
  };
};
