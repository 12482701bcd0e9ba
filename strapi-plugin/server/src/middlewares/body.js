'use strict';

// Checks a request body against the route's schema (route config: `{ name:
// 'plugin::two-factor.body', config: { schema } }`): exactly the fields the route takes,
// as strings of sane size. Anything else is a 400 before any work, and before the rate
// limiter, whose key would otherwise include a client-chosen `email` field.
const { yup } = require('../strapi-utils');
const validate = require('../validate');
const { METHODS } = require('../config/schema');

// yup's default type message quotes the value it got; a code typed as a number would
// come back in the error. Every field names its type instead.
const string = (path) => yup.string().strict().typeError(`${path} must be a string`);

const challenge = string('challenge')
  .required('challenge is required')
  .matches(/^[A-Za-z0-9_-]{43}$/, 'challenge must be the token from the login response');
const code = string('code').required('code is required').max(64, 'code is too long');
const deliveredMethod = yup.mixed().oneOf([...METHODS, undefined], `method must be one of: ${METHODS.join(', ')}`);
const body = (fields) => yup.object(fields).noUnknown(true, 'unknown field: ${unknown}').strict();

const SCHEMAS = {
  verify: body({
    challenge,
    code,
    rememberDevice: yup.boolean().strict().typeError('rememberDevice must be true or false'),
    deviceId: string('deviceId').max(256),
  }),
  resend: body({ challenge, method: deliveredMethod }),
  empty: body({}),
  code: body({ code }),
  phone: body({
    phoneNumber: string('phoneNumber')
      .required('phoneNumber is required')
      .matches(/^\+[1-9]\d{6,14}$/, 'phoneNumber must be in E.164 form, like +15551234567'),
  }),
  method: body({ method: yup.mixed().oneOf(['sms', 'email'], 'method must be sms or email').required('method is required') }),
};

module.exports = (config) => {
  const schema = SCHEMAS[config.schema];
  if (!schema) throw new Error(`strapi-plugin-two-factor: no body schema named ${config.schema}`);
  const check = validate(schema);
  return async (ctx, next) => {
    check(ctx.request.body ?? {});
    await next();
  };
};
