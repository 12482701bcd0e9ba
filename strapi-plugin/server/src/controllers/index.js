'use strict';

module.exports = {
  challenge: require('./challenge'),
  self: require('./self'),
  admin: require('./admin'),
};
