'use strict';

// Checks the body of the /auth/2fa routes: exactly the fields each route takes, as
// strings of sane size. Anything else is a 400 before any work or rate-limit key.
const { yup, validateYupSchema } = require('@strapi/utils');
const { METHODS } = require('../config/schema');

const challenge = yup
  .string()
  .strict()
  .required('challenge is required')
  .matches(/^[A-Za-z0-9_-]{43}$/, 'challenge must be the token from the login response');

const schemas = {
  '/auth/2fa/verify': yup
    .object({ challenge, code: yup.string().strict().required('code is required').max(64, 'code is too long'), deviceId: yup.string().strict().max(256) })
    .noUnknown(true, 'unknown field: ${unknown}')
    .strict(),
  '/auth/2fa/resend': yup
    .object({ challenge, method: yup.mixed().oneOf([...METHODS, undefined], `method must be one of: ${METHODS.join(', ')}`) })
    .noUnknown(true, 'unknown field: ${unknown}')
    .strict(),
};

module.exports = () => async (ctx, next) => {
  const path = Object.keys(schemas).find((suffix) => ctx.request.path.endsWith(suffix));
  await validateYupSchema(schemas[path], { strict: true })(ctx.request.body ?? {});
  await next();
};
