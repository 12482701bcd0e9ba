'use strict';

module.exports = {
  clock: require('./clock'),
  keys: require('./keys'),
  policy: require('./policy'),
  accounts: require('./accounts'),
  challenges: require('./challenges'),
  delivery: require('./delivery'),
  login: require('./login'),
  gate: require('./gate'),
  events: require('./events'),
};
