import type { MigrationInterface, QueryRunner } from 'typeorm';

const DEFINER = `SECURITY DEFINER SET search_path = pg_catalog, public`;

const POST_SEARCH = `setweight(to_tsvector('ruche_fr', NEW.title), 'A') || setweight(to_tsvector('ruche_en', NEW.title), 'A')
  || setweight(to_tsvector('ruche_fr', NEW.body), 'B') || setweight(to_tsvector('ruche_en', NEW.body), 'B')`;
const COMMENT_SEARCH = `to_tsvector('ruche_fr', NEW.body) || to_tsvector('ruche_en', NEW.body)`;

/** score and hot_rank of a post whose counts become these (posts_rescore's formula, inline). */
const rank = (reactions: string, comments: string, votes: string) =>
  `score = ${reactions} + 2 * ${comments} + 2 * ${votes},
   hot_rank = log(greatest(${reactions} + 2 * ${comments} + 2 * ${votes}, 1)) + extract(epoch FROM created_at) / 45000`;

const OUTBOX_COLUMNS = 'deleted_at, idea_status, title, body, tags, pinned_at, hidden_at, edited_at';

/**
 * A reaction, vote or comment rewrites its post's row once, not twice (the count, then posts_rescore), and
 * no longer recomputes the post's full-text vector: a stored generated column is computed again on every
 * UPDATE of its row, four to_tsvector calls per counter change. The vectors are now kept by triggers that
 * fire only when the text changes, with the same expressions, and the post's outbox trigger only fires for
 * the columns its events are about.
 */
export class CheaperCounters1764760000000 implements MigrationInterface {
  name = 'CheaperCounters1764760000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, expression, columns] of [
      ['posts', POST_SEARCH, 'title, body'],
      ['comments', COMMENT_SEARCH, 'body'],
    ]) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN search DROP EXPRESSION`);
      await q.query(`
        CREATE FUNCTION ${table}_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search := ${expression};
          RETURN NEW;
        END $$`);
      await q.query(`CREATE TRIGGER ${table}_search BEFORE INSERT OR UPDATE OF ${columns} ON ${table}
                     FOR EACH ROW EXECUTE FUNCTION ${table}_search()`);
    }
    await q.query(`
      CREATE FUNCTION ruche_jsonb_add(p_counts jsonb, p_key text, p_delta int) RETURNS jsonb
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN p_key IS NULL THEN p_counts
                    ELSE jsonb_set(p_counts, ARRAY[p_key], to_jsonb(coalesce((p_counts ->> p_key)::int, 0) + p_delta)) END
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION post_reactions_count() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      DECLARE delta int := CASE TG_OP WHEN 'INSERT' THEN 1 WHEN 'DELETE' THEN -1 ELSE 0 END;
      BEGIN
        UPDATE posts SET reaction_count = reaction_count + delta,
          reaction_counts = ruche_jsonb_add(ruche_jsonb_add(reaction_counts, OLD.kind, -1), NEW.kind, 1),
          ${rank('(reaction_count + delta)', 'comment_count', 'vote_count')}
        WHERE id = coalesce(NEW.post_id, OLD.post_id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION idea_votes_count() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      DECLARE delta int := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
      BEGIN
        UPDATE posts SET vote_count = vote_count + delta, ${rank('reaction_count', 'comment_count', '(vote_count + delta)')}
        WHERE id = coalesce(NEW.post_id, OLD.post_id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION comments_count() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      DECLARE delta int := 0; answered boolean := false;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          delta := 1;
          IF NOT NEW.author_is_customer THEN
            UPDATE posts SET first_response_at = NEW.created_at, comment_count = comment_count + 1,
              ${rank('reaction_count', '(comment_count + 1)', 'vote_count')}
            WHERE id = NEW.post_id AND first_response_at IS NULL AND (author_is_customer OR kind = 'QUESTION')
              AND author_id IS DISTINCT FROM NEW.author_id;
            answered := FOUND;
            IF answered THEN UPDATE comments SET first_response = true WHERE id = NEW.id; END IF;
          END IF;
        ELSIF TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
          delta := -1;
        END IF;
        IF delta <> 0 AND NOT answered THEN
          UPDATE posts SET comment_count = comment_count + delta, ${rank('reaction_count', '(comment_count + delta)', 'vote_count')}
          WHERE id = NEW.post_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER posts_outbox ON posts`);
    await q.query(`CREATE TRIGGER posts_outbox AFTER INSERT OR UPDATE OF ${OUTBOX_COLUMNS} ON posts
                   FOR EACH ROW EXECUTE FUNCTION posts_outbox()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER posts_outbox ON posts`);
    await q.query(
      `CREATE TRIGGER posts_outbox AFTER INSERT OR UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION posts_outbox()`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION post_reactions_count() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
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
    await q.query(`
      CREATE OR REPLACE FUNCTION idea_votes_count() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
      BEGIN
        UPDATE posts SET vote_count = vote_count + (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
        WHERE id = coalesce(NEW.post_id, OLD.post_id);
        PERFORM posts_rescore(coalesce(NEW.post_id, OLD.post_id));
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION comments_count() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
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
    await q.query(`DROP FUNCTION ruche_jsonb_add(jsonb, text, int)`);
    for (const [table, expression] of [
      ['posts', POST_SEARCH],
      ['comments', COMMENT_SEARCH],
    ]) {
      await q.query(`DROP TRIGGER ${table}_search ON ${table}`);
      await q.query(`DROP FUNCTION ${table}_search()`);
      await q.query(`DROP INDEX ${table}_search_idx`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN search`);
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN search tsvector GENERATED ALWAYS AS (${expression.replace(/NEW\./g, '')}) STORED`,
      );
      await q.query(`CREATE INDEX ${table}_search_idx ON ${table} USING gin (search)`);
    }
  }
}
