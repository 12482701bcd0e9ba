'use strict';

// The one way code reaches another part of the plugin: `parts(strapi).challenges`
// instead of `strapi.plugin('two-factor').service('challenges')` written in every file,
// and `parts(strapi).host` for the kind of user the plugin serves (see host/index.js).
// Each service name is a getter, so a part is looked up when used (services exist only
// once Strapi has loaded the plugin). The host is made on first use, once per Strapi; it
// is no service, so it is there in register() and for a Strapi made of plain objects.

/**
 * @typedef {typeof import('./services')} Services
 * @typedef {{ [K in keyof Services]: ReturnType<Services[K]> } & { host: import('./host').Host, store: ReturnType<ReturnType<typeof import('./store/sql')>['forRealm']>, log: any, config: (key: string) => any }} Parts
 */

const cache = new WeakMap();

/** @returns {Parts} */
const parts = (strapi) => {
  if (!cache.has(strapi)) {
    // Required here, not at the top: the services and the host require this file.
    const services = require('./services');
    const host = require('./host');
    const reach = {};
    for (const name of Object.keys(services)) {
      Object.defineProperty(reach, name, { enumerable: true, get: () => strapi.plugin('two-factor').service(name) });
    }
    let made = null;
    Object.defineProperty(reach, 'host', { enumerable: true, get: () => (made ??= host.pick({ strapi })) });
    // The plugin's tables (store/sql.js), as the rows of the host's realm; Strapi's logger
    // and the plugin's config.
    let store = null;
    Object.defineProperty(reach, 'store', { enumerable: true, get: () => (store ??= require('./store/sql')(strapi).forRealm(reach.host.realm)) });
    Object.defineProperty(reach, 'log', { enumerable: true, get: () => strapi.log });
    Object.defineProperty(reach, 'config', { enumerable: true, value: (key) => strapi.config.get(`plugin::two-factor.${key}`) });
    cache.set(strapi, Object.freeze(reach));
  }
  return cache.get(strapi);
};

module.exports = parts;
