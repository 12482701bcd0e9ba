'use strict';

// Answers that carry challenges or tokens must not be kept by any cache.
module.exports = () => async (ctx, next) => {
  ctx.set('Cache-Control', 'no-store');
  await next();
};
