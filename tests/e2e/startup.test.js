'use strict';

// What happens before any login: the config validator's messages, the refusals to start
// in production, and users-permissions' rate limiter in front of the new routes.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { config } = require('strapi-plugin-two-factor/strapi-server');
const { boot } = require('./helpers/strapi');
const { client } = require('./helpers/http');

const validConfig = () => structuredClone({ ...config.default, secret: 'x'.repeat(44) });

test('the config validator names the bad setting', () => {
  const cases = [
    [{ code: { digits: 4 } }, /code\.digits must be at least 6/],
    [{ code: { ttlSeconds: 1800 } }, /code\.ttlSeconds must be at most 600/],
    [{ code: { maxAttempts: 1000 } }, /code\.maxAttempts must be at most/],
    [{ lockout: { threshold: 500 } }, /lockout\.threshold must be at most 100/],
    [{ sms: { provider: 'carrier-pigeon', options: {} } }, /sms\.provider must be one of/],
    [{ sms: { provider: 'twilio', options: { accountSid: 'AC1', from: '+1' } } }, /authToken is required for twilio/],
    [{ sms: { provider: 'custom', options: { send: 'not a function' } } }, /send must be an async function/],
    [{ roles: { editor: { enforcement: 'always', methods: ['sms'] } } }, /enforcement must be one of: off, optional, required/],
    [{ roles: { editor: { enforcement: 'required', methods: [] } } }, /methods must list at least one method/],
    [{ messages: { sms: 'no placeholder here' } }, /messages\.sms must contain \{code\}/],
    [{ codeDigits: 6 }, /unknown key in the two-factor config: codeDigits/],
    [{ sms: { provider: 'twilio', options: { accountSid: 'AC1', authToken: 987654321, from: '+1' } } }, /^(?!.*987654321).*authToken must be a string/],
  ];
  for (const [patch, message] of cases) {
    const candidate = validConfig();
    for (const [key, value] of Object.entries(patch)) {
      candidate[key] = value && typeof value === 'object' && !Array.isArray(value) && key !== 'roles' ? { ...candidate[key], ...value } : value;
    }
    assert.throws(() => config.validator(candidate), message, JSON.stringify(patch));
  }
  assert.doesNotThrow(() => config.validator(validConfig()));
});

/** Boots the playground in a child process with `env`; returns its exit status and output. */
const bootChild = (env) =>
  spawnSync(process.execPath, ['-e', "require('./helpers/strapi').boot(JSON.parse(process.argv[1])).then((app) => app.stop())", JSON.stringify(env)], {
    cwd: __dirname,
    encoding: 'utf8',
    timeout: 60_000,
  });

test('production refuses to start without a secret, with a short one, or with the console SMS provider', () => {
  const cases = [
    [{ TWO_FACTOR_SECRET: '' }, /production never runs without it/],
    [{ TWO_FACTOR_SECRET: Buffer.alloc(16, 1).toString('base64') }, /decodes to 16 bytes; at least 32 are required/],
    [{}, /console SMS provider is for development only/],
  ];
  for (const [env, message] of cases) {
    const child = bootChild({ NODE_ENV: 'production', ...env });
    assert.notEqual(child.status, 0, `started anyway: ${JSON.stringify(env)}`);
    assert.match(child.stdout + child.stderr, message);
  }
});

test('users-permissions rate limiter guards /api/auth/2fa/*', async () => {
  const app = await boot({ UP_RATELIMIT: 'true' });
  try {
    const http = client(app.url);
    const statuses = [];
    for (let i = 0; i < 12; i += 1) {
      statuses.push((await http.post('/api/auth/2fa/verify', { challenge: 'A'.repeat(43), code: '123456' })).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
  } finally {
    await app.stop();
  }
});

test('the plugin package ships only what it needs', () => {
  const { files, exports, strapi } = require(path.join(__dirname, '../../strapi-plugin/package.json'));
  assert.deepEqual(strapi, { ...strapi, kind: 'plugin', name: 'two-factor' });
  assert.equal(exports['./strapi-server'], './strapi-server.js');
  assert.ok(files.includes('server/src/'));
});
