'use strict';

// `node db-probe.js postgres|mariadb`: exit 0 when the server answers on 127.0.0.1.
require('./database')
  .reachable(process.argv[2])
  .then((ok) => process.exit(ok ? 0 : 1));
