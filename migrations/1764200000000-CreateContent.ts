import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Posts (with the idea fields), revisions, threaded comments, reactions, follows, campaigns, idea votes and
 * the idea status history. Every table carries its space and follows the space's row-level security.
 *
 * Full-text search: `ruche_fr` and `ruche_en` are the French and English configurations with accents folded
 * (unaccent); each searchable row keeps one tsvector built with both, so a query in either language matches.
 */
const TABLES = [
  'posts',
  'post_revisions',
  'comments',
  'post_reactions',
  'post_follows',
  'campaigns',
  'idea_votes',
  'idea_status_changes',
];

export class CreateContent1764200000000 implements MigrationInterface {
  name = 'CreateContent1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    for (const [name, stem] of [
      ['ruche_fr', 'french_stem'],
      ['ruche_en', 'english_stem'],
    ]) {
      await q.query(`CREATE TEXT SEARCH CONFIGURATION ${name} (COPY = simple)`);
      await q.query(
        `ALTER TEXT SEARCH CONFIGURATION ${name} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, ${stem}`,
      );
      // Plain-ASCII words are stemmed too ("livraisons" finds "livraison"); they have no accent to fold.
      await q.query(
        `ALTER TEXT SEARCH CONFIGURATION ${name} ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH ${stem}`,
      );
    }

    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        question text NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
        starts_at timestamptz NOT NULL,
        deadline timestamptz NOT NULL CHECK (deadline > starts_at),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX campaigns_space_idx ON campaigns (space_id, deadline, id)`);

    await q.query(`
      CREATE TABLE posts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        author_id uuid REFERENCES users (id) ON DELETE SET NULL,
        author_is_customer boolean NOT NULL,
        kind text NOT NULL CHECK (kind IN ('DISCUSSION', 'QUESTION', 'IDEA', 'ANNOUNCEMENT')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        body text NOT NULL CHECK (length(body) <= 40000),
        body_html text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        mentions uuid[] NOT NULL DEFAULT '{}',
        pinned_at timestamptz,
        edited_at timestamptz,
        edited_by_moderator boolean NOT NULL DEFAULT false,
        deleted_at timestamptz,
        deleted_by uuid,
        hidden_at timestamptz,
        comment_count int NOT NULL DEFAULT 0,
        reaction_count int NOT NULL DEFAULT 0,
        reaction_counts jsonb NOT NULL DEFAULT '{}',
        score int NOT NULL DEFAULT 0,
        hot_rank double precision NOT NULL,
        first_response_at timestamptz,
        idea_status text CHECK (idea_status IN ('NEW', 'UNDER_REVIEW', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED', 'DECLINED', 'MERGED')),
        campaign_id uuid REFERENCES campaigns (id) ON DELETE SET NULL,
        vote_count int NOT NULL DEFAULT 0,
        estimated_value numeric(14, 2),
        merged_into uuid REFERENCES posts (id),
        status_changed_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('ruche_fr', title), 'A') || setweight(to_tsvector('ruche_en', title), 'A')
          || setweight(to_tsvector('ruche_fr', body), 'B') || setweight(to_tsvector('ruche_en', body), 'B')
        ) STORED,
        CHECK ((kind = 'IDEA') = (idea_status IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX posts_space_new_idx ON posts (space_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX posts_space_top_idx ON posts (space_id, score DESC, id DESC)`);
    await q.query(`CREATE INDEX posts_space_hot_idx ON posts (space_id, hot_rank DESC, id DESC)`);
    await q.query(
      `CREATE INDEX posts_ideas_idx ON posts (space_id, idea_status, vote_count DESC, id DESC) WHERE kind = 'IDEA'`,
    );
    await q.query(`CREATE INDEX posts_search_idx ON posts USING gin (search)`);

    await q.query(`
      CREATE TABLE post_revisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        editor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        by_moderator boolean NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        tags text[] NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, created_at, id)`);

    await q.query(`
      CREATE TABLE comments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        parent_id uuid REFERENCES comments (id) ON DELETE CASCADE,
        author_id uuid REFERENCES users (id) ON DELETE SET NULL,
        author_is_customer boolean NOT NULL,
        body text NOT NULL CHECK (length(body) <= 20000),
        body_html text NOT NULL,
        mentions uuid[] NOT NULL DEFAULT '{}',
        first_response boolean NOT NULL DEFAULT false,
        edited_at timestamptz,
        deleted_at timestamptz,
        hidden_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        search tsvector GENERATED ALWAYS AS (to_tsvector('ruche_fr', body) || to_tsvector('ruche_en', body)) STORED
      )`);
    await q.query(`CREATE INDEX comments_post_idx ON comments (post_id, created_at, id)`);
    await q.query(`CREATE INDEX comments_search_idx ON comments USING gin (search)`);

    await q.query(`
      CREATE TABLE post_reactions (
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('LIKE', 'CELEBRATE', 'INSIGHTFUL', 'SUPPORT', 'CURIOUS')),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (post_id, user_id)
      )`);
    await q.query(`
      CREATE TABLE post_follows (
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (post_id, user_id)
      )`);
    await q.query(`CREATE INDEX post_follows_user_idx ON post_follows (user_id)`);
    await q.query(`
      CREATE TABLE idea_votes (
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        customer_account_id uuid REFERENCES customer_accounts (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (post_id, user_id)
      )`);
    await q.query(`CREATE INDEX idea_votes_user_idx ON idea_votes (user_id)`);
    await q.query(`
      CREATE TABLE idea_status_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        note text NOT NULL CHECK (length(note) BETWEEN 1 AND 5000),
        changed_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX idea_status_changes_post_idx ON idea_status_changes (post_id, created_at, id)`);

    // Counters and ranks stay exact in the writing transaction, whoever writes: a customer's vote or reaction
    // changes a post they may not update (definer functions, owned by the migration role).
    await q.query(`
      CREATE FUNCTION posts_rescore(p_post uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
        UPDATE posts SET
          score = reaction_count + 2 * comment_count + 2 * vote_count,
          hot_rank = log(greatest(reaction_count + 2 * comment_count + 2 * vote_count, 1)) + extract(epoch FROM created_at) / 45000
        WHERE id = p_post
      $$`);
    await q.query(`
      CREATE FUNCTION post_reactions_count() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          UPDATE posts SET reaction_count = reaction_count - 1,
            reaction_counts = jsonb_set(reaction_counts, ARRAY[OLD.kind], to_jsonb(coalesce((reaction_counts ->> OLD.kind)::int, 0) - 1))
          WHERE id = OLD.post_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          UPDATE posts SET reaction_count = reaction_count + 1,
            reaction_counts = jsonb_set(reaction_counts, ARRAY[NEW.kind], to_jsonb(coalesce((reaction_counts ->> NEW.kind)::int, 0) + 1))
          WHERE id = NEW.post_id;
        END IF;
        PERFORM posts_rescore(coalesce(NEW.post_id, OLD.post_id));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER post_reactions_count AFTER INSERT OR DELETE OR UPDATE OF kind ON post_reactions
                   FOR EACH ROW EXECUTE FUNCTION post_reactions_count()`);
    await q.query(`
      CREATE FUNCTION idea_votes_count() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      BEGIN
        UPDATE posts SET vote_count = vote_count + (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
        WHERE id = coalesce(NEW.post_id, OLD.post_id);
        PERFORM posts_rescore(coalesce(NEW.post_id, OLD.post_id));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER idea_votes_count AFTER INSERT OR DELETE ON idea_votes
                   FOR EACH ROW EXECUTE FUNCTION idea_votes_count()`);
    // A comment counts while it is not deleted; an employee's first answer to a customer's post or to a
    // question is marked, so time to first response can be measured.
    await q.query(`
      CREATE FUNCTION comments_count() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      DECLARE delta int := 0;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          delta := 1;
          IF NOT NEW.author_is_customer THEN
            UPDATE posts SET first_response_at = NEW.created_at
            WHERE id = NEW.post_id AND first_response_at IS NULL AND (author_is_customer OR kind = 'QUESTION')
              AND author_id IS DISTINCT FROM NEW.author_id;
            IF FOUND THEN UPDATE comments SET first_response = true WHERE id = NEW.id; END IF;
          END IF;
        ELSIF TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
          delta := -1;
        END IF;
        IF delta <> 0 THEN
          UPDATE posts SET comment_count = comment_count + delta WHERE id = NEW.post_id;
          PERFORM posts_rescore(NEW.post_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER comments_count AFTER INSERT OR UPDATE OF deleted_at ON comments
                   FOR EACH ROW EXECUTE FUNCTION comments_count()`);
    for (const fn of ['posts_rescore(uuid)', 'post_reactions_count()', 'idea_votes_count()', 'comments_count()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }

    // --- grants and the second wall: every row follows its space ---
    for (const table of TABLES) {
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ruche_app`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
      await q.query(`CREATE POLICY app_read ON ${table} FOR SELECT TO ruche_app
                     USING (space_id = ANY ((SELECT ruche_readable_spaces())::uuid[]))`);
    }
    // History is kept: revisions and status changes are never changed or deleted by the API.
    await q.query(`REVOKE UPDATE, DELETE ON post_revisions, idea_status_changes FROM ruche_app`);
    const readable = `space_id = ANY ((SELECT ruche_readable_spaces())::uuid[])`;
    const managed = `space_id = ANY ((SELECT ruche_managed_spaces())::uuid[])`;
    const mine = (col: string) => `${col} = ruche_viewer()`;
    const write = (table: string, command: string, clause: string) =>
      q.query(`CREATE POLICY app_${command.toLowerCase()} ON ${table} FOR ${command} TO ruche_app ${clause}`);
    // Authors write their own posts and comments in spaces they read; moderators of the space too.
    for (const table of ['posts', 'comments']) {
      await write(table, 'INSERT', `WITH CHECK (${readable} AND ${mine('author_id')})`);
      await write(table, 'UPDATE', `USING (${readable} AND (${mine('author_id')} OR ${managed}))`);
    }
    await write('post_revisions', 'INSERT', `WITH CHECK (${readable} AND ${mine('editor_id')})`);
    // One's own reactions, follows and votes; a space's managers move votes and followers when merging ideas.
    for (const table of ['post_reactions', 'post_follows', 'idea_votes']) {
      const others = table === 'post_reactions' ? 'false' : managed;
      await write(table, 'INSERT', `WITH CHECK (${readable} AND (${mine('user_id')} OR ${others}))`);
      await write(table, 'DELETE', `USING (${readable} AND (${mine('user_id')} OR ${managed}))`);
      await write(table, 'UPDATE', `USING (${readable} AND ${mine('user_id')})`);
    }
    await write('campaigns', 'INSERT', `WITH CHECK (${managed})`);
    await write('campaigns', 'UPDATE', `USING (${managed})`);
    await write('idea_status_changes', 'INSERT', `WITH CHECK (${managed} AND ${mine('changed_by')})`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse().filter((t) => t !== 'campaigns'))
      await q.query(`DROP TABLE ${table} CASCADE`);
    await q.query(`DROP TABLE campaigns CASCADE`);
    for (const fn of ['posts_rescore(uuid)', 'post_reactions_count()', 'idea_votes_count()', 'comments_count()']) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    await q.query(`DROP TEXT SEARCH CONFIGURATION ruche_en`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION ruche_fr`);
    await q.query(`DROP EXTENSION IF EXISTS unaccent`);
  }
}
