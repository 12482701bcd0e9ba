'use strict';

// What a flow answers: plain values, which the host turns into its HTTP answer
// (host/answer.js). A refusal is no outcome: a flow throws it as one of the plugin's or
// Strapi's HTTP errors (errors.js) at the step that refuses, so no later step can run.

/**
 * @typedef {{ token: string, expiresAt: number }} Device A trusted device's new token, and when its trust ends.
 * @typedef {{ respond: { user: object, extra: object, device: Device | null, undo: (() => Promise<void>) | null } }
 *   | { challenge: object } | { body: object }} Outcome
 */

/**
 * The host's own login response for `user`, plus `extra` and a trusted device's new
 * token. `undo` gives back what the step spent when the host cannot build the response
 * (a session store that failed): a right code is never burnt by a 500.
 * @returns {Outcome}
 */
const respond = (user, extra = {}, device = null, undo = null) => ({ respond: { user, extra, device, undo } });

/** The 401 that carries a new challenge's `details`. @returns {Outcome} */
const challenge = (details) => ({ challenge: details });

/** A 200 with `body` as it is. @returns {Outcome} */
const body = (value) => ({ body: value });

/** A 200 with `{ data }`. @returns {Outcome} */
const data = (value) => body({ data: value });

module.exports = { respond, challenge, body, data };
