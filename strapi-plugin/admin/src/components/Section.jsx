// One white box of the settings page: a heading, a line of explanation, then its content.
import { Box, Flex, Typography } from '@strapi/design-system';

export const Section = ({ title, description, children }) => (
  <Box background="neutral0" hasRadius shadow="filterShadow" paddingTop={6} paddingBottom={6} paddingLeft={7} paddingRight={7}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {description}
        </Typography>
      </Flex>
      {children}
    </Flex>
  </Box>
);
