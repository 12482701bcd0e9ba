'use strict';

// The client side of a two-step login: the password step, then the SMS code.
const assert = require('node:assert/strict');

/** Password step; returns the 401's challenge details plus the code the SMS carried. */
const startLogin = async (http, sms, user, headers) => {
  const sent = sms.messages.length;
  const res = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password }, { headers });
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.name, 'TwoFactorRequiredError');
  const details = res.body.error.details;
  if (details.method === 'sms') details.code = await sms.codeFor(user.phoneNumber, sent);
  return details;
};

const verify = (http, challenge, code, headers) => http.post('/api/auth/2fa/verify', { challenge, code }, { headers });

module.exports = { startLogin, verify };
