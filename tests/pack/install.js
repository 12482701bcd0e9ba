'use strict';

// `npm run test:pack`: installation as a user does it. Packs both packages, creates a
// fresh app with create-strapi-app@5.54.0 in a temporary folder, installs the two
// tarballs, adds only the lines the README's quick start shows, builds the admin panel
// (which bundles the plugin's settings page), boots the app, and runs the two-step login
// against it with curl. E-mail codes go to an SMTP server on
// 127.0.0.1 (the app gets Strapi's nodemailer provider, as the README says).
const { execFile, execFileSync, spawn } = require('node:child_process');
const { promisify } = require('node:util');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const smtp = require('../e2e/helpers/smtp');
const poll = require('../e2e/helpers/poll');

const ROOT = path.resolve(__dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'two-factor-pack-'));
const env = { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true' };
const step = (text) => console.log(`\n== ${text}`);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * One HTTP call with curl, as in the README; returns the status and the JSON body. It
 * runs asynchronously: the SMTP server in this process must keep answering meanwhile.
 */
const curl = async (method, url, body, headers = []) => {
  const args = ['-s', '-o', '-', '-w', '\n%{http_code}', '-X', method, url, ...headers.flatMap((h) => ['-H', h])];
  if (body) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
  const { stdout: out } = await promisify(execFile)('curl', args, { encoding: 'utf8' });
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: JSON.parse(out.slice(0, cut) || 'null') };
};

const expect = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`   ok: ${message}`);
};

let output = '';

(async () => {
  let strapi;
  const mail = await smtp.start();
  try {
    step('npm pack both packages');
    for (const pkg of ['js-wrapper', 'strapi-plugin']) run('npm', ['pack', '--pack-destination', work, '--silent'], path.join(ROOT, pkg));
    const tarballs = fs.readdirSync(work).filter((f) => f.endsWith('.tgz')).map((f) => path.join(work, f));
    expect(tarballs.length === 2, `packed ${tarballs.map((t) => path.basename(t)).join(', ')}`);

    step('create-strapi-app@5.54.0');
    run('npx', ['-y', 'create-strapi-app@5.54.0', 'app', '--non-interactive', '--no-run', '--skip-cloud', '--no-git-init', '--no-example', '--js', '--use-npm', '--no-install', '--dbclient', 'sqlite'], work);
    const app = path.join(work, 'app');

    step('npm install the app, the two tarballs and the nodemailer provider (builds better-sqlite3)');
    run('npm', ['install', '--no-audit', '--no-fund', ...tarballs, '@strapi/provider-email-nodemailer@5.54.0'], app);

    step('config/plugins.js: the README quick start lines');
    const config = path.join(app, 'config', 'plugins.js');
    const quickStart = fs.readFileSync(path.join(__dirname, 'quick-start.plugins.js'), 'utf8');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/module\.exports = \(\) => \(\{/, `module.exports = ({ env }) => ({\n${quickStart}`));
    // create-strapi-app --non-interactive leaves DATABASE_FILENAME empty, which points
    // SQLite at the app folder itself; give it the file the template means.
    const dotEnv = path.join(app, '.env');
    fs.writeFileSync(dotEnv, fs.readFileSync(dotEnv, 'utf8').replace(/^DATABASE_FILENAME=$/m, 'DATABASE_FILENAME=.tmp/data.db'));
    fs.appendFileSync(dotEnv, `\nTWO_FACTOR_SECRET=${crypto.randomBytes(32).toString('base64')}\nSMTP_HOST=127.0.0.1\nSMTP_PORT=${mail.env.SMTP_PORT}\n`);

    step('strapi build: the admin panel, with the plugin\'s pages bundled from node_modules');
    const strapiBin = path.join(app, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');
    run(process.execPath, [strapiBin, 'build'], app);
    const buildDir = path.join(app, 'build');
    const bundled = fs
      .readdirSync(buildDir)
      .filter((f) => f.endsWith('.js'))
      .some((f) => fs.readFileSync(path.join(buildDir, f), 'utf8').includes('Send a test message'));
    expect(bundled, 'the admin bundle holds the two-factor settings page');

    step('boot the app');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    strapi = spawn(process.execPath, [strapiBin, 'start'], {
      cwd: app,
      env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    strapi.stdout.on('data', (chunk) => (output += chunk));
    const started = () => {
      if (strapi.exitCode !== null) throw new Error(`Strapi exited:\n${output}`);
      return output.includes('Strapi started successfully');
    };
    await poll(started, 'Strapi did not start within 120 s', { withinMs: 120_000, everyMs: 250 });
    expect(/\[two-factor\] second step active/.test(output), 'the plugin loaded and gated the token routes');

    step('the two-step login with curl');
    const codeFor = (to, since) => mail.codeFor(to, since);
    let mailed = mail.mails.length;
    const register = await curl('POST', `${base}/api/auth/local/register`, { username: 'ada', email: 'ada@example.com', password: 'Pack-Test-Password-1' });
    expect(register.status === 401 && register.body.error.name === 'TwoFactorRequiredError', `register answers the challenge, no token (${register.status} ${register.body?.error?.name})`);
    let verify = await curl('POST', `${base}/api/auth/2fa/verify`, { challenge: register.body.error.details.challenge, code: await codeFor('ada@example.com', mailed) });
    expect(verify.status === 200 && typeof verify.body.jwt === 'string', 'the e-mailed code gives a session');

    mailed = mail.mails.length;
    const login = await curl('POST', `${base}/api/auth/local`, { identifier: 'ada', password: 'Pack-Test-Password-1' });
    expect(login.status === 401 && login.body.error.details.method === 'email', 'login: 401 TwoFactorRequiredError by e-mail');
    const wrong = await curl('POST', `${base}/api/auth/2fa/verify`, { challenge: login.body.error.details.challenge, code: '000000' });
    expect(wrong.status === 400 && wrong.body.error.details.attemptsRemaining === 4, 'a wrong code: 400 with attemptsRemaining 4');
    verify = await curl('POST', `${base}/api/auth/2fa/verify`, { challenge: login.body.error.details.challenge, code: await codeFor('ada@example.com', mailed) });
    expect(verify.status === 200, 'the right code: 200');
    const me = await curl('GET', `${base}/api/users/me`, null, [`authorization: Bearer ${verify.body.jwt}`]);
    expect(me.status === 200 && me.body.username === 'ada', 'GET /api/users/me works with the JWT');
    console.log('\npack-install: passed');
  } finally {
    strapi?.kill('SIGTERM');
    await new Promise((resolve) => (strapi && strapi.exitCode === null ? strapi.on('exit', resolve) : resolve()));
    await mail.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch((error) => {
  console.error(`\npack-install failed: ${error.message}`);
  if (output) console.error(`\nStrapi's output, last lines:\n${output.split('\n').slice(-15).join('\n')}`);
  process.exitCode = 1;
});
