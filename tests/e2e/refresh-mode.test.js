'use strict';

// jwtManagement: 'refresh' without the httpOnly cookie answers `{ jwt, refreshToken, user }`.
require('./helpers/modes')({ UP_JWT_MANAGEMENT: 'refresh', UP_SESSIONS_HTTPONLY: 'false' }, { keys: ['jwt', 'refreshToken', 'user'], refresh: true });
