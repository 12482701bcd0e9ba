// The plugin's RBAC actions, registered by the server in bootstrap().
const action = (name) => [{ action: `plugin::two-factor.${name}`, subject: null }];

export const PERMISSIONS = {
  readSettings: action('settings.read'),
  updateSettings: action('settings.update'),
  manageUsers: action('users.manage'),
};
