'use strict';

// Admin routes, under /two-factor/..., each behind the admin JWT and one RBAC action.
const can = (action) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [`plugin::two-factor.${action}`] } }],
});

module.exports = {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/settings', handler: 'admin.getSettings', config: can('settings.read') },
    { method: 'PUT', path: '/settings', handler: 'admin.updateSettings', config: can('settings.update') },
    { method: 'POST', path: '/settings/test-message', handler: 'admin.sendTestMessage', config: can('settings.update') },
    { method: 'GET', path: '/users/:id', handler: 'admin.getUser', config: can('users.manage') },
    { method: 'POST', path: '/users/:id/unlock', handler: 'admin.unlockUser', config: can('users.manage') },
    { method: 'POST', path: '/users/:id/reset', handler: 'admin.resetUser', config: can('users.manage') },
    { method: 'DELETE', path: '/users/:id/devices', handler: 'admin.revokeDevices', config: can('users.manage') },
  ],
};
