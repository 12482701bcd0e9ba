'use strict';

module.exports = {
  'content-api': require('./content-api'),
  admin: require('./admin'),
};
