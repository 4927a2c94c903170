import type { Client } from 'pg';

/**
 * The content of the load fixture (`npm run seed:load -- --posts N`): posts over 180 days in the fixture's
 * spaces (popular spaces get more), with comments, reactions and the authors' follows, written set-wise in
 * SQL (generate_series, no row crosses the wire). Derived columns are computed as the triggers would have:
 * counts, per-kind reaction counts, score, hot rank, first response; the triggers themselves (counters,
 * outbox) are off while it writes, so a million posts do not become a million events and updates.
 * Pseudo-random choices come from `hashint8` of a row's number: a seed gives the same shape.
 */

export interface ContentOptions {
  posts: number;
  comments: number;
  reactions: number;
  /** Days of history ending now. */
  days: number;
  seed: number;
}

export const CONTENT_DEFAULTS = { posts: 1_000_000, comments: 1_000_000, reactions: 3_000_000, days: 180 };

const CONTENT_TABLES = ['posts', 'comments', 'post_reactions', 'post_follows'];
const SENTENCES = [
  'Customers ask for a clearer status page when deliveries are late.',
  'We tried the new onboarding checklist with three teams last week.',
  'Les retours clients montrent que la facturation mensuelle est attendue.',
  'Could the mobile app keep drafts when the network drops?',
  'Proposition : regrouper les demandes de support par contrat.',
  'The quarterly review showed fewer tickets after the FAQ update.',
  'Idea: let fleet managers export their usage as CSV every Monday.',
  'Nous avons besoin de retours sur le nouveau parcours de commande.',
];

/** Posts per space, proportional to popularity (largest remainders, so they add up to `total`). */
export function postsPerSpace(popularity: number[], total: number): number[] {
  const sum = popularity.reduce((a, b) => a + b, 0);
  const exact = popularity.map((p) => (p / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]++;
  }
  return counts;
}

export async function insertContent(
  client: Client,
  organizationId: string,
  spaces: { id: string; kind: string; popularity: number }[],
  options: ContentOptions,
): Promise<{ posts: number; comments: number; reactions: number }> {
  if (options.posts === 0) return { posts: 0, comments: 0, reactions: 0 };
  // The tables' counter and outbox triggers are off while it writes (the fixture computes what they would);
  // the full-text triggers stay on.
  const triggers = (
    await client.query(
      `SELECT tgrelid::regclass::text AS tbl, tgname FROM pg_trigger
       WHERE tgrelid = ANY ($1::regclass[]) AND NOT tgisinternal AND tgname NOT LIKE '%_search'`,
      [CONTENT_TABLES],
    )
  ).rows as { tbl: string; tgname: string }[];
  for (const t of triggers) await client.query(`ALTER TABLE ${t.tbl} DISABLE TRIGGER ${t.tgname}`);
  // Secondary indexes (full-text ones above all) build far faster once than row by row: dropped here, made
  // again from their own definitions below.
  const indexes = (
    await client.query(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [CONTENT_TABLES],
    )
  ).rows as { name: string; definition: string }[];
  for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);
  try {
    await client.query(`DROP TABLE IF EXISTS load_members`);
    await client.query(
      `CREATE TEMP TABLE load_members AS
       SELECT sm.space_id, sm.user_id, om.role = 'CUSTOMER' AS customer,
              (row_number() OVER (PARTITION BY sm.space_id ORDER BY sm.user_id) - 1)::int AS idx
       FROM space_memberships sm JOIN spaces s ON s.id = sm.space_id
       JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
       WHERE s.organization_id = $1`,
      [organizationId],
    );
    await client.query(`CREATE INDEX ON load_members (space_id, idx)`);
    await client.query(`ANALYZE load_members`);
    const counts = postsPerSpace(
      spaces.map((s) => s.popularity),
      options.posts,
    );
    const now = new Date();
    const commentMean = options.comments / options.posts;
    const reactionMean = options.reactions / options.posts;
    // u(i, salt): a uniform draw in [0, 1) for row i.
    const u = (i: string, salt: number) => `(abs(hashint8(${i} * 97 + ${options.seed * 1009 + salt})) % 1000000) / 1e6`;
    await client.query(
      `INSERT INTO posts (id, organization_id, space_id, author_id, author_is_customer, kind, title, body, body_html,
                          tags, idea_status, pinned_at, deleted_at, deleted_by, hidden_at, comment_count, reaction_count,
                          reaction_counts, score, hot_rank, created_at, updated_at)
       SELECT gen_random_uuid(), $1, g.space_id, m.user_id, m.customer, g.kind,
              'Post ' || g.n || ' in ' || sp.name, g.body, '<p>' || g.body || '</p>',
              CASE WHEN g.u_tag < 0.3 THEN ARRAY['tag' || (g.n % 12)] ELSE '{}' END,
              CASE WHEN g.kind = 'IDEA' THEN 'NEW' END,
              CASE WHEN g.rank_in_space < 2 THEN g.created_at END,
              CASE WHEN g.u_state < 0.005 THEN g.created_at END, CASE WHEN g.u_state < 0.005 THEN m.user_id END,
              CASE WHEN g.u_state BETWEEN 0.005 AND 0.007 THEN g.created_at END,
              g.comments, g.reactions,
              jsonb_strip_nulls(jsonb_build_object(
                'LIKE', nullif((g.reactions + 4) / 5, 0), 'CELEBRATE', nullif((g.reactions + 3) / 5, 0),
                'INSIGHTFUL', nullif((g.reactions + 2) / 5, 0), 'SUPPORT', nullif((g.reactions + 1) / 5, 0),
                'CURIOUS', nullif(g.reactions / 5, 0))),
              g.reactions + 2 * g.comments,
              log(greatest(g.reactions + 2 * g.comments, 1)) + extract(epoch FROM g.created_at) / 45000,
              g.created_at, g.created_at
       FROM (
         SELECT x.*, row_number() OVER (PARTITION BY x.space_id, x.kind = 'ANNOUNCEMENT' ORDER BY x.created_at DESC)
                       + CASE WHEN x.kind = 'ANNOUNCEMENT' THEN 0 ELSE 2 END - 1 AS rank_in_space
         FROM (
           SELECT s.space_id, c.members, i AS n,
                  CASE WHEN ${u('i', 1)} < CASE WHEN s.hybrid THEN 0.35 ELSE 0.05 END THEN 'IDEA'
                       WHEN ${u('i', 2)} < 0.15 THEN 'QUESTION'
                       WHEN ${u('i', 3)} < 0.01 THEN 'ANNOUNCEMENT' ELSE 'DISCUSSION' END AS kind,
                  ($3::text[])[1 + (i % array_length($3::text[], 1))] || ' ' || ($3::text[])[1 + ((i / 7) % array_length($3::text[], 1))] AS body,
                  $4::timestamptz - ${u('i', 4)} * $5 * interval '1 day' AS created_at,
                  least(round(-ln(1 - ${u('i', 5)}) * $6)::int, 200) AS comments,
                  least(round(-ln(1 - ${u('i', 6)}) * $7)::int, c.members) AS reactions,
                  ${u('i', 7)} AS u_tag, ${u('i', 8)} AS u_state, abs(hashint8(i)) % c.members AS author_idx
           FROM unnest($2::uuid[], $8::int[], $9::bool[], $10::int[]) AS s(space_id, posts, hybrid, first),
                LATERAL (SELECT count(*)::int AS members FROM load_members lm WHERE lm.space_id = s.space_id) c,
                generate_series(s.first, s.first + s.posts - 1) AS i
           WHERE c.members > 0
         ) x
       ) g
       JOIN spaces sp ON sp.id = g.space_id
       JOIN load_members m ON m.space_id = g.space_id AND m.idx = g.author_idx
       ORDER BY g.created_at`,
      [
        organizationId,
        spaces.map((s) => s.id),
        SENTENCES,
        now,
        options.days,
        commentMean,
        reactionMean,
        counts,
        spaces.map((s) => s.kind === 'HYBRID'),
        counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0)),
      ],
    );
    // Comments at increasing times after their post (never in the future), by members of its space.
    await client.query(
      `INSERT INTO comments (post_id, space_id, author_id, author_is_customer, body, body_html, created_at, updated_at)
       SELECT p.id, p.space_id, m.user_id, m.customer, $3, '<p>' || $3 || '</p>', t.at, t.at
       FROM posts p
       CROSS JOIN LATERAL generate_series(1, p.comment_count) AS k
       CROSS JOIN LATERAL (SELECT least(p.created_at + k * interval '23 minutes', $2::timestamptz) AS at) t
       JOIN LATERAL (SELECT count(*)::int AS n FROM load_members WHERE space_id = p.space_id) c ON true
       JOIN load_members m ON m.space_id = p.space_id AND m.idx = abs(hashint8(k * 7919 + p.comment_count)) % c.n
       WHERE p.organization_id = $1 AND p.comment_count > 0
       ORDER BY t.at`,
      [organizationId, now, 'Thanks, we looked at this with the team and will share what we find.'],
    );
    // Reactions by distinct members (consecutive member numbers from the post's own start), kinds in turn.
    await client.query(
      `INSERT INTO post_reactions (post_id, space_id, user_id, kind, created_at)
       SELECT p.id, p.space_id, m.user_id, (ARRAY['LIKE', 'CELEBRATE', 'INSIGHTFUL', 'SUPPORT', 'CURIOUS'])[1 + (k % 5)],
              least(p.created_at + (k + 1) * interval '11 minutes', $2::timestamptz)
       FROM posts p
       JOIN LATERAL (SELECT count(*)::int AS n FROM load_members WHERE space_id = p.space_id) c ON true
       CROSS JOIN LATERAL generate_series(0, p.reaction_count - 1) AS k
       JOIN load_members m ON m.space_id = p.space_id
         AND m.idx = (abs(hashint8(extract(epoch FROM p.created_at)::bigint)) + k) % c.n
       WHERE p.organization_id = $1 AND p.reaction_count > 0`,
      [organizationId, now],
    );
    await client.query(
      `INSERT INTO post_follows (post_id, space_id, user_id, created_at)
       SELECT id, space_id, author_id, created_at FROM posts WHERE organization_id = $1 AND author_id IS NOT NULL`,
      [organizationId],
    );
    // First responses, as comments_count marks them: an employee's first comment on a customer's post or a question.
    await client.query(
      `WITH first AS (
         SELECT DISTINCT ON (c.post_id) c.id, c.post_id, c.created_at
         FROM comments c JOIN posts p ON p.id = c.post_id
         WHERE p.organization_id = $1 AND (p.author_is_customer OR p.kind = 'QUESTION')
           AND NOT c.author_is_customer AND c.author_id IS DISTINCT FROM p.author_id
         ORDER BY c.post_id, c.created_at, c.id
       ), marked AS (UPDATE comments c SET first_response = true FROM first f WHERE c.id = f.id)
       UPDATE posts p SET first_response_at = f.created_at FROM first f WHERE p.id = f.post_id`,
      [organizationId],
    );
  } finally {
    for (const ix of indexes) await client.query(ix.definition);
    for (const t of triggers) await client.query(`ALTER TABLE ${t.tbl} ENABLE TRIGGER ${t.tgname}`);
    await client.query(`DROP TABLE IF EXISTS load_members`);
  }
  await client.query(`VACUUM (ANALYZE) ${CONTENT_TABLES.join(', ')}`);
  const [row] = (
    await client.query(
      `SELECT (SELECT count(*)::int FROM posts WHERE organization_id = $1) AS posts,
              (SELECT coalesce(sum(comment_count), 0)::int FROM posts WHERE organization_id = $1) AS comments,
              (SELECT coalesce(sum(reaction_count), 0)::int FROM posts WHERE organization_id = $1) AS reactions`,
      [organizationId],
    )
  ).rows as { posts: number; comments: number; reactions: number }[];
  return row;
}
