'use strict';

module.exports = {
  challenge: require('./challenge'),
  admin: require('./admin'),
};
