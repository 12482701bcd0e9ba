'use strict';

// What an admin changes on the settings page, kept in the plugin store so that every
// process sees it at once: role policies under 'roles', and the code settings (digits,
// lifetime and attempts of a code, the resend rules, the lockout) under 'codes'. The
// config seeds both; a stored value takes precedence, role by role and group by group.
//
// A save is one transaction that holds a lock from before its read until its commit, so
// concurrent saves on any number of processes each lay their change over what the one
// before them stored (security.md #25), and roles and code settings are stored together
// or not at all.
const { codeSettings, adminSettingsSchema } = require('../config/schema');
const validate = require('../validate');
const parts = require('../plugin');

const GROUPS = Object.keys(codeSettings);
const STORE = { type: 'plugin', name: 'two-factor' };
const STORED_KEYS = ['roles', 'codes'];
// Where the start-up pass that seals again records what it found, for the settings page.
const ROTATION_KEY = 'rotation';
const CORE_STORE_UID = 'strapi::core-store';


// How a save keeps every other save out, per database, from before its read to its commit.
const LOCKS = {
  // A transaction-scoped advisory lock: it also covers the first save, when there is no
  // row yet to lock, and it is released by the commit or the rollback.
  postgres: (trx) => trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['strapi-plugin-two-factor.settings']),
  // Every row of the store table, locked for update. A row of ours may not exist yet, but
  // Strapi keeps its own entries in that table, so two first saves still meet on a lock.
  // (The lock is taken before any plain read, which in InnoDB fixes the snapshot.)
  mysql: (trx, table) => trx(table).select('id').forUpdate(),
  // Strapi gives SQLite one connection: an open transaction already keeps every other query out.
  sqlite: async () => {},
};

/** Each group of `patch` laid over `current` (an edit may name only the values it changes); anything else is left for the schema to refuse. */
const layOver = (patch, current) =>
  Object.fromEntries(
    Object.entries(patch).map(([name, values]) => [name, validate.isObject(values) && Object.hasOwn(current, name) ? { ...current[name], ...values } : values]),
  );

module.exports = ({ strapi }) => {
  const store = () => strapi.store(STORE);
  const lock = (trx) => LOCKS[strapi.db.dialect.client](trx, strapi.db.metadata.get(CORE_STORE_UID).tableName);

  /** `{ code, resend, lockout }` in force given the stored groups: each value from the store where an admin set it, else from the config. */
  const inForce = (saved) =>
    Object.fromEntries(GROUPS.map((name) => [name, { ...strapi.config.get(`plugin::two-factor.${name}`), ...saved[name] }]));

  return {
    /** The last start-up pass that sealed stored values again (store/reseal.js), or null. */
    rotation: async () => (await store().get({ key: ROTATION_KEY })) ?? null,
    recordRotation: (value) => store().set({ key: ROTATION_KEY, value }),

    /** What the store holds under `key` ('roles' or 'codes'), `{}` before the first save. */
    async stored(key) {
      return (await store().get({ key })) ?? {};
    },

    /**
     * Both keys in one read, `{ roles, codes }`, for a sign-in that needs the role's
     * policy and the code settings. The rows are the plugin store's own (key
     * `plugin_two-factor_<key>`, a JSON object), read as `stored` reads them.
     */
    async snapshot() {
      const keys = Object.fromEntries(STORED_KEYS.map((key) => [`${STORE.type}_${STORE.name}_${key}`, key]));
      const rows = await strapi.db.query(CORE_STORE_UID).findMany({ where: { key: { $in: Object.keys(keys) }, environment: null, tag: null } });
      const saved = Object.fromEntries(STORED_KEYS.map((key) => [key, {}]));
      for (const row of rows) saved[keys[row.key]] = JSON.parse(row.value) ?? {};
      return saved;
    },

    /** The code settings in force: `{ code, resend, lockout, caps }`, from `saved` (a snapshot's `codes`) or the store. */
    async get(saved) {
      return inForce(saved ?? (await this.stored('codes')));
    },

    /**
     * Stores an admin's change, `{ roles?: { <type>: policy }, code?, resend?, lockout? }`,
     * after checking it as a whole by the config's rules (a group may be partial). Only
     * what it names changes. Returns `{ policies, codes }`, what it stored; a change that
     * is refused stores nothing.
     */
    async change(input) {
      const { roles, ...groups } = validate.object(input);
      const roleTypes = (await parts(strapi).host.roles()).map(({ type }) => type);
      const check = validate(adminSettingsSchema(roleTypes));
      return strapi.db.transaction(async ({ trx }) => {
        await lock(trx);
        const saved = { roles: await this.stored('roles'), codes: await this.stored('codes') };
        const { roles: policies = {}, ...codes } = check({ roles, ...layOver(groups, inForce(saved.codes)) });
        if (Object.keys(policies).length > 0) await store().set({ key: 'roles', value: { ...saved.roles, ...policies } });
        if (Object.keys(codes).length > 0) await store().set({ key: 'codes', value: { ...saved.codes, ...codes } });
        return { policies, codes };
      });
    },
  };
};
