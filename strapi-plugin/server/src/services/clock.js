'use strict';

// The one place the plugin reads the time (unix milliseconds). The core never reads a
// clock; everything it rules on takes `now` from here, which also lets a test move time.
module.exports = () => ({
  now: () => Date.now(),
});
