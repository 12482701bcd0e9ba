// The plugin's admin panel entry: the settings page (Settings → Two-factor
// authentication) and a side panel in the content manager's user edit view.
import { UserPanel } from './components/UserPanel.jsx';
import { PERMISSIONS } from './permissions.js';
import { PLUGIN_ID } from './pluginId.js';
import { trad } from './translate.js';

export default {
  register(app) {
    app.registerPlugin({ id: PLUGIN_ID, name: trad('plugin.name').defaultMessage });
  },

  bootstrap(app) {
    // Listed only for admins who may read the settings; the page checks again.
    app.addSettingsLink('global', {
      id: PLUGIN_ID,
      to: PLUGIN_ID,
      intlLabel: trad('settings.link'),
      permissions: PERMISSIONS.readSettings,
      Component: () => import('./pages/Settings.jsx'),
    });
    app.getPlugin('content-manager').apis.addEditViewSidePanel([UserPanel]);
  },

  async registerTrads({ locales }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { locale, data: Object.fromEntries(Object.entries(data).map(([key, text]) => [`${PLUGIN_ID}.${key}`, text])) };
        } catch {
          return { locale, data: {} };
        }
      }),
    );
  },
};
