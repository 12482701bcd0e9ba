'use strict';

module.exports = {
  clock: require('./clock'),
  keys: require('./keys'),
  policy: require('./policy'),
  settings: require('./settings'),
  accounts: require('./accounts'),
  factors: require('./factors'),
  recovery: require('./recovery'),
  devices: require('./devices'),
  credentials: require('./credentials'),
  proof: require('./proof'),
  notify: require('./notify'),
  challenges: require('./challenges'),
  limits: require('./limits'),
  caps: require('./caps'),
  delivery: require('./delivery'),
  login: require('./login'),
  gate: require('./gate'),
  events: require('./events'),
};
