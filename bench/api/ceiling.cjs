// The ceiling of `npm run bench:api`: a plain node:http + pg server answering the web app's feed query
// (FeedMore with PostCardFields, POST /graphql) with byte-identical JSON, for the home feed (every readable
// space) and a space feed (pinned first), NEW order, keyset cursors. No framework, no GraphQL engine: the JWT is
// checked (HS256, issuer, audience, expiry), then per request
//   1. BEGIN; ruche_act_for_session(user, session, token version)   (the acting user for RLS + the session check)
//   2. one prepared statement: the page (each readable space's index walk, or the space's two lanes), its
//      authors, badges, counts, the viewer's reaction and vote, images, and the viewer's standing in each
//      space of the page (roles, consent, invitation, suspension) for the viewerCan flags
//   3. COMMIT (sent right after the answer is written; the connection returns to the pool when it is done)
// as the app role ruche_app, row-level security on. The viewerCan flags come from the same pure policy
// functions as Ruche's (dist/libs/policy): the rules are not what is measured, the stack and the SQL are.
// Env: PORT, DATABASE_URL (as ruche_app), DB_POOL_SIZE (10), JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE.
'use strict';
const http = require('node:http');
const { createSecretKey } = require('node:crypto');
const { join } = require('node:path');
const jwt = require('jsonwebtoken');
const pg = require('pg');

const ROOT = join(__dirname, '..', '..');
const { postAbilities, ideaAbilities } = require(join(ROOT, 'dist/libs/policy/src/index.js'));

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const VERIFY = {
  algorithms: ['HS256'],
  issuer: process.env.JWT_ISSUER || 'ruche',
  audience: process.env.JWT_AUDIENCE || 'ruche-api',
};
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE || 10) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const gid = (type, id) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
const fromGid = (g, type) => {
  const s = Buffer.from(String(g), 'base64url').toString('utf8');
  if (!s.startsWith(`${type}:`) || !UUID.test(s.slice(type.length + 1))) throw new Error('bad id');
  return s.slice(type.length + 1);
};
const TOP_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

// Readable spaces (space.policy canReadSpace): org owners and admins read every space of their organization,
// managers and members the open ones and those they belong to, customers hybrid spaces they belong to with
// current consent.
const READABLE = `
  SELECT s.id FROM organization_memberships om JOIN spaces s ON s.organization_id = om.organization_id
  WHERE om.user_id = $1 AND (om.role IN ('OWNER', 'ADMIN') OR (om.role IN ('MANAGER', 'MEMBER') AND s.visibility = 'OPEN'))
  UNION
  SELECT s.id FROM space_memberships sm JOIN spaces s ON s.id = sm.space_id
  JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
  WHERE sm.user_id = $1 AND ((om.role <> 'CUSTOMER' AND sm.role <> 'CUSTOMER')
    OR (om.role = 'CUSTOMER' AND sm.role = 'CUSTOMER' AND s.kind = 'HYBRID' AND EXISTS (
      SELECT 1 FROM consent_records c WHERE c.subject_id = sm.user_id AND c.space_id = s.id
        AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version)))`;
// Spaces where the viewer sees hidden posts (moderators: org owners and admins, space owners and moderators).
const MODERATED = `
  SELECT s.id FROM organization_memberships om JOIN spaces s ON s.organization_id = om.organization_id
  WHERE om.user_id = $1 AND om.role IN ('OWNER', 'ADMIN')
  UNION
  SELECT sm.space_id FROM space_memberships sm JOIN spaces s ON s.id = sm.space_id
  JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
  WHERE sm.user_id = $1 AND sm.role IN ('OWNER', 'MODERATOR') AND om.role <> 'CUSTOMER'`;
const VISIBLE = `p.deleted_at IS NULL AND (p.hidden_at IS NULL OR p.author_id = $1 OR p.space_id IN (${MODERATED}))`;

const lane = (
  space,
  pinned,
  extra,
  bound,
) => `SELECT p.id, p.space_id AS sp, ${pinned} AS k_pinned, p.created_at AS k FROM posts p
  WHERE p.space_id = ${space} AND ${VISIBLE} ${extra} AND ${bound}
  ORDER BY p.created_at DESC, p.id DESC LIMIT $2`;

// The page's rows with everything the card shows.
const page = (lanes) => `
  WITH page AS MATERIALIZED (
    SELECT l.id, l.sp, l.k_pinned, l.k FROM (${lanes}) l ORDER BY l.k_pinned DESC, l.k DESC, l.id DESC LIMIT $2
  ), st AS MATERIALIZED (
    SELECT s.id, s.kind, s.visibility, s.members_can_invite, om.role AS org_role, sm.role AS space_role,
      CASE WHEN EXISTS (SELECT 1 FROM consent_records c WHERE c.subject_id = $1 AND c.space_id = s.id
                          AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version) THEN 'CURRENT'
           WHEN sm.role = 'CUSTOMER' THEN 'OUTDATED' ELSE 'NONE' END AS consent,
      EXISTS (SELECT 1 FROM invitations i JOIN users u ON u.id = $1 WHERE i.space_id = s.id AND i.email = u.email
              AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()) AS invited,
      (SELECT until FROM space_suspensions x WHERE x.space_id = s.id AND x.user_id = $1) AS suspended_until
    FROM spaces s
    LEFT JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = $1
    LEFT JOIN space_memberships sm ON sm.space_id = s.id AND sm.user_id = $1
    WHERE s.id IN (SELECT sp FROM page)
  )
  SELECT page.k_pinned, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k_order,
    p.id, p.space_id, p.kind, p.title, p.body_html, p.created_at, p.edited_at, p.pinned_at IS NOT NULL AS pinned,
    p.hidden_at IS NOT NULL AS hidden, p.deleted_at IS NOT NULL AS deleted, p.tags, p.comment_count,
    p.reaction_count, p.author_id, p.author_is_customer, p.idea_status, p.vote_count,
    u.display_name AS author_name, u.created_at AS author_created_at, ca.id AS account_id, ca.name AS account_name,
    ca.created_at AS account_created_at, r.kind AS viewer_reaction, (v.user_id IS NOT NULL) AS viewer_voted,
    (SELECT json_agg(json_build_object('id', up.id, 'width', up.width, 'height', up.height, 'frames', up.frames,
                                       'variants', up.variants) ORDER BY up.created_at, up.id)
       FROM uploads up WHERE up.post_id = p.id) AS images,
    st.kind AS s_kind, st.visibility AS s_visibility, st.members_can_invite AS s_members_can_invite,
    st.org_role, st.space_role, st.consent, st.invited, st.suspended_until
  FROM page JOIN posts p ON p.id = page.id
  LEFT JOIN users u ON u.id = p.author_id
  LEFT JOIN space_memberships asm ON asm.space_id = p.space_id AND asm.user_id = p.author_id
  LEFT JOIN customer_accounts ca ON ca.id = asm.customer_account_id
  LEFT JOIN post_reactions r ON r.post_id = p.id AND r.user_id = $1
  LEFT JOIN idea_votes v ON v.post_id = p.id AND v.user_id = $1
  LEFT JOIN st ON st.id = p.space_id
  ORDER BY page.k_pinned DESC, page.k DESC, page.id DESC`;

// $1 viewer, $2 limit, $3/$4 the bound; space feed: $5 the space, $6 pinned lane on, $7/$8 the pinned bound.
const HOME = page(
  `SELECT w.* FROM (${READABLE}) rs CROSS JOIN LATERAL (${lane('rs.id', 0, '', '(p.created_at, p.id) < ($3::timestamptz, $4::uuid)')}) w`,
);
const SPACE = page(
  `(${lane('$5::uuid', 1, 'AND p.pinned_at IS NOT NULL AND $6::boolean', '(p.created_at, p.id) < ($7::timestamptz, $8::uuid)')})
   UNION ALL (${lane('$5::uuid', 0, 'AND p.pinned_at IS NULL', '(p.created_at, p.id) < ($3::timestamptz, $4::uuid)')})`,
);

const iso = (d) => (d === null ? null : d.toISOString());
function node(r, viewerId, now) {
  const standing = r.s_kind
    ? {
        viewer: { orgRole: r.org_role, spaceRole: r.space_role, consent: r.consent, invited: r.invited },
        facts: { kind: r.s_kind, visibility: r.s_visibility, membersCanInvite: r.s_members_can_invite },
        suspendedUntil: r.suspended_until,
      }
    : null;
  const isAuthor = r.author_id === viewerId;
  const can = postAbilities(standing, { isAuthor, deleted: r.deleted, kind: r.kind }, now);
  const account = r.author_is_customer && r.account_id && r.account_name && r.account_created_at;
  if (r.images) throw new Error('the ceiling does not render images (the load fixture has none)');
  let idea = null;
  if (r.idea_status) {
    const ic = ideaAbilities(standing, { isAuthor, deleted: r.deleted, status: r.idea_status }, now);
    idea = {
      status: r.idea_status,
      voteCount: r.vote_count,
      viewerVoted: r.viewer_voted,
      viewerCan: { vote: ic.vote, unvote: ic.unvote },
    };
  }
  return {
    id: gid('Post', r.id),
    spaceId: gid('Space', r.space_id),
    kind: r.kind,
    title: r.deleted ? '[deleted]' : r.title,
    bodyHtml: r.deleted ? '' : r.body_html,
    createdAt: iso(r.created_at),
    editedAt: iso(r.edited_at),
    pinned: r.pinned,
    hidden: r.hidden,
    deleted: r.deleted,
    tags: r.deleted ? [] : r.tags,
    commentCount: r.comment_count,
    reactionCount: r.reaction_count,
    viewerReaction: r.viewer_reaction,
    author:
      r.author_id && r.author_name && r.author_created_at
        ? { id: gid('User', r.author_id), displayName: r.author_name }
        : null,
    authorBadge: account
      ? {
          kind: 'CUSTOMER',
          label: `Customer · ${r.account_name}`,
          customerAccount: { id: gid('CustomerAccount', r.account_id), name: r.account_name },
        }
      : r.author_is_customer
        ? { kind: 'CUSTOMER', label: 'Customer', customerAccount: null }
        : { kind: 'EMPLOYEE', label: 'Employee', customerAccount: null },
    images: [],
    idea,
    viewerCan: {
      react: can.react,
      comment: can.comment,
      update: can.update,
      delete: can.delete,
      pin: can.pin,
      report: can.report,
    },
  };
}

async function feed(claims, v) {
  const viewerId = claims.sub;
  const first = Number(v.first);
  if (!Number.isInteger(first) || first < 1 || first > 100) throw new Error('bad first');
  let after = null;
  if (v.after) {
    after = JSON.parse(Buffer.from(v.after, 'base64url').toString('utf8'));
    if (!Array.isArray(after) || after.length !== 3 || !UUID.test(after[2]) || Number.isNaN(Date.parse(after[1])))
      throw new Error('bad cursor');
  }
  let name;
  let values;
  if (v.spaceId) {
    const spaceId = fromGid(v.spaceId, 'Space');
    const inPinned = after && Number(after[0]) === 1;
    const pinnedOn = !after || inPinned;
    const other = after && !inPinned ? [after[1], after[2]] : ['infinity', TOP_ID];
    const pinned = inPinned ? [after[1], after[2]] : ['infinity', TOP_ID];
    name = 'ceiling_space';
    values = [viewerId, first + 1, ...other, spaceId, pinnedOn, ...pinned];
  } else {
    name = 'ceiling_home';
    values = [viewerId, first + 1, ...(after ? [after[1], after[2]] : ['infinity', TOP_ID])];
  }
  const client = await pool.connect();
  let rows;
  try {
    await client.query(`BEGIN; SELECT ruche_act_for_session('${viewerId}', '${claims.sid}', ${Number(claims.tv)})`);
    rows = (await client.query({ name, text: name === 'ceiling_home' ? HOME : SPACE, values })).rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
    throw error;
  }
  client.query('COMMIT').then(
    () => client.release(),
    (error) => client.release(error),
  );
  const now = new Date();
  const edges = rows.slice(0, first).map((r) => ({
    cursor: Buffer.from(JSON.stringify([r.k_pinned, r.k_order, r.id]), 'utf8').toString('base64url'),
    node: node(r, viewerId, now),
  }));
  return {
    data: {
      feed: {
        edges,
        pageInfo: { endCursor: edges.length ? edges[edges.length - 1].cursor : null, hasNextPage: rows.length > first },
      },
    },
  };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const auth = req.headers.authorization || '';
      const claims = jwt.verify(auth.slice(7), key, VERIFY);
      if (!UUID.test(claims.sub) || !UUID.test(claims.sid) || !Number.isInteger(claims.tv)) throw new Error('token');
      const { variables = {} } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      // Apollo ends its JSON with a newline.
      const body = `${JSON.stringify(await feed(claims, variables))}\n`;
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    } catch (error) {
      const body = JSON.stringify({ errors: [{ message: String(error.message || error) }] });
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(body);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
