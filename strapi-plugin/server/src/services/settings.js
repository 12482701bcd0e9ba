'use strict';

// The code settings in force: digits, lifetime and attempts of a code, the resend rules
// and the lockout. `config/plugins.js` sets them; an admin's change (kept in the plugin
// store, so every process sees it at once) takes precedence, group by group.
const { codeSettings } = require('../config/schema');

const STORE_KEY = 'codes';
const GROUPS = Object.keys(codeSettings);

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

module.exports = ({ strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: 'two-factor' });
  const stored = async () => (await store().get({ key: STORE_KEY })) ?? {};

  return {
    /** `{ code, resend, lockout }`: each value from the store where an admin set it, else from the config. */
    async get() {
      const saved = await stored();
      return Object.fromEntries(GROUPS.map((group) => [group, { ...strapi.config.get(`plugin::two-factor.${group}`), ...saved[group] }]));
    },

    /**
     * The groups of `patch` laid over the settings in force, for checking as a whole (an
     * edit may name only the values it changes). Anything that is not an object is left
     * as it is, for the schema to refuse.
     */
    async laidOver(patch) {
      const current = await this.get();
      return Object.fromEntries(
        Object.entries(patch).map(([group, values]) => [group, isPlainObject(values) && isPlainObject(current[group]) ? { ...current[group], ...values } : values]),
      );
    },

    /** Stores groups already checked against the config schema. */
    async save(groups) {
      await store().set({ key: STORE_KEY, value: { ...(await stored()), ...groups } });
    },
  };
};
