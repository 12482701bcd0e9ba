  // strapi-plugin-two-factor: everyone in the Authenticated role signs in in two steps.
  'two-factor': {
    config: {
      secret: env('TWO_FACTOR_SECRET'), // openssl rand -base64 32
      roles: { authenticated: { enforcement: 'required', methods: ['totp', 'sms', 'email'] } },
    },
  },
  // E-mail codes go through Strapi's e-mail plugin; here with its nodemailer provider.
  email: {
    config: {
      provider: 'nodemailer',
      providerOptions: { host: env('SMTP_HOST'), port: env.int('SMTP_PORT', 587) },
      settings: { defaultFrom: 'no-reply@example.com' },
    },
  },
