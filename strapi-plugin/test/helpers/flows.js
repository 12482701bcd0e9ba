'use strict';

// The plugin's domain (server/src/domain.js) built over the in-memory store, a fake
// host and a clock the test moves: sign-in, enrolment and step-up run as they do in
// Strapi, with every core ruling and every conditional write, and no database or HTTP.
// What is faked is only what lies outside the domain: the host's users, the plugin
// store's rows (read by the real settings service), the delivery of messages (recorded,
// or made to fail), events, e-mail notices, logs.
const { randomBytes } = require('node:crypto');
const tf = require('two-factor-wasm');
const domain = require('../../server/src/domain');
const makeKeys = require('../../server/src/store/keys');
const makeSettings = require('../../server/src/services/settings');
const memoryStore = require('../../server/src/store/memory');
const config = require('../../server/src/config').default;
const { errors } = require('../../server/src/errors');

const START = 1_700_000_000_000;

/**
 * Builds the domain. `policies` by role type and `settings` (code settings, laid over
 * the config's) as an admin saved them; `users` the host's users, each with `roleType`; `realm` the host's kind of
 * user; `store` another world's store, for a second process on the same tables (or, with
 * `forRealm`, another kind of user on them).
 */
const build = ({ policies = {}, settings = {}, users = [], realm = 'test', store = memoryStore().forRealm(realm) } = {}) => {
  let now = START;
  const sent = [];
  const events = [];
  const failing = new Set();
  const directory = new Map(users.map((user) => [user.id, { blocked: false, confirmed: true, ...user }]));
  const pluginConfig = { ...config, secret: randomBytes(32).toString('base64') };
  // What an admin saved in the plugin store: the role policies and code settings, read
  // by the real settings and policy parts.
  const saved = { roles: policies, codes: settings };
  const strapi = {
    config: { get: (path) => pluginConfig[path.replace('plugin::two-factor.', '')] },
    store: () => ({ get: async ({ key }) => saved[key] ?? null }),
    db: {
      query: () => ({ findMany: async () => Object.entries(saved).map(([key, value]) => ({ key: `plugin_two-factor_${key}`, value: JSON.stringify(value) })) }),
    },
  };

  const adapters = { config: (key) => pluginConfig[key], log: { warn() {}, info() {} } };
  const d = domain({
    ...adapters,
    keys: makeKeys(adapters),
    store,
    clock: { now: () => now },
    settings: makeSettings({ strapi }),
    events: { emit: (name, payload) => events.push({ name, ...payload }) },
    notify: { send: async () => {} },
    delivery: {
      async send({ method, to, code }) {
        if (failing.has(method)) throw new Error(`provider refused ${to} ${code}`);
        sent.push({ method, to, code });
      },
    },
    host: {
      realm,
      findUser: async (id) => (directory.has(id) ? { ...directory.get(id) } : null),
      roleOf: async (user) => (user.roleType ? { type: user.roleType } : null),
      accountName: (user) => user.email,
      blockedError: () => new errors.ApplicationError('Your account has been blocked by an administrator'),
    },
  });
  d.keys.load();

  return {
    d,
    sent,
    events,
    tables: d.store.tables,
    /** Moves the clock on by `ms`. */
    advance: (ms) => {
      now += ms;
    },
    now: () => now,
    /** Makes deliveries by `method` fail until `restore()`. */
    fail: (method) => failing.add(method),
    restore: (method) => failing.delete(method),
    user: (id) => directory.get(id),
    block: (id) => Object.assign(directory.get(id), { blocked: true }),
    /** The last code sent, and to whom. */
    lastSent: () => sent.at(-1),
    /** The current TOTP of a base32 secret, at the test's clock. */
    totp: (base32, offsetSteps = 0) => tf.generateTotp(tf.base32Decode(base32), { time: Math.floor(now / 1000) + offsetSteps * 30 }),
  };
};

// The statuses Strapi's error middleware gives its typed errors (the plugin's own carry one).
const STATUS = { ValidationError: 400, ApplicationError: 400, ForbiddenError: 403, NotFoundError: 404, RateLimitError: 429 };

/** Runs `fn` and returns the HTTP error it throws, with its status (a test fails when it throws none). */
const refusal = async (fn) => {
  try {
    await fn();
  } catch (error) {
    error.status ??= STATUS[error.name];
    if (error.status === undefined) throw error;
    return error;
  }
  throw new Error('expected a refusal, got none');
};

module.exports = { build, refusal, START };
