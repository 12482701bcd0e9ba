// Every string the admin side shows is in translations/en.json; the English text there is
// also the default when a locale has no translation.
import { useIntl } from 'react-intl';

import { PLUGIN_ID } from './pluginId.js';
import en from './translations/en.json';

/** A react-intl message descriptor for `key`. */
export const trad = (key) => ({ id: `${PLUGIN_ID}.${key}`, defaultMessage: en[key] });

/** `t(key, values)`: the translated string. */
export const useT = () => {
  const { formatMessage } = useIntl();
  return (key, values) => formatMessage(trad(key), values);
};
