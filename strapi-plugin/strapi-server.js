'use strict';

// Strapi loads this CommonJS entry (package.json "exports"["./strapi-server"]).
module.exports = require('./server/src');
