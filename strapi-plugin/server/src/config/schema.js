'use strict';

// The yup schemas: the plugin config (checked at startup) and one role's policy (also
// checked when an admin changes it).
const { yup } = require('../strapi-utils');
const { LIMITS } = require('two-factor-wasm');

const METHODS = Object.values(require('../names').METHODS);
const ENFORCEMENTS = ['off', 'optional', 'required'];
const SMS_PROVIDERS = ['console', 'twilio', 'webhook', 'custom'];

// yup's default type message quotes the value (security.md #30): a secret of the wrong
// type would be printed in the startup error. Every node names its setting instead.
const text = (path) => yup.string().typeError(`${path} must be a string`);
const flag = (path) => yup.boolean().typeError(`${path} must be true or false`);
const list = (path, of) => yup.array(of).typeError(`${path} must be a list`);
/** A group of settings: an object with exactly `fields`; `unknown` names an extra key. */
const group = (path, fields, unknown = `unknown key in ${path}: \${unknown}`) =>
  yup.object(fields).typeError(`${path} must be an object`).noUnknown(true, unknown);

// 0 turns trusted devices off for the role; otherwise the core's range of days.
const TRUSTED_DEVICE_DAYS = [LIMITS.TRUSTED_DEVICE_DAYS_OFF, LIMITS.MAX_TRUSTED_DEVICE_DAYS];

const int = (path, min, max) =>
  yup
    .number()
    .typeError(`${path} must be a number`)
    .integer(`${path} must be a whole number`)
    .min(min, `${path} must be at least ${min}`)
    .max(max, `${path} must be at most ${max}`);

const rolePolicySchema = yup
  .object({
    enforcement: yup.mixed().oneOf(ENFORCEMENTS, `enforcement must be one of: ${ENFORCEMENTS.join(', ')}`).required('enforcement is required'),
    methods: list('methods', yup.mixed().oneOf(METHODS, `each method must be one of: ${METHODS.join(', ')}`))
      .min(1, 'methods must list at least one method')
      // A repeated method would be offered (and echoed in every challenge) twice.
      .test('unique', 'methods must not list a method twice', (methods) => !methods || new Set(methods).size === methods.length)
      .required('methods is required'),
    trustedDeviceDays: int('trustedDeviceDays', ...TRUSTED_DEVICE_DAYS),
  })
  .typeError('a role policy must be an object')
  .noUnknown(true, 'unknown key in a role policy: ${unknown}')
  .strict();

/** The problems yup finds in `value`, reported at `path`. */
const problemsOf = (schema, value, path) => {
  try {
    schema.validateSync(value, { strict: true, abortEarly: false, path });
    return [];
  } catch (error) {
    if (!yup.ValidationError.isError(error)) throw error;
    return error.inner.length > 0 ? error.inner : [error];
  }
};

/**
 * Policies keyed by role type, for the roles `known(type)` accepts. Role types are names
 * admins choose ("constructor", "__proto__": security.md #29), so they never become the
 * keys of a yup object, whose table of fields is a plain object: each entry is checked on
 * its own, at its own path.
 */
const rolePolicies = (known) =>
  yup
    .object()
    .typeError('roles must be an object of role type to policy')
    .test('role-policies', function checkEach(roles) {
      if (roles === undefined) return true;
      const problems = Object.entries(roles).flatMap(([type, policy]) =>
        known(type) ? problemsOf(rolePolicySchema, policy, `${this.path}.${type}`) : [this.createError({ message: `unknown role: ${type}` })],
      );
      if (problems.length === 0) return true;
      return new yup.ValidationError(this.options.abortEarly ? problems[0] : problems);
    });

const providerOptions = {
  console: group('sms.options', {}, 'sms.options: the console provider takes no options (${unknown})'),
  twilio: group(
    'sms.options',
    {
      accountSid: text('sms.options.accountSid').required('sms.options.accountSid is required for twilio'),
      authToken: text('sms.options.authToken').required('sms.options.authToken is required for twilio'),
      from: text('sms.options.from').required('sms.options.from is required for twilio'),
      baseUrl: text('sms.options.baseUrl').url('sms.options.baseUrl must be a URL'),
      timeoutMs: int('sms.options.timeoutMs', 100, 60_000),
    },
    'unknown key in sms.options for twilio: ${unknown}',
  ),
  webhook: group(
    'sms.options',
    {
      url: text('sms.options.url').url('sms.options.url must be a URL').required('sms.options.url is required for webhook'),
      secret: text('sms.options.secret').min(LIMITS.MIN_WEBHOOK_SECRET_CHARS, `sms.options.secret must be at least ${LIMITS.MIN_WEBHOOK_SECRET_CHARS} characters`),
      headers: yup.object().typeError('sms.options.headers must be an object'),
      timeoutMs: int('sms.options.timeoutMs', 100, 60_000),
    },
    'unknown key in sms.options for webhook: ${unknown}',
  ),
  custom: group(
    'sms.options',
    {
      send: yup
        .mixed()
        .test('is-function', 'sms.options.send must be an async function ({ to, code, message, user })', (v) => typeof v === 'function'),
    },
    'unknown key in sms.options for custom: ${unknown}',
  ),
};

// The code settings an admin may also change in the admin panel, checked by the same rules
// there as here. RANGES is also what the settings page shows as each field's bounds.
const RANGES = {
  code: {
    digits: [LIMITS.MIN_CODE_DIGITS, LIMITS.MAX_CODE_DIGITS],
    ttlSeconds: [LIMITS.MIN_CODE_TTL_SECONDS, LIMITS.MAX_CODE_TTL_SECONDS],
    maxAttempts: [LIMITS.MIN_ATTEMPTS, LIMITS.MAX_ATTEMPTS],
  },
  resend: {
    cooldownSeconds: [LIMITS.MIN_RESEND_COOLDOWN_SECONDS, LIMITS.MAX_RESEND_COOLDOWN_SECONDS],
    maxResends: [LIMITS.MIN_RESENDS, LIMITS.MAX_RESENDS],
  },
  lockout: {
    threshold: [LIMITS.MIN_LOCKOUT_THRESHOLD, LIMITS.MAX_LOCKOUT_THRESHOLD],
    durationSeconds: [LIMITS.MIN_LOCKOUT_SECONDS, LIMITS.MAX_LOCKOUT_SECONDS],
  },
  // What messages may cost: codes sent per account per hour (SMS and e-mail apart), per
  // phone number per hour, and new numbers per account per day.
  caps: {
    smsPerHour: [LIMITS.MIN_RATE_CAP, LIMITS.MAX_RATE_CAP],
    emailPerHour: [LIMITS.MIN_RATE_CAP, LIMITS.MAX_RATE_CAP],
    perNumberPerHour: [LIMITS.MIN_RATE_CAP, LIMITS.MAX_RATE_CAP],
    newNumbersPerDay: [LIMITS.MIN_RATE_CAP, LIMITS.MAX_RATE_CAP],
  },
};

const codeSettings = Object.fromEntries(
  Object.entries(RANGES).map(([name, fields]) => [
    name,
    group(name, Object.fromEntries(Object.entries(fields).map(([field, [min, max]]) => [field, int(`${name}.${field}`, min, max)]))),
  ]),
);

const anyRole = () => true;

const schema = yup
  .object({
    secret: text('secret').nullable(),
    previousSecrets: list('previousSecrets', text('previousSecrets[]').required('previousSecrets must hold base64 strings')),
    ...codeSettings,
    defaultPolicy: rolePolicySchema,
    roles: rolePolicies(anyRole),
    appName: text('appName').max(64, 'appName must be at most 64 characters'),
    totp: group('totp', {
      issuer: text('totp.issuer')
        .nullable()
        .max(64, 'totp.issuer must be at most 64 characters')
        .test('no-colon', 'totp.issuer must not contain ":"', (v) => !v?.includes(':')),
      window: int('totp.window', LIMITS.MIN_WINDOW, LIMITS.MAX_WINDOW),
    }),
    notifications: flag('notifications'),
    sms: group('sms', {
      provider: yup.mixed().oneOf(SMS_PROVIDERS, `sms.provider must be one of: ${SMS_PROVIDERS.join(', ')}`),
      // The provider is the app's choice, checked just above; an own-property lookup all the same.
      options: yup.lazy((_, { parent }) => (Object.hasOwn(providerOptions, parent.provider) ? providerOptions[parent.provider] : yup.object())),
      // E.164 country calling codes ('1', '44'); empty: every country.
      allowedCountries: list(
        'sms.allowedCountries',
        text('sms.allowedCountries[]').matches(/^[1-9]\d{0,2}$/, 'sms.allowedCountries must hold country calling codes such as "1" or "44"'),
      ),
    }),
    messages: group('messages', {
      sms: text('messages.sms').test('has-code', 'messages.sms must contain {code}', (v) => v === undefined || v.includes('{code}')),
      emailSubject: text('messages.emailSubject'),
      emailText: text('messages.emailText').test('has-code', 'messages.emailText must contain {code}', (v) => v === undefined || v.includes('{code}')),
      emailHtml: text('messages.emailHtml').test('has-code', 'messages.emailHtml must contain {code}', (v) => v === undefined || v.includes('{code}')),
      notificationSubject: text('messages.notificationSubject'),
      notificationText: text('messages.notificationText'),
      testSubject: text('messages.testSubject'),
      test: text('messages.test').test('no-code', 'messages.test must not contain {code}: a test message carries no code', (v) => !v?.includes('{code}')),
    }),
    email: group('email', { from: text('email.from') }),
  })
  .typeError('the two-factor config must be an object')
  .noUnknown(true, 'unknown key in the two-factor config: ${unknown}');

/**
 * An admin's change from the settings page: policies for some of `roleTypes` (an unknown
 * role is refused), and groups of code settings, by the same rules as the config.
 */
const adminSettingsSchema = (roleTypes) =>
  yup
    .object({
      roles: rolePolicies((type) => roleTypes.includes(type)),
      ...codeSettings,
    })
    .noUnknown(true, 'unknown setting: ${unknown}')
    .strict();

module.exports = { METHODS, ENFORCEMENTS, RANGES, TRUSTED_DEVICE_DAYS, codeSettings, schema, adminSettingsSchema };
