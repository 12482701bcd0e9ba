'use strict';

// jwtManagement: 'legacy-support' answers `{ jwt, user }` with a long-lived JWT.
require('./helpers/modes')({ UP_JWT_MANAGEMENT: 'legacy-support' }, { keys: ['jwt', 'user'], refresh: false });
