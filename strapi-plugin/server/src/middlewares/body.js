'use strict';

// Checks a request body against the route's schema (route config: `{ name:
// 'plugin::two-factor.body', config: { schema } }`): exactly the fields the route takes,
// as strings of sane size. Anything else is a 400 before any work, and before the rate
// limiter, whose key would otherwise include a client-chosen `email` field.
const { yup } = require('../strapi-utils');
const validate = require('../validate');
const { errors } = require('../errors');
const { METHODS } = require('../config/schema');
const { TOKEN } = require('../token-shape');
const { ENROLMENTS } = require('../factors');

// Type errors need no message here: validate() answers each with the field and the type
// it wants, never with the value (a code sent as a number would otherwise come back).
const challenge = yup
  .string()
  .required('challenge is required')
  .matches(TOKEN, 'challenge must be the token from the login response');
const { code } = validate;
const deliveredMethod = yup.mixed().oneOf([...METHODS, undefined], `method must be one of: ${METHODS.join(', ')}`);
const body = (fields) => yup.object(fields).noUnknown(true, 'unknown field: ${unknown}').strict();

const SCHEMAS = {
  verify: body({
    challenge,
    code,
    rememberDevice: yup.boolean(),
    deviceId: validate.deviceId,
  }),
  resend: body({ challenge, method: deliveredMethod }),
  empty: body({}),
  code: body({ code }),
  // Each factor's enrolment setup: `<path>Setup`, the fields the factor declares.
  ...Object.fromEntries(ENROLMENTS.map(({ path, setupBody }) => [`${path}Setup`, body(setupBody)])),
  method: body({ method: yup.mixed().oneOf(['sms', 'email'], 'method must be sms or email').required('method is required') }),
};

/**
 * Whether every string in a parsed JSON body is well-formed UTF-16. JSON can carry a lone
 * surrogate (`"\ud800"`), which the core refuses: it must be a 400 here, not a 500 there.
 */
const wellFormed = (value) => {
  if (typeof value === 'string') return value.isWellFormed();
  if (value !== null && typeof value === 'object') return Object.values(value).every(wellFormed);
  return true;
};

module.exports = (config) => {
  if (!Object.hasOwn(SCHEMAS, config.schema)) throw new Error(`strapi-plugin-two-factor: no body schema named ${config.schema}`);
  const check = validate(SCHEMAS[config.schema]);
  return async (ctx, next) => {
    const input = ctx.request.body ?? {};
    if (!wellFormed(input)) throw new errors.ValidationError('The request body holds text that is not well-formed (a lone surrogate)');
    check(input);
    await next();
  };
};
