'use strict';

// The plugin's HTTP errors, answered as `{ data: null, error: { status, name, message,
// details } }` over REST and as `extensions.error` over GraphQL.
//
// They are http-errors instances, not subclasses of Strapi's UnauthorizedError or
// ForbiddenError: Strapi's route authorisation middleware catches those two classes from
// downstream and answers a bare 401/403, dropping the details a client needs (the
// challenge). Both come from the running Strapi's own copies (see strapi-utils.js).
const { errors, createHttpError } = require('./strapi-utils');

const httpError = (status, name, message, details) => createHttpError(status, message, { name, details });

/** 401: the password was right; a second step is due. `details` carries the challenge. */
const twoFactorRequired = (details) =>
  httpError(401, 'TwoFactorRequiredError', 'Two-factor authentication is required. Send the code with the challenge.', details);

/** 401: the challenge is unknown, expired, used or out of attempts. It never revives. */
const challengeClosed = (reason) =>
  httpError(401, 'ChallengeClosedError', 'This sign-in challenge is no longer valid. Sign in again.', { reason });

/** 403: the role requires a second step the user has no way to receive. */
const noMethod = () =>
  httpError(
    403,
    'TwoFactorUnavailableError',
    'Two-factor authentication is required for this account, but it has no method to receive a code. Contact an administrator.',
    {},
  );

/** 403 with its message kept (Strapi's own ForbiddenError would lose it, see above). */
const forbidden = (message) => httpError(403, 'ForbiddenError', message, {});

/** 503: the code could not be delivered; the challenge stays usable and is in `details`. */
const deliveryFailed = (
  method,
  details,
  message = `The ${method === 'sms' ? 'SMS' : 'e-mail'} provider could not deliver the code. Try resending it.`,
) => httpError(503, 'DeliveryFailedError', message, details);

/** 409: another request changed the same thing at the same moment; nothing of this one was kept. */
const conflict = (message) => httpError(409, 'ConflictError', message, {});

module.exports = { twoFactorRequired, challengeClosed, noMethod, forbidden, deliveryFailed, conflict, errors };
