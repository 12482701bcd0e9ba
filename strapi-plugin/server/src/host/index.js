'use strict';

// The host: the one kind of user the plugin serves, with its auth routes, its login
// response and its signed-in user. The rest of the plugin (factors, flow, store) knows
// users only as ids and rows with `id`, `email` and `blocked`, and reaches the host only
// through this interface, as `d.host` in the domain of its realm (plugin.js, domain.js).
// Each host is one module, registered in `HOSTS` under its realm; today users-permissions,
// and Strapi admins become one more beside it.

/**
 * @typedef {{ id: number, email?: string | null, blocked?: boolean | null, role?: Role | null }} User
 * @typedef {{ id?: number, type: string, name: string }} Role
 * @typedef {import('koa').Context} Context
 *
 * @typedef {object} Host
 * @property {string} realm
 *   The kind of user, as the plugin's tables key their rows: `'users-permissions'`.
 * @property {(signIn: import('../domain').Domain['signIn']) => void} install
 *   From register(): puts the second step (`signIn`, the sign-in flow of the host's realm)
 *   in front of every host route that can mint a token, and marks each wrapped action.
 * @property {() => Promise<void>} prepare
 *   From bootstrap(): one-off work that must not fall on the first login.
 * @property {() => string[] | Promise<string[]>} selfCheck
 *   The startup self-check of the host's routes: a sentence for every route that could
 *   mint a token ungated, or that the plugin does not know; empty when all is well.
 * @property {(id: number, options?: { withRole?: boolean }) => Promise<User | null>} findUser
 *   The user row, or null; with its role populated when `withRole` is true.
 * @property {(user: User) => Promise<Role | null>} roleOf
 *   The user's role (the populated one, else looked up), or null.
 * @property {() => Promise<Array<{ type: string, name: string }>>} roles
 *   Every role, oldest first.
 * @property {(ctx: Context, user: User, extra?: object) => Promise<unknown>} respond
 *   Answers `ctx` with exactly the host's own login response for `user`, plus `extra`.
 * @property {(user: User) => string} accountName
 *   How the user is named in an authenticator app (the otpauth URI's account label).
 * @property {() => Error} blockedError
 *   The host's own refusal of a blocked user, for the holder of a challenge (who proved
 *   the password) when the user was blocked since.
 * @property {(ctx: Context, device: import('../flow/outcome').Device) => object} handDevice
 *   Hands a trusted device its new token the host's way (a cookie, say); returns what to
 *   add to the login response's body for it.
 * @property {(ctx: Context) => { deviceToken?: string, userAgent?: string }} request
 *   What the sign-in flow reads of a request: the trusted device's token it carries, and
 *   its user agent (a remembered device's label).
 * @property {(ctx: Context) => Promise<User | null>} caller
 *   The signed-in user of the request (its JWT or access token), or null.
 * @property {(onChange: (userId: number) => unknown) => void} watchCredentials
 *   From bootstrap(): calls `onChange(userId)` after any write changes a user's password,
 *   block or role, whichever path made it.
 */

const usersPermissions = require('./users-permissions');

/** The users-permissions realm. */
const USERS_PERMISSIONS = usersPermissions.REALM;

/** Every host, by its realm. */
const HOSTS = { [USERS_PERMISSIONS]: usersPermissions };

/** The host of `realm` in `strapi`. @returns {Host} */
const make = (realm, { strapi }) => {
  if (!Object.hasOwn(HOSTS, realm)) throw new Error(`strapi-plugin-two-factor: no host serves the realm "${realm}"`);
  return HOSTS[realm]({ strapi });
};

// The mark on every wrapped action, and the users-permissions actions that answer with a
// token: the startup tests build their fake routes from them.
const { WRAPPED, TOKEN_ACTIONS } = usersPermissions;

module.exports = { USERS_PERMISSIONS, make, WRAPPED, TOKEN_ACTIONS };
