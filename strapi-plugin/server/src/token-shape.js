'use strict';

// The shape of a challenge or device token as the core makes it (LIMITS.TOKEN_CHARS of
// base64url), checked before any lookup: anything else is refused without a query.
const { LIMITS } = require('two-factor-wasm');

const TOKEN = new RegExp(`^[A-Za-z0-9_-]{${LIMITS.TOKEN_CHARS}}$`);

module.exports = { TOKEN, isToken: (value) => typeof value === 'string' && TOKEN.test(value) };
