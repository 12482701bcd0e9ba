'use strict';

// The playground's admin panel is built (`strapi build`, about 30 s to 2 min) when it is
// missing or older than the plugin's admin source, and reused otherwise: the demo and the
// browser test call this before they start Strapi.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const APP_DIR = path.resolve(__dirname, '../tests/playground');
const INDEX = path.join(APP_DIR, 'build', 'index.html');
const ADMIN_SRC = path.resolve(__dirname, '../strapi-plugin/admin/src');
const STRAPI_BIN = path.join(path.dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');

/** The newest modification time of a file under `dir`. */
const newest = (dir) =>
  Math.max(
    ...fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs;
    }),
  );

const upToDate = () => fs.existsSync(INDEX) && fs.statSync(INDEX).mtimeMs > newest(ADMIN_SRC);

/** Builds the admin panel unless an up-to-date build exists; throws when the build fails. */
const ensureAdminBuild = () => {
  if (upToDate()) return;
  console.log('Building the playground admin panel (strapi build) ...');
  const result = spawnSync(process.execPath, [STRAPI_BIN, 'build'], {
    cwd: APP_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', STRAPI_TELEMETRY_DISABLED: 'true' },
  });
  if (result.status !== 0 || !fs.existsSync(INDEX)) throw new Error(`strapi build failed (exit ${result.status})`);
};

module.exports = { ensureAdminBuild, APP_DIR, STRAPI_BIN };

if (require.main === module) ensureAdminBuild();
