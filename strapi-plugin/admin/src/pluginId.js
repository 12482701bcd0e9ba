// The plugin's id: the prefix of its admin routes, translations and RBAC actions.
export const PLUGIN_ID = 'two-factor';
