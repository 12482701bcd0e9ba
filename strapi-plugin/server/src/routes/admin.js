'use strict';

const can = (action) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [`plugin::two-factor.${action}`] } }],
});

module.exports = {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/policies', handler: 'admin.getPolicies', config: can('settings.read') },
    { method: 'PUT', path: '/policies', handler: 'admin.updatePolicies', config: can('settings.update') },
    { method: 'POST', path: '/users/:id/unlock', handler: 'admin.unlockUser', config: can('users.unlock') },
  ],
};
