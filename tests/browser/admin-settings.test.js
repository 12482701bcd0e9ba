'use strict';

// The admin panel in a real browser: Debian's Chromium driven by playwright-core against
// the built playground admin, served by a real Strapi on SQLite. An admin changes the
// Authenticated role on the settings page, the change survives a reload and rules the
// content API's login; the server's validation messages reach the page; a test SMS goes
// out; the page shows where a secret rotation stands; the user panel in the content
// manager acts on a user and marks a factor that no longer opens; an editor cannot open
// the page.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ensureAdminBuild } = require('../../scripts/admin-build');
const { boot } = require('../e2e/helpers/strapi');
const { client } = require('../e2e/helpers/http');
const twilio = require('../e2e/helpers/twilio');
const { createUser, adminToken, createAdmin, recordEvents } = require('../e2e/helpers/fixtures');
const { launch, adminLogin } = require('./helpers/browser');

const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'admin-settings.png');
const shoot = async (page, name) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(fs.statSync(file).size > 10_000, `${name}: a screenshot with content`);
};
const ADMIN = { email: 'admin@example.com', password: 'Admin-Password-1' };

let app;
let http;
let sms;
let token;
let browser;
let events; // two-factor.admin.* events

test.before(async () => {
  ensureAdminBuild();
  sms = await twilio.start();
  // A rotation under way: one previous secret, so the settings page reports the start-up pass.
  app = await boot({ ...sms.env, TWO_FACTOR_PREVIOUS_SECRETS: crypto.randomBytes(32).toString('base64') }, { serveAdminPanel: true });
  http = client(app.url);
  token = await adminToken(http);
  events = recordEvents(app.strapi, 'two-factor.admin.');
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  await app?.stop();
  await sms?.close();
});

const settingsPage = () => `${app.url}/admin/settings/two-factor`;
const modeSelect = (page) => page.getByRole('combobox', { name: 'Mode for Authenticated' });
const methodBox = (page, method) => page.getByRole('checkbox', { name: `${method} for Authenticated` });
const checked = async (locator) => (await locator.getAttribute('aria-checked')) === 'true';

test('an admin sets Authenticated to required with SMS only; the change is kept and rules the login', async () => {
  // Start from "off", so that what the page saves is what makes the difference.
  const off = { enforcement: 'off', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 0 };
  assert.equal((await http.put('/two-factor/settings', { roles: { authenticated: off } }, { token })).status, 200);
  const user = await createUser(app.strapi, { phone: '+15550108888' });
  const before = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(before.status, 200, 'off: the stock login');

  const { page, errors } = browser;
  await adminLogin(page, app.url, ADMIN);
  // Through the menu, as an admin would: Settings, then the plugin's link.
  await page.goto(`${app.url}/admin/settings`);
  await page.getByRole('link', { name: 'Two-factor authentication' }).click();
  await page.getByRole('heading', { name: 'Two-factor authentication', level: 1 }).waitFor();
  await page.getByText('twilio', { exact: true }).waitFor();
  await page.getByText(/^1 previous secret configured\. At the last start .*0 are still sealed under a previous one/).waitFor();
  await page.getByText('The previous secrets can be removed from `previousSecrets`.').scrollIntoViewIfNeeded();
  await shoot(page, 'admin-settings-rotation.png');
  await page.getByText('Authenticator app', { exact: true }).first().scrollIntoViewIfNeeded();

  await modeSelect(page).click();
  await page.getByRole('option', { name: 'Required' }).click();
  for (const method of ['Authenticator app', 'E-mail']) await methodBox(page, method).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Two-factor settings saved').first().waitFor();
  const saved = events.filter((e) => e.name === 'two-factor.admin.settings.updated').at(-1);
  assert.deepEqual(saved.payload.changed, ['roles.authenticated'], 'the page sends only what changed');

  await page.reload();
  await page.getByRole('heading', { name: 'Two-factor authentication', level: 1 }).waitFor();
  await methodBox(page, 'SMS').waitFor();
  assert.equal(await modeSelect(page).innerText(), 'Required');
  assert.equal(await checked(methodBox(page, 'SMS')), true);
  assert.equal(await checked(methodBox(page, 'Authenticator app')), false);
  assert.equal(await checked(methodBox(page, 'E-mail')), false);

  await shoot(page, path.basename(SCREENSHOT));

  // The content API now answers the same user with a challenge, by SMS only.
  const sent = sms.messages.length;
  const after = await http.post('/api/auth/local', { identifier: user.identifier, password: user.password });
  assert.equal(after.status, 401);
  assert.equal(after.body.error.name, 'TwoFactorRequiredError');
  assert.equal(after.body.error.details.method, 'sms');
  assert.deepEqual(after.body.error.details.methods, ['sms']);
  assert.equal(after.body.jwt, undefined);
  await sms.codeFor(user.phoneNumber, sent);
  assert.deepEqual(errors, [], 'no uncaught error in the page');
});

test('the page shows the server\'s validation message and keeps the stored value', async () => {
  const { page } = browser;
  await page.goto(settingsPage());
  const digits = page.getByLabel('Digits');
  await digits.fill('11');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('The settings were not saved').waitFor();
  // The message is the server's (the config's yup rule), inline and in the alert.
  assert.ok((await page.getByText('code.digits must be at most 10').count()) >= 2);
  await shoot(page, 'admin-settings-error.png');
  const stored = await http.get('/two-factor/settings', { token });
  assert.equal(stored.body.data.code.digits, 6);
  await page.reload();
  await page.getByLabel('Digits').waitFor();
  assert.equal(await page.getByLabel('Digits').inputValue(), '6');
});

test('the test-message form sends an SMS without a code through the configured provider', async () => {
  const { page } = browser;
  await page.goto(settingsPage());
  const sent = sms.messages.length;
  await page.getByLabel('Phone number (E.164) or e-mail address').fill('+15550107777');
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByText('Test message sent to +1••••••7777').waitFor();
  const [message] = sms.messages.slice(sent);
  assert.equal(message.to, '+15550107777');
  assert.match(message.body, /test message/);
  assert.doesNotMatch(message.body, /\d{6}/, 'no code');
});

test('the user panel in the content manager shows a user\'s state, marks a factor that no longer opens, and revokes their devices', async () => {
  const user = await createUser(app.strapi, { phone: '+15550106543' });
  // The number sealed under a secret no longer configured (here: not a sealed value at all).
  await app.strapi.db.query('plugin::two-factor.factor').updateMany({ where: { userId: user.id, slot: 'phone' }, data: { secret: 'v1.not-sealed' } });
  const { page } = browser;
  await page.goto(`${app.url}/admin/content-manager/collection-types/plugin::users-permissions.user/${user.documentId}`);
  await page.getByText('SMS: +1••••••6543').waitFor();
  await page.getByText(/^unavailable: its stored secret does not open/).waitFor();
  await page.getByText('Not locked').waitFor();
  await shoot(page, 'admin-user-panel.png');
  await page.getByRole('button', { name: 'Revoke trusted devices' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('Done').first().waitFor();
  const revoked = events.filter((e) => e.name === 'two-factor.admin.devices.revoked').map((e) => e.payload.userId);
  assert.deepEqual(revoked, [user.id]);
});

test('an admin allowed only to read sees the page with every control disabled', async () => {
  const reader = await createAdmin(app.strapi, { email: 'reader@example.com', actions: ['plugin::two-factor.settings.read'] });
  const other = await launch();
  try {
    const { page } = other;
    await adminLogin(page, app.url, reader);
    await page.goto(settingsPage());
    await modeSelect(page).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Send test' }).isDisabled(), true);
    assert.equal(await methodBox(page, 'SMS').isDisabled(), true);
    assert.equal(await page.getByLabel('Digits').isDisabled(), true);
  } finally {
    await other.close();
  }
});

test('an admin without the permission sees no link and cannot open the page', async () => {
  const editor = await createAdmin(app.strapi, { email: 'editor@example.com', roleCode: 'strapi-editor' });
  const other = await launch();
  try {
    const { page } = other;
    await adminLogin(page, app.url, editor);
    await page.goto(`${app.url}/admin/settings`);
    // The settings menu is drawn once the editor's permissions are known.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Overview' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Two-factor authentication' }).count(), 0, 'no link in the settings menu');
    await page.goto(settingsPage());
    await page.getByText(/permissions to access/i).first().waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Two-factor authentication', level: 1 }).count(), 0);
    assert.equal(await page.getByRole('combobox', { name: 'Mode for Authenticated' }).count(), 0);
  } finally {
    await other.close();
  }
});
