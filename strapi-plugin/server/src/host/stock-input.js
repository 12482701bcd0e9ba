'use strict';

// users-permissions' auth actions check their input with yup: a wrong type gets yup's
// default message, which quotes the value (a password sent as a number), and every
// problem goes out with its `value` in `details.errors` (a password too long, a reset
// code): security.md #30. Each action that reads input gets the plugin's type check
// first, and its own validation errors back without the values. Well-typed input meets
// the stock rules and messages unchanged; unknown fields are still theirs to judge.
const { yup } = require('../strapi-utils');
const validate = require('../validate');

const strings = (names, extra = {}) => yup.object({ ...Object.fromEntries(names.map((name) => [name, yup.string()])), ...extra });
// The routes that open a refresh session read a deviceId from the body.
const session = { deviceId: validate.stockDeviceId };

/** What each action reads (`body` or `query`), and the types it must have. */
const INPUTS = {
  register: { from: 'body', check: validate(strings(['username', 'email', 'password'], session)) },
  forgotPassword: { from: 'body', check: validate(strings(['email'])) },
  resetPassword: { from: 'body', check: validate(strings(['code', 'password', 'passwordConfirmation'], session)) },
  changePassword: { from: 'body', check: validate(strings(['currentPassword', 'password', 'passwordConfirmation'], session)) },
  sendEmailConfirmation: { from: 'body', check: validate(strings(['email'])) },
  emailConfirmation: { from: 'query', check: validate(strings(['confirmation'])) },
};

/** A stock validation error without the values it carries; any other error as it is. */
const withoutValues = (error) => {
  if (error?.name === 'ValidationError' && Array.isArray(error.details?.errors)) {
    error.details = { ...error.details, errors: error.details.errors.map(({ value, ...problem }) => problem) };
  }
  return error;
};

const guard =
  (action, { from, check }) =>
  async (ctx, ...rest) => {
    check(from === 'body' ? (ctx.request.body ?? {}) : ctx.query);
    try {
      return await action(ctx, ...rest);
    } catch (error) {
      throw withoutValues(error);
    }
  };

/** The users-permissions auth controller with each action that reads input guarded. */
module.exports = (auth) => ({
  ...auth,
  ...Object.fromEntries(Object.entries(INPUTS).map(([name, input]) => [name, guard(auth[name], input)])),
});
