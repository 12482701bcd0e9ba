'use strict';

// Checks input against a yup schema and answers Strapi's 400 ValidationError, with each
// problem's path and message but never the value. (Strapi's validateYupSchema puts every
// offending value in `details.errors`, which would send a code or a password back.)
const { errors } = require('./errors');

module.exports = (schema) => (input) => {
  try {
    return schema.validateSync(input, { strict: true, abortEarly: false });
  } catch (error) {
    if (error.name !== 'ValidationError' || !Array.isArray(error.inner)) throw error;
    // Strapi's shape (message, then each problem's path, message and name), minus `value`.
    const problems = error.inner.length > 0 ? error.inner : [error];
    throw new errors.ValidationError(error.message, {
      errors: problems.map((problem) => ({ path: problem.path ? problem.path.split('.') : [], message: problem.message, name: problem.name })),
    });
  }
};
