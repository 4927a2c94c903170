// Writes docs/query-plans.md: the hot feed statements explained on the load fixture (npm run seed:load), as
// the app role with row-level security on, for the fixture's manager (an employee reading ~40 spaces).
//   node tools/build.mjs && DATABASE_URL=postgres://…/ruche_load_1m node tools/query-plans.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { feedStatement } = require('../dist/libs/domain/content/src/feed.query.js');

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL: the load fixture database (owner)');
const c = new Client({ connectionString: url });
await c.connect();
const [{ id: viewerId }] = (await c.query(`SELECT id FROM users WHERE email = 'manager@load.ruche.test'`)).rows;
const [{ posts }] = (await c.query(`SELECT count(*)::int AS posts FROM posts`)).rows;
const [{ space }] = (
  await c.query(
    `SELECT sm.space_id AS space FROM space_memberships sm JOIN posts p ON p.space_id = sm.space_id
     WHERE sm.user_id = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    [viewerId],
  )
).rows;
const [{ hybrid }] = (
  await c.query(
    `SELECT p.space_id AS hybrid FROM posts p WHERE p.kind = 'IDEA' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  )
).rows;

async function explain(sql, params) {
  await c.query('BEGIN');
  try {
    await c.query('SET LOCAL ROLE ruche_app');
    await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [viewerId]);
    await c.query({ text: sql, values: params }); // warm
    const rows = (await c.query({ text: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, values: params })).rows;
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await c.query('ROLLBACK');
  }
}
async function cursorAt(query, page) {
  let after = null;
  for (let i = 1; i < page; i++) {
    const { sql, params } = feedStatement({ ...query, after, limit: 21 });
    await c.query('BEGIN');
    await c.query('SET LOCAL ROLE ruche_app');
    await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [viewerId]);
    const rows = (await c.query({ text: sql, values: params })).rows;
    await c.query('ROLLBACK');
    const last = rows[19];
    after = [
      last.k_pinned,
      typeof last.k_order === 'string' && query.order !== 'NEW' ? Number(last.k_order) : last.k_order,
      last.id,
    ];
  }
  return after;
}
const base = { viewerId, spaceId: null, pinnedFirst: false, ideas: false };
const cases = [
  ['Home feed, newest, page 1', { ...base, order: 'NEW' }, 1],
  ['Home feed, newest, page 50', { ...base, order: 'NEW' }, 50],
  ['Home feed, top, page 1', { ...base, order: 'TOP' }, 1],
  ['Home feed, trending, page 1', { ...base, order: 'TRENDING' }, 1],
  ['Space feed (pinned first), newest, page 1', { ...base, order: 'NEW', spaceId: space, pinnedFirst: true }, 1],
  ['Idea board, top, page 1', { ...base, order: 'TOP', spaceId: hybrid, ideas: true }, 1],
];
let out = `# Query plans of the hot feed statements\n\nWritten by \`node tools/query-plans.mjs\` on the load fixture (${posts.toLocaleString('en')} posts; \`npm run seed:load\`), as \`ruche_app\` with row-level security on, for an employee who reads about 40 spaces. Each lane (a readable space, or a space's pinned posts and then the others) is an index walk stopped by its \`Limit\`; only the page's posts are joined. \`test/query-plans.e2e-spec.ts\` fails when a hot list starts reading a growing table whole.\n\nKnown and left open: notifications are grouped over all of a person's notifications, and search ranks every match of its words (both bounded by the person or the words, not by the page).\n`;
for (const [title, query, page] of cases) {
  const after = await cursorAt(query, page);
  const { sql, params } = feedStatement({ ...query, after, limit: 21 });
  out += `\n## ${title}\n\n\`\`\`\n${await explain(sql, params)}\n\`\`\`\n`;
}
writeFileSync(new URL('../docs/query-plans.md', import.meta.url), out);
await c.end();
console.log('docs/query-plans.md written');
