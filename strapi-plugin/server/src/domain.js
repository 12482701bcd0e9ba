'use strict';

// The plugin's domain for one kind of user (a realm, served by its host), made in this
// one place. Each part is `(d) => part` and reaches the others as `d.name` when it runs,
// so an editor follows `d.challenges` to flow/challenges.js and the order below does not
// matter. What the domain takes from outside, the `Adapters`, comes from Strapi
// (plugin.js) or from a test (test/helpers/flows.js). Sign-in, enrolment and the
// account's own changes are in flow/, one module per factor in factors/, and the
// tables behind `d.store` in store/.
const accounts = require('./flow/accounts');
const challenges = require('./flow/challenges');
const limits = require('./flow/limits');
const caps = require('./flow/caps');
const devices = require('./flow/devices');
const policy = require('./flow/policy');
const credentials = require('./flow/credentials');
const codes = require('./flow/codes');
const signIn = require('./flow/sign-in');
const enrolment = require('./flow/enrolment');
const account = require('./flow/account');
const verify = require('./flow/verify');
const factors = require('./factors');
const recovery = require('./factors/recovery');

/**
 * @typedef {object} Adapters
 * @property {import('./host').Host} host The kind of user served, and its auth routes.
 * @property {ReturnType<ReturnType<typeof import('./store/sql')>['forRealm']>} store
 *   The plugin's tables, as the rows of the host's realm (store/sql.js; store/memory.js in tests).
 * @property {ReturnType<typeof import('./store/keys')>} keys The server keys, one set for every realm.
 * @property {(key: string) => any} config The plugin's config.
 * @property {{ warn: (line: string) => void, info: (line: string) => void }} log
 * @property {{ now: () => number }} clock The one place the time is read (unix ms).
 * @property {ReturnType<typeof import('./services/settings')>} settings The code settings and stored role policies.
 * @property {ReturnType<typeof import('./services/delivery')>} delivery Sends a code by SMS or e-mail.
 * @property {ReturnType<typeof import('./services/notify')>} notify E-mails a user about a change to their account.
 * @property {ReturnType<typeof import('./services/events')>} events `two-factor.*` events.
 */

/**
 * @typedef {Adapters & {
 *   accounts: ReturnType<typeof accounts>,
 *   challenges: ReturnType<typeof challenges>,
 *   limits: ReturnType<typeof limits>,
 *   caps: ReturnType<typeof caps>,
 *   devices: ReturnType<typeof devices>,
 *   policy: ReturnType<typeof policy>,
 *   credentials: ReturnType<typeof credentials>,
 *   codes: ReturnType<typeof codes>,
 *   signIn: ReturnType<typeof signIn>,
 *   enrolment: ReturnType<typeof enrolment>,
 *   account: ReturnType<typeof account>,
 *   verify: ReturnType<typeof verify>,
 *   factors: ReturnType<typeof factors>,
 *   recovery: ReturnType<typeof recovery>,
 * }} Domain
 */

/**
 * The domain over `adapters`. Their properties are copied as they are, getters included,
 * so an adapter Strapi makes only once the plugin is loaded is looked up when used.
 * @param {Adapters} adapters
 * @returns {Domain}
 */
const domain = (adapters) => {
  const d = /** @type {Domain} */ (Object.defineProperties({}, Object.getOwnPropertyDescriptors(adapters)));
  Object.assign(d, {
    accounts: accounts(d),
    challenges: challenges(d),
    limits: limits(d),
    caps: caps(d),
    devices: devices(d),
    policy: policy(d),
    credentials: credentials(d),
    codes: codes(d),
    signIn: signIn(d),
    enrolment: enrolment(d),
    account: account(d),
    verify: verify(d),
    factors: factors(d),
    recovery: recovery(d),
  });
  return Object.freeze(d);
};

module.exports = domain;
