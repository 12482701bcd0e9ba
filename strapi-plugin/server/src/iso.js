'use strict';

/** A unix-millisecond time as the ISO 8601 text the client is answered with. */
module.exports = (ms) => new Date(ms).toISOString();
