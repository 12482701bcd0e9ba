'use strict';

// The plugin's domain: every part written as `(d) => part`, where `d` reaches the other
// parts by name (plugin.js in Strapi; a plain registry in the flow tests). Sign-in,
// enrolment and the account's own changes are in flow/, one module per factor in
// factors/, and the tables behind `d.store` in store/.
module.exports = {
  keys: require('./services/keys'),
  accounts: require('./services/accounts'),
  challenges: require('./services/challenges'),
  limits: require('./services/limits'),
  caps: require('./services/caps'),
  devices: require('./services/devices'),
  proof: require('./services/proof'),
  factors: require('./factors'),
  recovery: require('./factors/recovery'),
  codes: require('./flow/codes'),
  signIn: require('./flow/sign-in'),
  enrolment: require('./flow/enrolment'),
  account: require('./flow/account'),
};
