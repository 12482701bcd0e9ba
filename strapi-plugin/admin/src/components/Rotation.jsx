// Where a secret rotation stands (read-only: `previousSecrets` lives in the project's
// config): how many previous secrets are kept, and what the last start found sealed under them.
import { Flex, Status, Typography } from '@strapi/design-system';

import { useT } from '../translate.js';

export const Rotation = ({ rotation }) => {
  const t = useT();
  const { previousSecrets, checkedAt, resealed, left, unreadable } = rotation;
  if (previousSecrets === 0) return <Typography>{t('rotation.none')}</Typography>;
  // Previous secrets are configured, but no start-up pass has run with them yet.
  if (typeof left !== 'number') return <Typography>{t('rotation.notChecked', { previousSecrets })}</Typography>;
  return (
    <Flex direction="column" alignItems="flex-start" gap={2}>
      <Typography>
        {t('rotation.checked', { previousSecrets, checkedAt: new Date(checkedAt).toLocaleString(), resealed, left, unreadable })}
      </Typography>
      <Status variant={left === 0 ? 'success' : 'warning'} size="S">
        <Typography>{t(left === 0 ? 'rotation.removable' : 'rotation.keep')}</Typography>
      </Status>
    </Flex>
  );
};
