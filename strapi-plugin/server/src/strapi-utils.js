'use strict';

// @strapi/utils exactly as the running Strapi loads it. Strapi tells its error classes
// apart with instanceof, so a second copy (npm may install one elsewhere in the tree)
// would turn every error this plugin throws into a bare 500. The path goes through
// @strapi/strapi, our peer dependency, to the @strapi/core it runs on.
const { createRequire } = require('node:module');

const fromStrapi = createRequire(require.resolve('@strapi/strapi'));
const fromCore = createRequire(fromStrapi.resolve('@strapi/core'));
const utilsPath = fromCore.resolve('@strapi/utils');

module.exports = {
  ...require(utilsPath),
  // The HttpError class Strapi's error middleware recognises is this http-errors copy's.
  createHttpError: createRequire(utilsPath)('http-errors'),
};
