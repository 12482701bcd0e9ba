'use strict';

module.exports = {
  body: require('./body'),
  noStore: require('./no-store'),
  account: require('./account'),
};
