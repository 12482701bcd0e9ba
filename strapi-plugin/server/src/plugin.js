'use strict';

// The one way Strapi code (register, bootstrap, controllers, middlewares, the host's
// wrapped routes) reaches the domain: `parts(strapi, realm)`, the domain (domain.js) of
// one kind of user, made once per Strapi and realm over Strapi's adapters. The realm
// defaults to the host the plugin serves today (host/index.js). The server keys are
// one set per Strapi, shared by every realm.
const domain = require('./domain');
const hosts = require('./host');
const makeKeys = require('./store/keys');
const makeStore = require('./store/sql');

/** @typedef {import('./domain').Domain} Parts */

const made = new WeakMap();

/** What every realm of `strapi` shares: its keys, its tables, its config and log. */
const shared = (strapi) => {
  if (!made.has(strapi)) {
    const config = (key) => strapi.config.get(`plugin::two-factor.${key}`);
    const log = strapi.log;
    made.set(strapi, { config, log, keys: makeKeys({ config, log }), store: makeStore(strapi), realms: new Map() });
  }
  return made.get(strapi);
};

/**
 * The domain of `realm` in `strapi`. Strapi's services of the plugin (the clock,
 * settings, delivery, notices, events) are looked up when used: they exist only once
 * Strapi has loaded the plugin, and the host is already needed in register().
 * @returns {Parts}
 */
const parts = (strapi, realm = hosts.USERS_PERMISSIONS) => {
  const { config, log, keys, store, realms } = shared(strapi);
  if (!realms.has(realm)) {
    const service = (name) => strapi.plugin('two-factor').service(name);
    const host = hosts.make(realm, { strapi });
    realms.set(
      realm,
      domain({
        host,
        store: store.forRealm(host.realm),
        keys,
        config,
        log,
        get clock() {
          return service('clock');
        },
        get settings() {
          return service('settings');
        },
        get delivery() {
          return service('delivery');
        },
        get notify() {
          return service('notify');
        },
        get events() {
          return service('events');
        },
      }),
    );
  }
  return realms.get(realm);
};

/** The domain of the realm the request's route serves (its `config.realm`), else the default one. @returns {Parts} */
parts.forRoute = (strapi, ctx) => parts(strapi, ctx.state.route?.config?.realm);

module.exports = parts;
