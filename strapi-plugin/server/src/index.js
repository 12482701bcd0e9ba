'use strict';

module.exports = {
  register: require('./register'),
  bootstrap: require('./bootstrap'),
  // A start that failed before the upgrade gives back the startup lock.
  destroy: ({ strapi }) => require('./store/migrate').unlock(strapi),
  config: require('./config'),
  contentTypes: require('./content-types'),
  routes: require('./routes'),
  controllers: require('./controllers'),
  services: require('./services'),
  middlewares: require('./middlewares'),
};
