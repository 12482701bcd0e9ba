// Settings → Two-factor authentication: role policies and code settings, edited as one
// draft; Save sends what changed in one request. The server checks it with the config's
// own rules and stores all of it or nothing; its messages are shown here as they come.
// Delivery and secret rotation are only shown: they are not part of the draft.
import * as React from 'react';

import { Alert, Button, Flex, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import { CodeSettings } from '../components/CodeSettings.jsx';
import { Delivery } from '../components/Delivery.jsx';
import { RolePolicies } from '../components/RolePolicies.jsx';
import { Rotation } from '../components/Rotation.jsx';
import { Section } from '../components/Section.jsx';
import { PERMISSIONS } from '../permissions.js';
import { PLUGIN_ID } from '../pluginId.js';
import { useT } from '../translate.js';

const URL = `/${PLUGIN_ID}/settings`;

/**
 * The editable part of what the server sent: policies by role type, and every group of
 * code settings the server gives ranges for (code, resend, lockout, caps, ...).
 */
const draftOf = (data) => ({
  roles: Object.fromEntries(data.roles.map(({ type, policy }) => [type, policy])),
  ...Object.fromEntries(Object.keys(data.options.ranges).map((group) => [group, data[group]])),
});

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Only what the admin changed: the roles and the groups of code settings that differ from
 * what the server sent. What is saved overrides config/plugins.js, so nothing untouched
 * is frozen by a save.
 */
const changesOf = (draft, original) => {
  const roles = Object.fromEntries(Object.entries(draft.roles).filter(([type, policy]) => !same(policy, original.roles[type])));
  const groups = Object.entries(draft).filter(([group, values]) => group !== 'roles' && !same(values, original[group]));
  return { ...(Object.keys(roles).length > 0 ? { roles } : {}), ...Object.fromEntries(groups) };
};

/** The server's validation problems as `[{ path, message }]` (one entry for any other error). */
const problemsOf = (error, formatAPIError) => {
  const apiError = error?.response?.data?.error;
  const listed = apiError?.details?.errors;
  if (Array.isArray(listed) && listed.length > 0) return listed.map(({ path, message }) => ({ path: path.join('.'), message }));
  return [{ path: '', message: apiError?.message ?? formatAPIError(error) }];
};

const SettingsPage = () => {
  const t = useT();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const {
    isLoading: checkingPermissions,
    allowedActions: { canUpdate },
  } = useRBAC({ update: PERMISSIONS.updateSettings });

  const [data, setData] = React.useState(null);
  const [draft, setDraft] = React.useState(null);
  const [loadFailed, setLoadFailed] = React.useState(false);
  const [problems, setProblems] = React.useState([]);
  const [saving, setSaving] = React.useState(false);

  const show = (fresh) => {
    setData(fresh);
    setDraft(draftOf(fresh));
  };

  React.useEffect(() => {
    get(URL)
      .then(({ data: body }) => show(body.data))
      .catch(() => setLoadFailed(true));
    // `get` changes identity on every render; the settings are read once per visit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (loadFailed) return <Page.Error content={t('settings.loadError')} />;
  if (checkingPermissions || !data) return <Page.Loading />;

  const save = async () => {
    setSaving(true);
    try {
      const { data: body } = await put(URL, changesOf(draft, draftOf(data)));
      show(body.data);
      setProblems([]);
      toggleNotification({ type: 'success', message: t('settings.saved') });
    } catch (error) {
      const found = problemsOf(error, formatAPIError);
      setProblems(found);
      toggleNotification({ type: 'danger', message: found.map((p) => p.message).join('; ') });
    } finally {
      setSaving(false);
    }
  };

  const roleName = Object.fromEntries(data.roles.map(({ type, name }) => [type, name]));
  // "roles.<type>.<field>" is shown with the role's name; code settings by their own path.
  const label = (path) => {
    const [head, type] = path.split('.');
    return head === 'roles' && roleName[type] ? `${roleName[type]}: ` : '';
  };
  const fieldErrors = Object.fromEntries(problems.filter((p) => !p.path.startsWith('roles')).map((p) => [p.path, p.message]));
  const changed = !same(draft, draftOf(data));

  return (
    <Page.Main aria-busy={saving}>
      <Page.Title>{t('settings.title')}</Page.Title>
      <Layouts.Header
        title={t('settings.title')}
        subtitle={t('settings.subtitle')}
        primaryAction={
          <Button onClick={save} startIcon={<Check />} loading={saving} disabled={!canUpdate || !changed} size="S">
            {t('settings.save')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {problems.length > 0 ? (
            <Alert
              variant="danger"
              title={t('settings.errors.title')}
              closeLabel={t('settings.errors.close')}
              onClose={() => setProblems([])}
            >
              <Flex direction="column" alignItems="flex-start" tag="span">
                {problems.map((p) => (
                  <Typography key={`${p.path}:${p.message}`} tag="span">
                    {label(p.path)}
                    {p.message}
                  </Typography>
                ))}
              </Flex>
            </Alert>
          ) : null}
          <Section title={t('roles.title')} description={t('roles.description')}>
            <RolePolicies
              roles={data.roles}
              policies={draft.roles}
              options={data.options}
              disabled={!canUpdate}
              onChange={(type, policy) => setDraft({ ...draft, roles: { ...draft.roles, [type]: policy } })}
            />
          </Section>
          <Section title={t('codes.title')} description={t('codes.description')}>
            <CodeSettings
              values={draft}
              ranges={data.options.ranges}
              errors={fieldErrors}
              disabled={!canUpdate}
              onChange={(group, values) => setDraft({ ...draft, [group]: values })}
            />
          </Section>
          <Section title={t('delivery.title')} description={t('delivery.description')}>
            <Delivery delivery={data.delivery} canSend={canUpdate} />
          </Section>
          {data.rotation ? (
            <Section title={t('rotation.title')} description={t('rotation.description')}>
              <Rotation rotation={data.rotation} />
            </Section>
          ) : null}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

const ProtectedSettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.readSettings}>
    <SettingsPage />
  </Page.Protect>
);

export default ProtectedSettingsPage;
