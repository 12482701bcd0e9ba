// The table of users-permissions roles: mode, allowed methods and trusted-device days,
// edited in place. `policies` is the draft, by role type; `onChange(type, policy)`.
import {
  Checkbox,
  Flex,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';

import { useT } from '../translate.js';

export const RolePolicies = ({ roles, policies, options, onChange, disabled }) => {
  const t = useT();
  const [minDays, maxDays] = options.trustedDeviceDays;

  return (
    <Table colCount={4} rowCount={roles.length + 1}>
      <Thead>
        <Tr>
          {['roles.role', 'roles.mode', 'roles.methods', 'roles.trustedDeviceDays'].map((key) => (
            <Th key={key}>
              <Typography variant="sigma">{t(key)}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {roles.map(({ type, name }) => {
          const policy = policies[type];
          const set = (change) => onChange(type, { ...policy, ...change });
          const toggle = (method, on) => set({ methods: options.methods.filter((m) => (m === method ? on : policy.methods.includes(m))) });
          return (
            <Tr key={type} data-role={type}>
              <Td>
                <Typography fontWeight="bold">{name}</Typography>
              </Td>
              <Td>
                <SingleSelect
                  aria-label={t('roles.modeFor', { role: name })}
                  value={policy.enforcement}
                  onChange={(enforcement) => set({ enforcement })}
                  disabled={disabled}
                  size="S"
                >
                  {options.enforcements.map((mode) => (
                    <SingleSelectOption key={mode} value={mode}>
                      {t(`mode.${mode}`)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Td>
              <Td>
                <Flex gap={4}>
                  {options.methods.map((method) => (
                    <Checkbox
                      key={method}
                      aria-label={t('roles.methodFor', { method: t(`method.${method}`), role: name })}
                      checked={policy.methods.includes(method)}
                      onCheckedChange={(checked) => toggle(method, checked === true)}
                      disabled={disabled}
                    >
                      {t(`method.${method}`)}
                    </Checkbox>
                  ))}
                </Flex>
              </Td>
              <Td>
                <NumberInput
                  aria-label={t('roles.daysFor', { role: name })}
                  title={t('roles.daysHint')}
                  value={policy.trustedDeviceDays ?? 0}
                  onValueChange={(days) => set({ trustedDeviceDays: days ?? null })}
                  min={minDays}
                  max={maxDays}
                  disabled={disabled}
                  size="S"
                />
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
};
