'use strict';

// The host: the one kind of user the plugin serves, with its auth routes, its login
// response and its signed-in user. The rest of the plugin (factors, flow, store) knows
// users only as ids and rows with `id`, `email` and `blocked`, and reaches the host only
// through this interface, as `parts(strapi).host` (plugin.js). Today the host is always
// users-permissions; Strapi admins become one more module beside it.

/**
 * @typedef {{ id: number, email?: string | null, blocked?: boolean | null, role?: Role | null }} User
 * @typedef {{ id?: number, type: string, name: string }} Role
 * @typedef {import('koa').Context} Context
 *
 * @typedef {object} Host
 * @property {string} realm
 *   The kind of user, as the plugin's tables key their rows: `'users-permissions'`.
 * @property {() => void} install
 *   From register(): puts the second step in front of every host route that can mint a
 *   token, and marks each wrapped action.
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
 * @property {(ctx: Context, userId: number) => Promise<void>} withdraw
 *   Takes back the token a stock route just put in `ctx.body` (and its session).
 * @property {(user: User, ctx: Context) => Promise<object>} sanitizeUser
 *   The user as the host's login response shows it.
 * @property {() => boolean} cookieSecure
 *   Whether the host's cookies are `secure`; the plugin's own cookies follow it.
 * @property {(ctx: Context) => boolean} usesRefreshCookie
 *   Whether this request's session travels in an httpOnly cookie rather than the body.
 * @property {(ctx: Context) => Promise<User | null>} caller
 *   The signed-in user of the request (its JWT or access token), or null.
 * @property {(onChange: (userId: number) => unknown) => void} watchCredentials
 *   From bootstrap(): calls `onChange(userId)` after any write changes a user's password,
 *   block or role, whichever path made it.
 */

const usersPermissions = require('./users-permissions');

/** The users-permissions realm. */
const USERS_PERMISSIONS = usersPermissions.REALM;

/** The host for `strapi`: today always users-permissions. @returns {Host} */
const pick = ({ strapi }) => usersPermissions({ strapi });

// The mark on every wrapped action, and the users-permissions actions that answer with a
// token: the startup tests build their fake routes from them.
const { WRAPPED, TOKEN_ACTIONS } = usersPermissions;

module.exports = { USERS_PERMISSIONS, pick, WRAPPED, TOKEN_ACTIONS };
