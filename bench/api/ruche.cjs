// Starts the built server (dist/apps/api/src/main.js) for `npm run bench:api` under this file's name, so a
// `pkill -f dist/apps/api/src/main.js` run by someone else on a shared machine does not stop the measured server.
'use strict';
require('../../dist/apps/api/src/main.js');
