'use strict';

// Debian's Chromium (never a downloaded browser) driven by playwright-core, headless, with
// a fresh profile directory per launch that is removed on close.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const EXECUTABLE = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const available = () => fs.existsSync(EXECUTABLE);

/**
 * A browser with its own new profile (Playwright passes it as --user-data-dir). Returns
 * `{ page, errors, close }`; `errors` collects uncaught page errors.
 */
const launch = async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'two-factor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 1400 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    page,
    errors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
};

/** Signs in on the admin panel's login page and waits for the home page. */
const adminLogin = async (page, baseUrl, { email, password }) => {
  await page.goto(`${baseUrl}/admin/auth/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL(/\/admin\/?$/, { timeout: 60_000 });
};

module.exports = { available, launch, adminLogin, EXECUTABLE };
