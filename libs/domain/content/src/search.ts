import { Injectable } from '@nestjs/common';
import { Args, ArgsType, Field, Float, ID, Int, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { Db } from '@ruche/database';
import {
  ConnectionArgs,
  ConnectionType,
  cursorTimestampSql,
  decodeCursor,
  toConnection,
  type Connection,
} from '@ruche/graphql';
import { User } from '@ruche/identity';
import { badInput, fromGlobalId, toGlobalId } from '@ruche/kernel';
import { isEmployee, readableSpaceIdsSql } from '@ruche/policy';
import { Badge } from '@ruche/spaces';
import { author, authorBadge, type AccountColumns } from './authors';
import { Comment } from './comments';
import { ContentAccess } from './content-access';
import { Post, postSelectSql, type PostRow } from './post.types';

export const SEARCH_KINDS = ['POST', 'IDEA', 'COMMENT'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
const SearchKindEnum = Object.fromEntries(SEARCH_KINDS.map((k) => [k, k]));
registerEnumType(SearchKindEnum, {
  name: 'SearchKind',
  description: 'POST: discussions, questions and announcements. IDEA: posts of kind IDEA. COMMENT: comments.',
});

@ArgsType()
export class SearchArgs extends ConnectionArgs {
  @Field({
    description:
      'Web-search syntax (words, "a phrase", -excluded, or), French and English, accents and case ignored; 1–200 characters.',
  })
  @IsString()
  @Length(1, 200)
  query!: string;
  @Field(() => ID, { nullable: true, description: 'Only this space.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  spaceId?: string;
  @Field(() => [SearchKindEnum], { nullable: true, description: 'What to search; all kinds when absent or empty.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SEARCH_KINDS.length)
  @IsIn(SEARCH_KINDS, { each: true })
  kinds?: SearchKind[];
}

@ObjectType({ description: 'A post that matches, or a comment that matches (with its post).' })
export class SearchHit {
  @Field(() => Post, { description: 'The post that matches, or the post of the comment that matches.' }) post!: Post;
  @Field(() => Comment, { nullable: true, description: 'Set when the match is a comment.' }) comment!: Comment | null;
  @Field(() => Float, { description: 'Relevance (ts_rank_cd): higher is better; a title weighs most.' }) rank!: number;
  @Field({
    description:
      'Excerpt of the plain (Markdown) text, matches between « and ». Not HTML: display it as text, never as markup.',
  })
  headline!: string;
}

const SearchHitConnection = ConnectionType(SearchHit);

@ArgsType()
export class MentionCandidatesArgs {
  @Field(() => ID) @IsString() @MaxLength(200) spaceId!: string;
  @Field({ description: 'Start of any word of the name, accents and case ignored; empty: everyone.' })
  @IsString()
  @MaxLength(80)
  query!: string;
  @Field(() => Int, { description: '1 to 100.' }) @IsInt() @Min(1) @Max(100) first!: number;
}

@ObjectType({ description: 'Someone who can be @mentioned in a space: they can read it.' })
export class MentionCandidate {
  @Field(() => User) user!: User;
  @Field(() => Badge) badge!: Badge;
}

/** The websearch query in both languages: a word matches if either stemmer finds it (posts store both). */
const TSQUERY = `(websearch_to_tsquery('ruche_fr', $2) || websearch_to_tsquery('ruche_en', $2))`;
/** Comments are unweighted (D): rank them like a post's body (B), not below it. Order: {D, C, B, A}. */
const COMMENT_WEIGHTS = `'{0.4, 0.2, 0.4, 1.0}'`;
const HEADLINE_OPTIONS = `'StartSel=«, StopSel=», MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'`;

interface HitRow extends PostRow {
  k_rank: number;
  k_at: string;
  k_id: string;
  headline: string;
  c_id: string | null;
  c_parent_id: string | null;
  c_author_id: string | null;
  c_author_is_customer: boolean | null;
  c_body: string | null;
  c_body_html: string | null;
  c_first_response: boolean | null;
  c_edited_at: Date | null;
  c_created_at: Date | null;
  c_author_name: string | null;
  c_author_created_at: Date | null;
  c_account_id: string | null;
  c_account_name: string | null;
  c_account_domain: string | null;
  c_account_created_at: Date | null;
}

interface CandidateRow extends AccountColumns {
  id: string;
  display_name: string;
  created_at: Date;
  is_customer: boolean;
}

function commentOf(r: HitRow): Comment | null {
  if (!r.c_id) return null;
  return Object.assign(new Comment(), {
    id: toGlobalId('Comment', r.c_id),
    postId: toGlobalId('Post', r.id),
    parentId: r.c_parent_id ? toGlobalId('Comment', r.c_parent_id) : null,
    body: r.c_body,
    bodyHtml: r.c_body_html,
    author: author(r.c_author_id, r.c_author_name, r.c_author_created_at),
    authorBadge: authorBadge(r.c_author_is_customer === true, {
      account_id: r.c_account_id,
      account_name: r.c_account_name,
      account_domain: r.c_account_domain,
      account_created_at: r.c_account_created_at,
    }),
    firstResponse: r.c_first_response === true,
    // search finds neither deleted nor hidden comments
    deleted: false,
    hidden: false,
    editedAt: r.c_edited_at,
    createdAt: r.c_created_at,
    spaceUuid: r.space_id,
    authorId: r.c_author_id,
    // search finds no comment of a deleted post
    post: { authorId: r.author_id, deleted: false },
  });
}

@Injectable()
export class SearchService {
  constructor(
    private readonly db: Db,
    private readonly access: ContentAccess,
  ) {}

  /**
   * Full-text search over posts and comments in one statement: the policy's filter (readable spaces, not
   * deleted, not hidden) is in the WHERE clause, before ranking and pagination, so a hidden row is never
   * ranked, counted or skipped. Keyset: rank, then newest, then id (all descending).
   */
  async search(viewerId: string, args: SearchArgs): Promise<Connection<SearchHit>> {
    const query = args.query.trim();
    if (!query) throw badInput({ query: ['must contain a word'] });
    const after = args.after ? decodeCursor(args.after, ['number', 'timestamp', 'uuid']) : null;
    const kinds = args.kinds?.length ? args.kinds : null;
    return this.db.transaction(async () => {
      const spaceId = args.spaceId ? fromGlobalId(args.spaceId, 'Space') : null;
      if (spaceId) await this.access.inSpace(viewerId, spaceId, 'post.read');
      const readable = `IN ${readableSpaceIdsSql('$1')}`;
      const rows: HitRow[] = await this.db.manager.query(
        `WITH hits AS (
           SELECT p.id AS post_id, NULL::uuid AS comment_id, p.id AS hit_id, p.created_at AS hit_at,
                  ts_rank_cd(p.search, ${TSQUERY})::float8 AS rank
           FROM posts p
           WHERE p.search @@ ${TSQUERY} AND p.space_id ${readable} AND ($3::uuid IS NULL OR p.space_id = $3)
             AND p.deleted_at IS NULL AND p.hidden_at IS NULL
             AND ($4::text[] IS NULL OR (CASE WHEN p.kind = 'IDEA' THEN 'IDEA' ELSE 'POST' END) = ANY ($4))
           UNION ALL
           SELECT c.post_id, c.id, c.id, c.created_at, ts_rank_cd(${COMMENT_WEIGHTS}, c.search, ${TSQUERY})::float8
           FROM comments c JOIN posts p ON p.id = c.post_id
           WHERE c.search @@ ${TSQUERY} AND c.space_id ${readable} AND ($3::uuid IS NULL OR c.space_id = $3)
             AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND p.deleted_at IS NULL AND p.hidden_at IS NULL
             AND ($4::text[] IS NULL OR 'COMMENT' = ANY ($4))
         ), page AS (
           SELECT * FROM hits
           WHERE $5::float8 IS NULL OR (rank, hit_at, hit_id) < ($5::float8, $6::timestamptz, $7::uuid)
           ORDER BY rank DESC, hit_at DESC, hit_id DESC
           LIMIT $8
         )
         SELECT h.rank AS k_rank, ${cursorTimestampSql('h.hit_at')} AS k_at, h.hit_id AS k_id,
                -- highlighted with the language whose stemmer matched (each parses words its own way)
                CASE WHEN to_tsvector('ruche_fr', d.doc) @@ websearch_to_tsquery('ruche_fr', $2)
                  THEN ts_headline('ruche_fr', d.doc, websearch_to_tsquery('ruche_fr', $2), ${HEADLINE_OPTIONS})
                  ELSE ts_headline('ruche_en', d.doc, websearch_to_tsquery('ruche_en', $2), ${HEADLINE_OPTIONS})
                END AS headline,
                c.id AS c_id, c.parent_id AS c_parent_id, c.author_id AS c_author_id,
                c.author_is_customer AS c_author_is_customer, c.body AS c_body, c.body_html AS c_body_html,
                c.first_response AS c_first_response, c.edited_at AS c_edited_at, c.created_at AS c_created_at,
                cu.display_name AS c_author_name, cu.created_at AS c_author_created_at, cca.id AS c_account_id,
                cca.name AS c_account_name, cca.domain AS c_account_domain, cca.created_at AS c_account_created_at,
                ${postSelectSql('$1')}
         JOIN page h ON h.post_id = p.id
         LEFT JOIN comments c ON c.id = h.comment_id
         LEFT JOIN users cu ON cu.id = c.author_id
         LEFT JOIN space_memberships csm ON csm.space_id = c.space_id AND csm.user_id = c.author_id
         LEFT JOIN customer_accounts cca ON cca.id = csm.customer_account_id
         CROSS JOIN LATERAL (SELECT CASE WHEN c.id IS NULL THEN p.title || E'\\n' || p.body ELSE c.body END AS doc) d
         ORDER BY h.rank DESC, h.hit_at DESC, h.hit_id DESC`,
        [viewerId, query, spaceId, kinds, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, args.first + 1],
      );
      return toConnection(
        rows,
        args,
        (r) => [r.k_rank, r.k_at, r.k_id],
        (r) =>
          Object.assign(new SearchHit(), {
            post: Post.from(r, viewerId),
            comment: commentOf(r),
            rank: r.k_rank,
            headline: r.headline,
          }),
      );
    });
  }

  /**
   * People who can read the space and whose name has a word starting with `query`. Employees see everyone
   * who reads it; a customer sees only people who belong to the space (invariant 1: no employee outside
   * their spaces is ever revealed to them, even one who could read an open hybrid space).
   */
  async mentionCandidates(viewerId: string, args: MentionCandidatesArgs): Promise<MentionCandidate[]> {
    const spaceId = fromGlobalId(args.spaceId, 'Space');
    return this.db.transaction(async () => {
      const { space, viewer } = await this.access.inSpace(viewerId, spaceId, 'post.read');
      const needle = args.query.trim().replace(/[\\%_]/g, '\\$&');
      const rows: CandidateRow[] = await this.db.manager.query(
        `SELECT u.id, u.display_name, u.created_at, coalesce(sm.role = 'CUSTOMER' OR om.role = 'CUSTOMER', false) AS is_customer,
                ca.id AS account_id, ca.name AS account_name, ca.domain AS account_domain, ca.created_at AS account_created_at
         FROM (SELECT user_id FROM space_memberships WHERE space_id = $2
               UNION SELECT user_id FROM organization_memberships WHERE $3::boolean AND organization_id = $4) people
         JOIN users u ON u.id = people.user_id
         LEFT JOIN space_memberships sm ON sm.space_id = $2 AND sm.user_id = u.id
         LEFT JOIN organization_memberships om ON om.organization_id = $4 AND om.user_id = u.id
         LEFT JOIN customer_accounts ca ON ca.id = sm.customer_account_id
         WHERE u.id <> $1 AND u.disabled_at IS NULL
           AND (unaccent(lower(u.display_name)) LIKE unaccent(lower($5)) || '%'
             OR unaccent(lower(u.display_name)) LIKE '% ' || unaccent(lower($5)) || '%')
           AND ruche_user_reads_space(u.id, $2)
         ORDER BY unaccent(lower(u.display_name)), u.id
         LIMIT $6`,
        [viewerId, space.id, isEmployee(viewer.orgRole), space.organization_id, needle, args.first],
      );
      return rows.map((r) =>
        Object.assign(new MentionCandidate(), {
          user: author(r.id, r.display_name, r.created_at),
          badge: authorBadge(r.is_customer, r),
        }),
      );
    });
  }
}

@Resolver()
export class SearchResolver {
  constructor(private readonly service: SearchService) {}

  @Query(() => SearchHitConnection, {
    description:
      'Full-text search over the posts (ideas included) and comments of the spaces the viewer can read, best first.',
  })
  search(@CurrentViewer() viewer: Viewer, @Args() args: SearchArgs): Promise<Connection<SearchHit>> {
    return this.service.search(viewer.userId, args);
  }

  @Query(() => [MentionCandidate], {
    description: 'Autocomplete for @mentions: people who can read the space, by name (customers see co-members only).',
  })
  mentionCandidates(@CurrentViewer() viewer: Viewer, @Args() args: MentionCandidatesArgs): Promise<MentionCandidate[]> {
    return this.service.mentionCandidates(viewer.userId, args);
  }
}
