import { cursorTimestampSql, type CursorKey, type CursorPart } from '@ruche/graphql';
import { readableSpaceIdsSql, visibleContentSql } from '@ruche/policy';
import { postSelectSql, preloadSql, type FeedOrder } from './post.types';

/** Each order's key, its SQL type, a value above every key (an open bound) and its cursor form. */
const ORDER_KEY: Record<
  FeedOrder,
  { column: string; type: string; top: string | number; cursor: string; part: CursorPart }
> = {
  NEW: {
    column: 'p.created_at',
    type: 'timestamptz',
    top: 'infinity',
    cursor: cursorTimestampSql('p.created_at'),
    part: 'timestamp',
  },
  TOP: { column: 'p.score', type: 'int', top: 2_147_483_647, cursor: 'p.score', part: 'number' },
  TRENDING: { column: 'p.hot_rank', type: 'float8', top: 'Infinity', cursor: 'p.hot_rank', part: 'number' },
};
const TOP_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export const feedCursorParts = (order: FeedOrder): CursorPart[] => ['number', ORDER_KEY[order].part, 'uuid'];

export interface FeedQuery {
  viewerId: string;
  order: FeedOrder;
  /** One space; every space the viewer can read when null. */
  spaceId: string | null;
  /** Pinned posts first (a space's own feed). */
  pinnedFirst: boolean;
  /** The idea board: ideas only, by status and campaign. */
  ideas: boolean;
  status?: string;
  campaignId?: string | null;
  tag?: string;
  /** [pinned, order key, id] of the last post of the previous page. */
  after: CursorKey | null;
  limit: number;
  /** For the viewer's standing (invitations expire). */
  now: Date;
}

/**
 * The feed page as one statement whose work follows the page, not the history: each lane (a readable space
 * of the home feed; a space's pinned posts, then the others) is an index walk that stops after `limit`
 * posts past the cursor, and only the page's posts are joined to their authors, badges and viewer state.
 * The cursor becomes a bound on each lane (open above a lane the cursor has left), so a deep page costs what
 * the first one does. Filters are written only when present, so the partial indexes (ideas, pinned) match
 * and each shape is its own prepared statement.
 */
export function feedStatement(q: FeedQuery): { sql: string; params: unknown[] } {
  const key = ORDER_KEY[q.order];
  const params: unknown[] = [q.viewerId];
  const param = (value: unknown, type: string) => `$${params.push(value)}::${type}`;

  const filters = ['p.deleted_at IS NULL', visibleContentSql('p', '$1')];
  if (q.ideas) filters.push(`p.kind = 'IDEA'`);
  if (q.status) filters.push(`p.idea_status = ${param(q.status, 'text')}`);
  if (q.campaignId) filters.push(`p.campaign_id = ${param(q.campaignId, 'uuid')}`);
  if (q.tag) filters.push(`${param(q.tag, 'text')} = ANY (p.tags)`);
  const limit = param(q.limit, 'int');

  /** The bound of a lane ranked `pinned` (null when the cursor has gone past the whole lane). */
  const bound = (pinned: number): string | null => {
    const [cursorPinned, cursorKey, cursorId] = q.after ?? [];
    if (q.after && pinned > Number(cursorPinned)) return null;
    const at = q.after && pinned === Number(cursorPinned);
    const value = at ? (q.order === 'TOP' ? clampInt(Number(cursorKey)) : cursorKey) : key.top;
    return `(${key.column}, p.id) < (${param(value, key.type)}, ${param(at ? cursorId : TOP_ID, 'uuid')})`;
  };
  const walk = (space: string, pinned: number, extra: string[], bounded: string) =>
    `SELECT p.id, ${pinned} AS k_pinned, ${key.column} AS k FROM posts p
     WHERE p.space_id = ${space} AND ${[...filters, ...extra, bounded].join(' AND ')}
     ORDER BY ${key.column} DESC, p.id DESC LIMIT ${limit}`;

  let lanes: string;
  if (q.spaceId === null) {
    const b = bound(0) ?? 'false';
    lanes = `SELECT w.* FROM ${readableSpaceIdsSql('$1')} AS rs CROSS JOIN LATERAL (${walk('rs.id', 0, [], b)}) w`;
  } else {
    const space = param(q.spaceId, 'uuid');
    const parts = q.pinnedFirst
      ? [
          [1, ['p.pinned_at IS NOT NULL']],
          [0, ['p.pinned_at IS NULL']],
        ]
      : [[0, []]];
    const walks = (parts as [number, string[]][])
      .map(([pinned, extra]) => [pinned, extra, bound(pinned)] as const)
      .filter(([, , b]) => b !== null)
      .map(([pinned, extra, b]) => `(${walk(space, pinned, extra, b!)})`);
    // A cursor past every lane (only a forged one) gives an empty page.
    lanes = walks.join(' UNION ALL ') || `SELECT NULL::uuid AS id, 0 AS k_pinned, NULL::${key.type} AS k WHERE false`;
  }
  // Only the page's posts get their standing and images (for viewerCan and images, without more queries).
  const preload = preloadSql('$1', param(q.now, 'timestamptz'));
  const sql = `SELECT page.k_pinned, ${key.cursor} AS k_order, ${preload.columns}, ${postSelectSql('$1')}
    JOIN (SELECT l.id, l.k_pinned, l.k FROM (${lanes}) l ORDER BY l.k_pinned DESC, l.k DESC, l.id DESC LIMIT ${limit}) page
      ON page.id = p.id
    ${preload.joins}
    ORDER BY page.k_pinned DESC, page.k DESC, page.id DESC`;
  return { sql, params };
}

const clampInt = (n: number) => Math.min(2_147_483_647, Math.max(-2_147_483_648, Math.ceil(n)));
