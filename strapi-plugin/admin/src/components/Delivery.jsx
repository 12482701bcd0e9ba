// Which SMS and e-mail providers send the codes (read-only: they live in the project's
// config), and a form that sends a test message, without a code, to what the admin types.
import * as React from 'react';

import { Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, Status, TextInput, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification, useAPIErrorHandler } from '@strapi/strapi/admin';

import { PLUGIN_ID } from '../pluginId.js';
import { useT } from '../translate.js';

/** One provider: its name, a detail (sender, endpoint), and whether it really sends (SMS only). */
const Provider = ({ label, name, configured, detail }) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography fontWeight="bold">{name}</Typography>
      {detail ? <Typography variant="pi">{detail}</Typography> : null}
      {configured === undefined ? null : (
        <Status variant={configured ? 'success' : 'warning'} size="S">
          <Typography>{t(configured ? 'delivery.configured' : 'delivery.notConfigured')}</Typography>
        </Status>
      )}
    </Flex>
  );
};

const TestMessage = ({ canSend }) => {
  const t = useT();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const [method, setMethod] = React.useState('sms');
  const [to, setTo] = React.useState('');
  const [sending, setSending] = React.useState(false);

  const send = async (event) => {
    event.preventDefault();
    setSending(true);
    try {
      const { data } = await post(`/${PLUGIN_ID}/settings/test-message`, { method, to: to.trim() });
      toggleNotification({ type: 'success', message: t('test.sent', { destination: data.data.destination }) });
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <Box tag="form" onSubmit={send} paddingTop={2}>
      <Typography variant="omega" fontWeight="bold" tag="h3">
        {t('test.title')}
      </Typography>
      <Flex gap={4} alignItems="flex-end" paddingTop={3} wrap="wrap">
        <Field.Root name="test-method">
          <Field.Label>{t('test.method')}</Field.Label>
          <SingleSelect value={method} onChange={setMethod} disabled={!canSend}>
            <SingleSelectOption value="sms">{t('method.sms')}</SingleSelectOption>
            <SingleSelectOption value="email">{t('method.email')}</SingleSelectOption>
          </SingleSelect>
        </Field.Root>
        <Box grow={1}>
          <Field.Root name="test-to">
            <Field.Label>{t('test.to')}</Field.Label>
            <TextInput value={to} onChange={(e) => setTo(e.target.value)} disabled={!canSend} autoComplete="off" />
          </Field.Root>
        </Box>
        <Button type="submit" variant="secondary" loading={sending} disabled={!canSend || to.trim() === ''}>
          {t('test.send')}
        </Button>
      </Flex>
    </Box>
  );
};

export const Delivery = ({ delivery, canSend }) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Grid.Root gap={5}>
        <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
          <Provider
            label={t('delivery.sms')}
            name={delivery.sms.provider}
            configured={delivery.sms.configured}
            detail={delivery.sms.from ? t('delivery.from', { from: delivery.sms.from }) : delivery.sms.endpoint}
          />
        </Grid.Item>
        <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
          <Provider
            label={t('delivery.email')}
            name={delivery.email.provider}
            detail={delivery.email.from ? t('delivery.from', { from: delivery.email.from }) : null}
          />
        </Grid.Item>
      </Grid.Root>
      <TestMessage canSend={canSend} />
    </Flex>
  );
};
