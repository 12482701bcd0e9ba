'use strict';

// Plugin configuration: defaults here, overridden in the app's config/plugins.js under
// 'two-factor'. Strapi calls the validator at startup and refuses to boot on an error.
const { LIMITS } = require('two-factor-wasm');
const { schema } = require('./schema');

module.exports = {
  default: {
    // Base64 of at least 32 random bytes (`openssl rand -base64 32`). Required in
    // production; in development a random key is made per process when it is missing.
    secret: process.env.TWO_FACTOR_SECRET ?? null,
    // Secrets rotated out: stored code hashes and sealed TOTP secrets made under them
    // keep working (TOTP secrets are sealed again under \`secret\` at their next use).
    previousSecrets: [],
    code: {
      digits: LIMITS.DEFAULT_CODE_DIGITS,
      ttlSeconds: LIMITS.DEFAULT_CODE_TTL_SECONDS,
      maxAttempts: LIMITS.DEFAULT_ATTEMPTS,
    },
    resend: {
      cooldownSeconds: LIMITS.DEFAULT_RESEND_COOLDOWN_SECONDS,
      maxResends: LIMITS.DEFAULT_RESENDS,
    },
    lockout: {
      threshold: LIMITS.DEFAULT_LOCKOUT_THRESHOLD,
      durationSeconds: LIMITS.DEFAULT_LOCKOUT_SECONDS,
    },
    // What sending codes may cost, whoever asks: past a cap no message goes out (429),
    // and a user with an authenticator app still signs in with it.
    caps: {
      smsPerHour: LIMITS.DEFAULT_SENDS_PER_HOUR,
      emailPerHour: LIMITS.DEFAULT_SENDS_PER_HOUR,
      perNumberPerHour: LIMITS.DEFAULT_SENDS_PER_NUMBER_PER_HOUR,
      newNumbersPerDay: LIMITS.DEFAULT_NEW_NUMBERS_PER_DAY,
    },
    // The policy of a role that has none in the plugin store or in `roles`.
    // trustedDeviceDays (0..90): how long a device the user chose to trust skips the
    // second step; 0 turns trusted devices off for the role.
    defaultPolicy: { enforcement: 'off', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 0 },
    // Initial policies by role type, e.g. { authenticated: { enforcement: 'required', ... } }.
    // An admin's edit (stored in the plugin store) takes precedence.
    roles: {},
    appName: 'Strapi',
    // Authenticator apps: the issuer they show (default: appName) and the drift window.
    totp: { issuer: null, window: 1 },
    // E-mail the user when a factor is added or removed, recovery codes are regenerated
    // or two-factor is turned off.
    notifications: true,
    // allowedCountries: E.164 calling codes (['1', '44']) that phone setup accepts; [] for all.
    sms: { provider: 'console', options: {}, allowedCountries: [] },
    messages: {
      sms: '{code} is your {appName} sign-in code. It expires in {minutes} minutes.',
      emailSubject: 'Your {appName} sign-in code',
      emailText: 'Your {appName} sign-in code is {code}.\n\nIt expires in {minutes} minutes. If you did not try to sign in, change your password.',
      notificationSubject: 'Your {appName} sign-in security changed',
      notificationText: '{event}\n\nIf this was not you, reset your password and contact an administrator.',
      // The admin panel's "send a test message" (SMS body, or e-mail subject and text).
      testSubject: '{appName}: a test of sign-in codes',
      test: 'This is a test message from {appName}. Sign-in codes sent this way will reach you.',
      emailHtml:
        '<p>Your {appName} sign-in code is</p><p style="font-size:28px;letter-spacing:4px;font-weight:bold">{code}</p><p>It expires in {minutes} minutes. If you did not try to sign in, change your password.</p>',
    },
    email: {},
  },
  validator(config) {
    try {
      schema.validateSync(config, { strict: true, abortEarly: true });
    } catch (error) {
      throw new Error(`strapi-plugin-two-factor: invalid config: ${error.message}`);
    }
  },
};
