// The `me` baseline of `npm run bench:api`: a bare node:http endpoint that checks the same JWT as Ruche
// (jsonwebtoken, HS256 with a KeyObject, issuer, audience, expiry, the claims' shape) and returns the viewer's
// JSON, byte-identical to Ruche's answer to the web app's `Viewer` query. The viewer's JSON is read once at
// start (as ruche_app, for the user of VIEWER_ID); no database work per request.
// Env: PORT, DATABASE_URL (as ruche_app), VIEWER_ID, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE.
'use strict';
const http = require('node:http');
const { createSecretKey } = require('node:crypto');
const { join } = require('node:path');
const jwt = require('jsonwebtoken');
const pg = require('pg');

const { organizationAbilities } = require(join(__dirname, '..', '..', 'dist/libs/policy/src/index.js'));
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const VERIFY = {
  algorithms: ['HS256'],
  issuer: process.env.JWT_ISSUER || 'ruche',
  audience: process.env.JWT_AUDIENCE || 'ruche-api',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const gid = (type, id) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

async function viewerJson(id) {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query('BEGIN');
  await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [id]);
  const [u] = (await c.query('SELECT id, display_name, email, email_verified_at FROM users WHERE id = $1', [id])).rows;
  const orgs = (
    await c.query(
      `SELECT o.id, o.name, om.role FROM organization_memberships om JOIN organizations o ON o.id = om.organization_id
       WHERE om.user_id = $1 ORDER BY o.name, o.id`,
      [id],
    )
  ).rows;
  await c.query('COMMIT');
  await c.end();
  const me = {
    id: gid('User', u.id),
    displayName: u.display_name,
    email: u.email,
    emailVerified: u.email_verified_at !== null,
    organizations: orgs.map((o) => ({
      id: gid('Organization', o.id),
      name: o.name,
      viewerRole: o.role,
      viewerCan: { readAnalytics: organizationAbilities(o.role).readAnalytics },
    })),
  };
  return `${JSON.stringify({ data: { me } })}\n`;
}

viewerJson(process.env.VIEWER_ID).then((body) => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      try {
        const claims = jwt.verify((req.headers.authorization || '').slice(7), key, VERIFY);
        if (!UUID.test(claims.sub) || !UUID.test(claims.sid) || !Number.isInteger(claims.tv)) throw new Error('token');
        if (claims.sub !== process.env.VIEWER_ID) throw new Error('another viewer');
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      } catch {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"errors":[{"message":"unauthenticated"}]}\n');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
});
