// A side panel in the content manager's edit view of a users-permissions user: the user's
// two-factor state (never a secret or a full number), and the admin's actions on it.
// Shown only to admins with `plugin::two-factor.users.manage`.
import * as React from 'react';

import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { ConfirmDialog, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import { PERMISSIONS } from '../permissions.js';
import { PLUGIN_ID } from '../pluginId.js';
import { useT } from '../translate.js';

const USER_MODEL = 'plugin::users-permissions.user';

const Line = ({ children }) => (
  <Typography variant="pi" textColor="neutral700">
    {children}
  </Typography>
);

/** Under a method whose stored secret opens under none of the configured secrets. */
const Unavailable = () => {
  const t = useT();
  return (
    <Typography variant="pi" textColor="danger600">
      {t('user.unavailable')}
    </Typography>
  );
};

/** A button that asks before it acts. */
const Confirmed = ({ label, question, onConfirm, variant = 'danger-light' }) => (
  <Dialog.Root>
    <Dialog.Trigger>
      <Button variant={variant} size="S" fullWidth>
        {label}
      </Button>
    </Dialog.Trigger>
    <ConfirmDialog onConfirm={onConfirm}>{question}</ConfirmDialog>
  </Dialog.Root>
);

const UserTwoFactor = ({ userId }) => {
  const t = useT();
  const { get, post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const [state, setState] = React.useState(null);
  const [failed, setFailed] = React.useState(false);
  const url = `/${PLUGIN_ID}/users/${userId}`;

  const load = React.useCallback(
    () =>
      get(url)
        .then(({ data }) => setState(data.data))
        .catch(() => setFailed(true)),
    // `get` changes identity on every render; the user's id is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [url],
  );
  React.useEffect(() => {
    load();
  }, [load]);

  const act = (request) => async () => {
    try {
      await request();
      toggleNotification({ type: 'success', message: t('user.done') });
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error) });
    }
    await load();
  };

  if (failed) return <Line>{t('user.loadError')}</Line>;
  if (!state) return null;

  const when = (iso) => (iso ? new Date(iso).toLocaleString() : t('user.never'));
  const unavailable = state.unavailable ?? [];
  return (
    <Flex direction="column" alignItems="stretch" gap={2} width="100%">
      <Line>
        {t('user.totp')}: {state.methods.totp ? t('user.enrolled') : t('user.none')}
      </Line>
      {unavailable.includes('totp') ? <Unavailable /> : null}
      <Line>
        {t('user.sms')}: {state.methods.sms ?? t('user.none')}
      </Line>
      {unavailable.includes('sms') ? <Unavailable /> : null}
      <Line>
        {t('user.status')}: {state.locked ? t('user.locked', { until: when(state.lockedUntil) }) : t('user.unlocked')}
      </Line>
      <Line>{t('user.failures', { count: state.failures })}</Line>
      <Line>
        {t('user.lastVerifiedAt')}: {when(state.lastVerifiedAt)}
      </Line>
      <Line>{t('user.recoveryCodes', { count: state.recoveryCodesRemaining })}</Line>
      <Line>{t('user.trustedDevices', { count: state.trustedDevices })}</Line>
      {state.locked || state.failures > 0 ? (
        <Button variant="secondary" size="S" fullWidth onClick={act(() => post(`${url}/unlock`, {}))}>
          {t('user.unlock')}
        </Button>
      ) : null}
      <Confirmed label={t('user.revoke')} question={t('user.revokeConfirm')} onConfirm={act(() => del(`${url}/devices`))} />
      <Confirmed label={t('user.reset')} question={t('user.resetConfirm')} onConfirm={act(() => post(`${url}/reset`, {}))} />
    </Flex>
  );
};

/** The panel description for the content manager; null for other models and new entries. */
export const UserPanel = ({ model, document }) => {
  const t = useT();
  const { allowedActions } = useRBAC({ manage: PERMISSIONS.manageUsers });
  if (model !== USER_MODEL || !document?.id || !allowedActions.canManage) return null;
  return { title: t('user.title'), content: <UserTwoFactor userId={document.id} /> };
};
