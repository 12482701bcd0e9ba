'use strict';

// Checks a request body against a yup schema and answers Strapi's 400 ValidationError,
// with each problem's path and message and never anything the client sent
// (security.md #30):
// - Strapi's validateYupSchema puts every offending value in `details.errors`;
// - yup's default type message quotes the value it got (a code sent as a number, a
//   password sent as an array), so every type error is answered with the field and the
//   type it wants, whatever message the schema carries;
// - a body that is not an object (text/plain, a JSON array) is refused before any field
//   is read.
const { yup } = require('./strapi-utils');
const { errors } = require('./errors');
const { LIMITS } = require('two-factor-wasm');

const WANTED = { string: 'a string', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list', date: 'a date' };

// strapi_sessions.device_id, where users-permissions keeps a refresh session's deviceId:
// a Strapi `string` attribute of admin::session, which Strapi's database layer makes a
// varchar(255). A longer one fails the session insert with a 500 after the login (and
// its challenge) was already spent.
const DEVICE_ID_MAX = 255;
const DEVICE_ID_TOO_LONG = `deviceId must be at most ${DEVICE_ID_MAX} characters`;

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `input` when it is an object; otherwise the 400, which quotes none of it. */
const object = (input) => {
  if (!isObject(input)) throw new errors.ValidationError('The request body must be an object, sent as JSON');
  return input;
};

/** A problem's message, which never quotes the value: a type error names the field and the type it wants. */
const messageOf = (problem) =>
  problem.type === 'typeError' ? `${problem.path || 'the value'} must be ${WANTED[problem.params?.type] ?? 'of another type'}` : problem.message;

const validate = (schema) => (input) => {
  object(input);
  try {
    return schema.validateSync(input, { strict: true, abortEarly: false });
  } catch (error) {
    if (!yup.ValidationError.isError(error)) throw error;
    // Strapi's shape (message, then each problem's path, message and name), minus `value`.
    const problems = (error.inner.length > 0 ? error.inner : [error]).map((problem) => ({
      path: problem.path ? problem.path.split('.') : [],
      message: messageOf(problem),
      name: problem.name,
    }));
    throw new errors.ValidationError(problems.length === 1 ? problems[0].message : `${problems.length} errors occurred`, { errors: problems });
  }
};

module.exports = Object.assign(validate, {
  object,
  isObject,
  /** The verify route's deviceId: a string the session column holds. */
  deviceId: yup.string().max(DEVICE_ID_MAX, DEVICE_ID_TOO_LONG),
  /** A one-time code, as a verify or confirm body carries it. */
  code: yup.string().required('code is required').max(LIMITS.MAX_CODE_BYTES, 'code is too long'),
  /** A live code of a factor the user already has, asked for when they add or replace one (the flow says when it is required). */
  proofCode: yup.string().max(LIMITS.MAX_CODE_BYTES, 'code is too long'),
  /** users-permissions' routes read a deviceId only when it is a string; that one must fit the column too. */
  stockDeviceId: yup.mixed().test('fits-column', DEVICE_ID_TOO_LONG, (value) => typeof value !== 'string' || value.length <= DEVICE_ID_MAX),
});
