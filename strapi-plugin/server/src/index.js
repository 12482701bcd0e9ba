'use strict';

module.exports = {
  register: require('./register'),
  bootstrap: require('./bootstrap'),
  config: require('./config'),
  contentTypes: require('./content-types'),
  routes: require('./routes'),
  controllers: require('./controllers'),
  services: require('./services'),
  middlewares: require('./middlewares'),
};
