// The playground's plugin settings. Everything a test or the demo varies comes from the
// environment, so one app serves both.
module.exports = ({ env }) => ({
  'users-permissions': {
    config: {
      jwtManagement: env('UP_JWT_MANAGEMENT', 'refresh'),
      sessions: {
        httpOnly: env.bool('UP_SESSIONS_HTTPONLY', true),
        // Over plain HTTP on 127.0.0.1 a `secure` cookie cannot be sent. Behind TLS (or a
        // trusted proxy) in production, leave this unset so it follows NODE_ENV.
        cookie: { secure: env.bool('UP_COOKIE_SECURE', false) },
      },
      ratelimit: { enabled: env.bool('UP_RATELIMIT', true) },
    },
  },
  ...(env('SMTP_HOST')
    ? {
        email: {
          config: {
            provider: 'nodemailer',
            providerOptions: {
              host: env('SMTP_HOST'),
              port: env.int('SMTP_PORT', 25),
              secure: false,
              ignoreTLS: env.bool('SMTP_IGNORE_TLS', false),
            },
            settings: { defaultFrom: 'no-reply@playground.test', defaultReplyTo: 'no-reply@playground.test' },
          },
        },
      }
    : {}),
  graphql: { config: { depthLimit: 10, defaultLimit: 25, maxLimit: 100 } },
  'two-factor': {
    // Off only for the login benchmark's stock baseline.
    enabled: env.bool('TWO_FACTOR_ENABLED', true),
    // Another copy of the plugin, by its folder: the upgrade test boots an earlier version.
    ...(env('TWO_FACTOR_PLUGIN_PATH') ? { resolve: env('TWO_FACTOR_PLUGIN_PATH') } : {}),
    config: {
      secret: env('TWO_FACTOR_SECRET'),
      // A rotation: the secrets before TWO_FACTOR_SECRET, comma-separated, most recent first.
      previousSecrets: env.array('TWO_FACTOR_PREVIOUS_SECRETS', []),
      roles: {
        authenticated: { enforcement: 'required', methods: ['totp', 'sms', 'email'], trustedDeviceDays: 30 },
      },
      appName: 'Playground',
      sms: {
        // E.164 calling codes phone setup accepts, comma-separated; unset: every country.
        allowedCountries: env.array('TWO_FACTOR_SMS_COUNTRIES', []),
        ...(env('TWO_FACTOR_SMS_PROVIDER', 'console') === 'twilio'
          ? {
              provider: 'twilio',
              options: {
                accountSid: env('TWILIO_ACCOUNT_SID'),
                authToken: env('TWILIO_AUTH_TOKEN'),
                from: env('TWILIO_FROM'),
                baseUrl: env('TWILIO_BASE_URL', 'https://api.twilio.com'),
                timeoutMs: env.int('TWILIO_TIMEOUT_MS', 10000),
              },
            }
          : { provider: 'console', options: {} }),
      },
    },
  },
});
