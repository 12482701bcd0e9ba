'use strict';

// `npm run demo`: builds the playground's admin panel when it is missing, starts the
// playground Strapi (SQLite, console SMS provider, the `authenticated` role set to
// `required`) with an admin whose e-mail and password it prints, walks a user through the
// two-step login over HTTP, and prints the same steps as curl commands to try by hand. In
// a terminal it keeps Strapi running until Ctrl-C; elsewhere (CI) it stops after the
// walk-through.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ensureAdminBuild, APP_DIR, STRAPI_BIN } = require('./admin-build');

const PORT = Number(process.env.DEMO_PORT || 1337);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'Demo-Password-1';
// The admin the demo signs in with: from the environment, or made up for this run.
const ADMIN_EMAIL = process.env.DEMO_ADMIN_EMAIL || 'admin@example.com';
const ADMIN_PASSWORD = process.env.DEMO_ADMIN_PASSWORD || `Demo-${crypto.randomBytes(9).toString('base64url')}-7`;
const interactive = process.stdout.isTTY && process.stdin.isTTY && !process.env.CI;

/** The playground's .env: random secrets made once, as create-strapi-app does. */
const ensureEnv = () => {
  const file = path.join(APP_DIR, '.env');
  if (fs.existsSync(file)) return;
  const secret = () => crypto.randomBytes(32).toString('base64');
  const lines = [
    `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`,
    `API_TOKEN_SALT=${secret()}`,
    `ADMIN_JWT_SECRET=${secret()}`,
    `JWT_SECRET=${secret()}`,
    `TRANSFER_TOKEN_SALT=${secret()}`,
    `ENCRYPTION_KEY=${secret()}`,
    `TWO_FACTOR_SECRET=${secret()}`,
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  console.log(`created ${path.relative(process.cwd(), file)} with random secrets`);
};

const say = (text) => console.log(`\n\x1b[1m${text}\x1b[0m`);
const curl = (method, route, body, extra = '') =>
  `curl -s -X ${method} ${BASE}${route}${body ? ` -H 'content-type: application/json' -d '${JSON.stringify(body)}'` : ''}${extra}`;

const post = async (route, body, token) => {
  const res = await fetch(BASE + route, {
    method: body ? 'POST' : 'GET',
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
};

let strapi;

const main = async () => {
  ensureEnv();
  ensureAdminBuild();
  strapi = spawn(process.execPath, [STRAPI_BIN, 'start'], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(PORT),
      SEED_DEMO_USER: PASSWORD,
      SEED_DEMO_ADMIN_EMAIL: ADMIN_EMAIL,
      SEED_DEMO_ADMIN_PASSWORD: ADMIN_PASSWORD,
      STRAPI_TELEMETRY_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  strapi.stdout.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  const stop = () => strapi.kill('SIGTERM');
  process.on('SIGINT', stop);

  say(`Starting the playground Strapi on ${BASE} (SQLite in tests/playground/.tmp) ...`);
  const deadline = Date.now() + 120_000;
  while (!/Strapi started successfully|To manage your project/.test(output)) {
    if (strapi.exitCode !== null || Date.now() > deadline) throw new Error('Strapi did not start; see the output above');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  say('1. Log in as the demo user (role "authenticated", which requires 2FA):');
  console.log(`   ${curl('POST', '/api/auth/local', { identifier: 'demo', password: PASSWORD })}`);
  const sentBefore = output.length;
  const login = await post('/api/auth/local', { identifier: 'demo', password: PASSWORD });
  console.log(`   -> HTTP ${login.status} ${login.body.error?.name}: ${JSON.stringify(login.body.error?.details)}`);
  if (login.status !== 401) throw new Error('expected a two-factor challenge');
  const { challenge } = login.body.error.details;

  say('2. The console SMS provider printed the code in the Strapi output above ("[two-factor console SMS]").');
  const codeDeadline = Date.now() + 10_000;
  let match;
  while (!(match = output.slice(sentBefore).match(/\[two-factor console SMS\] to \S+: (\d{6,10}) /))) {
    if (Date.now() > codeDeadline) throw new Error('no console SMS seen');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const code = match[1];

  say('3. Send the challenge and the code:');
  console.log(`   ${curl('POST', '/api/auth/2fa/verify', { challenge: '<challenge from step 1>', code: '<code from step 2>' })}`);
  const verified = await post('/api/auth/2fa/verify', { challenge, code });
  console.log(`   -> HTTP ${verified.status}: { jwt: "${verified.body.jwt?.slice(0, 12)}…", user: ${JSON.stringify(verified.body.user?.username)} }`);
  if (verified.status !== 200) throw new Error('verify failed');

  say('4. Use the JWT:');
  console.log(`   ${curl('GET', '/api/users/me', null, " -H 'authorization: Bearer <jwt from step 3>'")}`);
  const me = await post('/api/users/me', null, verified.body.jwt);
  console.log(`   -> HTTP ${me.status}: ${JSON.stringify({ id: me.body.id, username: me.body.username, email: me.body.email })}`);

  say('Also try: a wrong code (400 with attemptsRemaining), the same challenge twice (401), or');
  console.log(`   ${curl('POST', '/api/auth/2fa/resend', { challenge: '<challenge>' })}   # after 30 s: a fresh code`);

  const admin = await post('/admin/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (admin.status !== 200) throw new Error(`the demo admin cannot sign in (${admin.status})`);
  say('5. The admin panel:');
  console.log(`   ${BASE}/admin   e-mail: ${ADMIN_EMAIL}   password: ${ADMIN_PASSWORD}`);
  console.log('   Settings (the cog in the left menu) → Global settings → Two-factor authentication: the mode,');
  console.log('   methods and trusted-device days of each role, the code settings, and a test message.');
  console.log(`   (${BASE}/admin/settings/two-factor)`);
  console.log('   Content Manager → User → demo: the two-factor panel on the right (state, unlock, reset, revoke devices).');

  if (!interactive) {
    stop();
    return;
  }
  say(`Strapi keeps running at ${BASE}: follow the steps above with the demo user (password ${PASSWORD}). Ctrl-C stops it.`);
  await new Promise((resolve) => strapi.on('exit', resolve));
};

main().catch((error) => {
  console.error(`\ndemo failed: ${error.message}`);
  process.exitCode = 1;
  strapi?.kill('SIGTERM');
});
