// The code settings: one number field per value, grouped as the config groups them
// (code, resend, lockout, caps), each with its allowed range and the server's error, if any.
import { Field, Grid, NumberInput } from '@strapi/design-system';

import { useT } from '../translate.js';

export const CodeSettings = ({ values, ranges, errors, onChange, disabled }) => {
  const t = useT();
  const fields = Object.entries(ranges).flatMap(([group, names]) =>
    Object.entries(names).map(([name, [min, max]]) => ({ group, name, min, max, path: `${group}.${name}` })),
  );

  return (
    <Grid.Root gap={5}>
      {fields.map(({ group, name, min, max, path }) => (
        <Grid.Item key={path} col={4} s={6} xs={12} direction="column" alignItems="stretch">
          <Field.Root name={path} hint={t('codes.range', { min, max })} error={errors[path]}>
            <Field.Label>{t(`codes.${path}`)}</Field.Label>
            <NumberInput
              value={values[group][name]}
              onValueChange={(value) => onChange(group, { ...values[group], [name]: value ?? null })}
              disabled={disabled}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
      ))}
    </Grid.Root>
  );
};
