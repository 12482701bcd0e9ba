'use strict';

// The yup schemas: the plugin config (checked at startup) and one role's policy (also
// checked when an admin changes it).
const { yup } = require('../strapi-utils');
const { LIMITS } = require('two-factor-wasm');

const METHODS = ['totp', 'sms', 'email'];
const ENFORCEMENTS = ['off', 'optional', 'required'];
const SMS_PROVIDERS = ['console', 'twilio', 'webhook', 'custom'];

// yup's default type message quotes the value: a secret of the wrong type would be
// printed in the startup error. These name the setting only.
const secretString = (path) => yup.string().typeError(`${path} must be a string`);

const TRUSTED_DEVICE_DAYS = [0, 90];

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
    methods: yup
      .array(yup.mixed().oneOf(METHODS, `each method must be one of: ${METHODS.join(', ')}`))
      .min(1, 'methods must list at least one method')
      .required('methods is required'),
    trustedDeviceDays: int('trustedDeviceDays', ...TRUSTED_DEVICE_DAYS),
  })
  .noUnknown(true, 'unknown key in a role policy: ${unknown}')
  .strict();

/** Policies keyed by role type, one for each of `types`. */
const rolePolicies = (types) => yup.object(Object.fromEntries(types.map((type) => [type, rolePolicySchema])));

const providerOptions = {
  console: yup.object({}).noUnknown(true, 'sms.options: the console provider takes no options (${unknown})'),
  twilio: yup
    .object({
      accountSid: secretString('sms.options.accountSid').required('sms.options.accountSid is required for twilio'),
      authToken: secretString('sms.options.authToken').required('sms.options.authToken is required for twilio'),
      from: yup.string().required('sms.options.from is required for twilio'),
      baseUrl: yup.string().url('sms.options.baseUrl must be a URL'),
      timeoutMs: int('sms.options.timeoutMs', 100, 60_000),
    })
    .noUnknown(true, 'unknown key in sms.options for twilio: ${unknown}'),
  webhook: yup
    .object({
      url: yup.string().url('sms.options.url must be a URL').required('sms.options.url is required for webhook'),
      secret: secretString('sms.options.secret').min(32, 'sms.options.secret must be at least 32 characters'),
      headers: yup.object(),
      timeoutMs: int('sms.options.timeoutMs', 100, 60_000),
    })
    .noUnknown(true, 'unknown key in sms.options for webhook: ${unknown}'),
  custom: yup
    .object({
      send: yup
        .mixed()
        .test('is-function', 'sms.options.send must be an async function ({ to, code, message, user })', (v) => typeof v === 'function'),
    })
    .noUnknown(true, 'unknown key in sms.options for custom: ${unknown}'),
};

// The code settings an admin may also change in the admin panel, checked by the same rules
// there as here. RANGES is also what the settings page shows as each field's bounds.
const RANGES = {
  code: {
    digits: [LIMITS.MIN_CODE_DIGITS, LIMITS.MAX_CODE_DIGITS],
    ttlSeconds: [LIMITS.MIN_CODE_TTL_SECONDS, LIMITS.MAX_CODE_TTL_SECONDS],
    maxAttempts: [LIMITS.MIN_ATTEMPTS, LIMITS.MAX_ATTEMPTS],
  },
  resend: { cooldownSeconds: [0, LIMITS.MAX_RESEND_COOLDOWN_SECONDS], maxResends: [0, LIMITS.MAX_RESENDS] },
  lockout: { threshold: [1, LIMITS.MAX_LOCKOUT_THRESHOLD], durationSeconds: [LIMITS.MIN_LOCKOUT_SECONDS, LIMITS.MAX_LOCKOUT_SECONDS] },
};

const codeSettings = Object.fromEntries(
  Object.entries(RANGES).map(([group, fields]) => [
    group,
    yup
      .object(Object.fromEntries(Object.entries(fields).map(([name, [min, max]]) => [name, int(`${group}.${name}`, min, max)])))
      .noUnknown(true, `unknown key in ${group}: \${unknown}`),
  ]),
);

const schema = yup
  .object({
    secret: secretString('secret').nullable(),
    previousSecrets: yup.array(secretString('previousSecrets[]').required('previousSecrets must hold base64 strings')),
    ...codeSettings,
    defaultPolicy: rolePolicySchema,
    roles: yup.lazy((roles) => rolePolicies(Object.keys(roles ?? {}))),
    appName: yup.string().max(64, 'appName must be at most 64 characters'),
    totp: yup
      .object({
        issuer: yup.string().nullable().max(64, 'totp.issuer must be at most 64 characters').test('no-colon', 'totp.issuer must not contain ":"', (v) => !v?.includes(':')),
        window: int('totp.window', 0, LIMITS.MAX_WINDOW),
      })
      .noUnknown(true, 'unknown key in totp: ${unknown}'),
    notifications: yup.boolean(),
    sms: yup
      .object({
        provider: yup.mixed().oneOf(SMS_PROVIDERS, `sms.provider must be one of: ${SMS_PROVIDERS.join(', ')}`),
        options: yup.lazy((_, { parent }) => providerOptions[parent.provider] ?? yup.object()),
      })
      .noUnknown(true, 'unknown key in sms: ${unknown}'),
    messages: yup
      .object({
        sms: yup.string().test('has-code', 'messages.sms must contain {code}', (v) => v === undefined || v.includes('{code}')),
        emailSubject: yup.string(),
        emailText: yup.string().test('has-code', 'messages.emailText must contain {code}', (v) => v === undefined || v.includes('{code}')),
        emailHtml: yup.string().test('has-code', 'messages.emailHtml must contain {code}', (v) => v === undefined || v.includes('{code}')),
        notificationSubject: yup.string(),
        notificationText: yup.string(),
        testSubject: yup.string(),
        test: yup.string().test('no-code', 'messages.test must not contain {code}: a test message carries no code', (v) => !v?.includes('{code}')),
      })
      .noUnknown(true, 'unknown key in messages: ${unknown}'),
    email: yup.object({ from: yup.string() }).noUnknown(true, 'unknown key in email: ${unknown}'),
  })
  .noUnknown(true, 'unknown key in the two-factor config: ${unknown}');

/**
 * An admin's change from the settings page: policies for some of `roleTypes` (an unknown
 * role is refused), and whole groups of code settings, by the same rules as the config.
 */
const adminSettingsSchema = (roleTypes) =>
  yup
    .object({
      roles: yup.lazy((roles) =>
        rolePolicies(Object.keys(roles ?? {}).filter((type) => roleTypes.includes(type)))
          .typeError('roles must be an object of role type to policy')
          .noUnknown(true, 'unknown role: ${unknown}'),
      ),
      ...codeSettings,
    })
    .noUnknown(true, 'unknown setting: ${unknown}')
    .strict();

module.exports = { METHODS, ENFORCEMENTS, RANGES, TRUSTED_DEVICE_DAYS, rolePolicySchema, codeSettings, schema, adminSettingsSchema };
