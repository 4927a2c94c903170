import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = [
  'engagement_visits',
  'engagement_events',
  'engagement_daily',
  'engagement_person_daily',
  'analytics_settings',
  'objectives',
  'kpis',
  'kpi_values',
  'effort_logs',
];

/** The contribution columns a rollup row sums; views are not contributions. */
const COUNTS = ['posts', 'ideas', 'comments', 'reactions', 'votes', 'views'];

/**
 * Engagement analytics: raw events (from the event stream, plus views the clients report), partitioned by
 * month; two rollups kept up to date in the transaction that inserts the raw rows (per space × day × actor
 * kind × customer company, and per person × space × day), so a report reads at most one row per person and
 * day whatever the history; objectives, KPIs and their values; effort logs for ROE.
 *
 * The app role writes raw events and rollups only through the definer functions below (it cannot forge or
 * edit a count); managers read what belongs to organizations they analyse, space owners and moderators what
 * belongs to their spaces; the analytics service aggregates and suppresses small groups before anything
 * leaves the API.
 */
export class CreateAnalytics1764710000000 implements MigrationInterface {
  name = 'CreateAnalytics1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE engagement_events (
        day date NOT NULL,
        occurred_at timestamptz NOT NULL,
        organization_id uuid NOT NULL,
        space_id uuid NOT NULL,
        actor_id uuid NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('EMPLOYEE', 'CUSTOMER', 'STAFF')),
        customer_account_id uuid,
        type text NOT NULL CHECK (type IN ('POST', 'IDEA', 'COMMENT', 'REACTION', 'VOTE', 'VIEW')),
        subject_id uuid,
        -- Views: one per person, post and day (a hash of both); NULL for stream events, which the consumer's
        -- position already makes exactly-once.
        dedupe bigint,
        event_id bigint
      ) PARTITION BY RANGE (day)`);
    await q.query(`CREATE TABLE engagement_events_default PARTITION OF engagement_events DEFAULT`);
    // Partitions are read through the parent only: RLS on, no policy, no grant.
    await q.query(`ALTER TABLE engagement_events_default ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE engagement_events_default FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE INDEX engagement_events_time_brin ON engagement_events USING brin (occurred_at)`);
    // Partial: stream events have no dedupe key and need no index entry (their position makes them exactly-once).
    await q.query(
      `CREATE UNIQUE INDEX engagement_events_dedupe_key ON engagement_events (day, dedupe) WHERE dedupe IS NOT NULL`,
    );

    const counts = COUNTS.map((c) => `${c} int NOT NULL DEFAULT 0`).join(', ');
    await q.query(`
      CREATE TABLE engagement_daily (
        organization_id uuid NOT NULL,
        space_id uuid NOT NULL,
        day date NOT NULL,
        actor_kind text NOT NULL,
        customer_account_id uuid,
        ${counts},
        CONSTRAINT engagement_daily_key UNIQUE NULLS NOT DISTINCT (space_id, day, actor_kind, customer_account_id)
      )`);
    await q.query(`CREATE INDEX engagement_daily_org_idx ON engagement_daily (organization_id, day)`);
    await q.query(`
      CREATE TABLE engagement_person_daily (
        organization_id uuid NOT NULL,
        space_id uuid NOT NULL,
        day date NOT NULL,
        person_id uuid NOT NULL,
        actor_kind text NOT NULL,
        customer_account_id uuid,
        ${counts},
        PRIMARY KEY (space_id, day, person_id)
      )`);
    await q.query(`CREATE INDEX engagement_person_daily_org_idx ON engagement_person_daily (organization_id, day)`);

    // A visit: a person's first authenticated request of the day, once per organization they belong to.
    await q.query(`
      CREATE TABLE engagement_visits (
        organization_id uuid NOT NULL,
        day date NOT NULL,
        person_id uuid NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('EMPLOYEE', 'CUSTOMER')),
        customer_account_id uuid,
        PRIMARY KEY (organization_id, day, person_id)
      )`);
    await q.query(`
      CREATE TABLE analytics_settings (
        organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
        weights jsonb NOT NULL DEFAULT '{"POST": 5, "IDEA": 5, "COMMENT": 3, "VOTE": 1, "REACTION": 1, "VIEW": 0.1}',
        currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE objectives (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
        kind text NOT NULL CHECK (kind IN ('SALES', 'CUSTOMER_CARE', 'AWARENESS', 'INNOVATION')),
        starts_on date NOT NULL,
        ends_on date NOT NULL CHECK (ends_on >= starts_on),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz
      )`);
    await q.query(`CREATE INDEX objectives_org_idx ON objectives (organization_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE kpis (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        objective_id uuid NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        source text NOT NULL CHECK (source IN ('COMPUTED', 'BUSINESS')),
        metric text,
        unit text NOT NULL DEFAULT '' CHECK (length(unit) <= 40),
        direction text NOT NULL CHECK (direction IN ('INCREASE', 'DECREASE')),
        baseline numeric(18, 4),
        target numeric(18, 4) NOT NULL,
        period text NOT NULL CHECK (period IN ('WEEK', 'MONTH', 'QUARTER')),
        -- What one unit of improvement is worth, for ROI (business KPIs only).
        unit_value numeric(14, 2) CHECK (unit_value >= 0),
        space_id uuid REFERENCES spaces (id) ON DELETE SET NULL,
        position int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((source = 'COMPUTED') = (metric IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX kpis_objective_idx ON kpis (objective_id, position)`);
    await q.query(`
      CREATE TABLE kpi_values (
        kpi_id uuid NOT NULL REFERENCES kpis (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        period_start date NOT NULL,
        value numeric(18, 4) NOT NULL,
        note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
        recorded_by uuid REFERENCES users (id) ON DELETE SET NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kpi_id, period_start)
      )`);
    await q.query(`
      CREATE TABLE effort_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        period_start date NOT NULL,
        period_end date NOT NULL CHECK (period_end >= period_start),
        hours numeric(10, 2) NOT NULL CHECK (hours >= 0 AND hours <= 100000),
        cost numeric(14, 2) NOT NULL DEFAULT 0 CHECK (cost >= 0),
        note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
        logged_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX effort_logs_org_idx ON effort_logs (organization_id, period_start)`);
    await q.query(`CREATE INDEX effort_logs_space_idx ON effort_logs (space_id, period_start)`);

    const definer = (signature: string, returns: string, language: string, body: string, volatility = 'VOLATILE') =>
      q.query(`CREATE FUNCTION ${signature} RETURNS ${returns} LANGUAGE ${language} ${volatility} SECURITY DEFINER
               SET search_path = pg_catalog, public AS $$ ${body} $$`);

    await definer(
      'ruche_analyst_orgs()',
      'uuid[]',
      'sql',
      `SELECT coalesce(array_agg(organization_id), '{}') FROM organization_memberships
       WHERE user_id = ruche_viewer() AND role IN ('OWNER', 'ADMIN', 'MANAGER')`,
      'STABLE',
    );

    // One partition per month, made when the first event of that month arrives (the default partition takes
    // nothing the monthly ones would).
    await definer(
      'ruche_analytics_partitions(p_from date, p_to date)',
      'void',
      'plpgsql',
      `DECLARE m date := date_trunc('month', p_from)::date; name text;
       BEGIN
         PERFORM pg_advisory_xact_lock(hashtext('ruche_analytics_partitions'));
         WHILE m <= p_to LOOP
           name := 'engagement_events_' || to_char(m, 'YYYYMM');
           IF to_regclass('public.' || name) IS NULL THEN
             EXECUTE format('CREATE TABLE public.%I PARTITION OF public.engagement_events FOR VALUES FROM (%L) TO (%L)',
                            name, m, (m + interval '1 month')::date);
             EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', name);
             EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', name);
           END IF;
           m := (m + interval '1 month')::date;
         END LOOP;
       END`,
    );

    const sums = (source: string) =>
      `count(*) FILTER (WHERE ${source}.type = 'POST'), count(*) FILTER (WHERE ${source}.type = 'IDEA'),
       count(*) FILTER (WHERE ${source}.type = 'COMMENT'), count(*) FILTER (WHERE ${source}.type = 'REACTION'),
       count(*) FILTER (WHERE ${source}.type = 'VOTE'), count(*) FILTER (WHERE ${source}.type = 'VIEW')`;
    const addUp = (table: string) => COUNTS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
    // Batches of thousands of events sort and hash in memory rather than spill to disk.
    const bulk = `ALTER FUNCTION %s SET work_mem = '64MB'`;
    // Raw rows and both rollups in one statement: a row counted is a row stored, and a duplicate view
    // (ON CONFLICT DO NOTHING) counts nowhere. Groups are upserted in key order so concurrent batches lock
    // rollup rows in the same order.
    await definer(
      'ruche_analytics_ingest(p_events jsonb)',
      'integer',
      'plpgsql',
      `DECLARE lo date; hi date; stored integer;
       BEGIN
         SELECT min((e ->> 'day')::date), max((e ->> 'day')::date) INTO lo, hi FROM jsonb_array_elements(p_events) e;
         IF lo IS NULL THEN RETURN 0; END IF;
         PERFORM ruche_analytics_partitions(lo, hi);
         WITH input AS (
           SELECT * FROM jsonb_to_recordset(p_events) AS x(day date, occurred_at timestamptz, organization_id uuid,
             space_id uuid, actor_id uuid, actor_kind text, customer_account_id uuid, type text, subject_id uuid,
             dedupe bigint, event_id bigint)
         ), stored AS (
           INSERT INTO engagement_events
           SELECT day, occurred_at, organization_id, space_id, actor_id, actor_kind, customer_account_id, type,
                  subject_id, dedupe, event_id FROM input
           ON CONFLICT (day, dedupe) WHERE dedupe IS NOT NULL DO NOTHING
           RETURNING *
         ), daily AS (
           INSERT INTO engagement_daily (organization_id, space_id, day, actor_kind, customer_account_id, ${COUNTS.join(', ')})
           SELECT organization_id, space_id, day, actor_kind, customer_account_id, ${sums('stored')}
           FROM stored GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
           ON CONFLICT ON CONSTRAINT engagement_daily_key DO UPDATE SET ${addUp('engagement_daily')}
         ), person AS (
           INSERT INTO engagement_person_daily (organization_id, space_id, day, person_id, actor_kind,
             customer_account_id, ${COUNTS.join(', ')})
           SELECT organization_id, space_id, day, actor_id, min(actor_kind), min(customer_account_id::text)::uuid,
                  ${sums('stored')}
           FROM stored GROUP BY organization_id, space_id, day, actor_id ORDER BY 2, 3, 4
           ON CONFLICT (space_id, day, person_id) DO UPDATE SET ${addUp('engagement_person_daily')},
             -- The same kind and company as a rebuild picks (min), whatever the order events arrived in.
             actor_kind = least(engagement_person_daily.actor_kind, excluded.actor_kind),
             customer_account_id = least(engagement_person_daily.customer_account_id, excluded.customer_account_id)
         )
         SELECT count(*) INTO stored FROM stored;
         RETURN stored;
       END`,
    );
    // Views the viewer reports: only of posts they may read now, one per person, post and day.
    await definer(
      'ruche_analytics_record_views(p_posts uuid[], p_at timestamptz)',
      'integer',
      'sql',
      `SELECT ruche_analytics_ingest(coalesce(jsonb_agg(jsonb_build_object(
         'day', (p_at AT TIME ZONE 'UTC')::date, 'occurred_at', p_at, 'organization_id', p.organization_id,
         'space_id', p.space_id, 'actor_id', ruche_viewer(), 'actor_kind', f.actor_kind,
         'customer_account_id', f.customer_account_id, 'type', 'VIEW', 'subject_id', p.id,
         'dedupe', hashtextextended(ruche_viewer()::text || ':' || p.id::text, 0))), '[]'))
       FROM posts p CROSS JOIN LATERAL ruche_actor_facts(ruche_viewer(), p.space_id) f
       WHERE p.id = ANY (p_posts) AND p.deleted_at IS NULL AND ruche_viewer() IS NOT NULL
         AND p.space_id = ANY (ruche_readable_spaces())`,
    );
    // Returns the organizations the person belongs to: a person in none yet (signing up, accepting an invitation)
    // is asked again on their next request.
    await definer(
      'ruche_analytics_record_visit(p_day date)',
      'integer',
      'sql',
      `WITH stored AS (
         INSERT INTO engagement_visits (organization_id, day, person_id, actor_kind, customer_account_id)
         SELECT om.organization_id, p_day, om.user_id, CASE WHEN om.role = 'CUSTOMER' THEN 'CUSTOMER' ELSE 'EMPLOYEE' END,
                om.customer_account_id
         FROM organization_memberships om WHERE om.user_id = ruche_viewer()
         ON CONFLICT DO NOTHING)
       SELECT count(*)::int FROM organization_memberships WHERE user_id = ruche_viewer()`,
    );
    // npm run analytics:rebuild: both rollups recomputed from the raw events.
    await definer(
      'ruche_analytics_rebuild()',
      'bigint',
      'plpgsql',
      `DECLARE n bigint;
       BEGIN
         LOCK TABLE engagement_daily, engagement_person_daily IN EXCLUSIVE MODE;
         TRUNCATE engagement_daily, engagement_person_daily;
         INSERT INTO engagement_daily (organization_id, space_id, day, actor_kind, customer_account_id, ${COUNTS.join(', ')})
         SELECT organization_id, space_id, day, actor_kind, customer_account_id, ${sums('e')}
         FROM engagement_events e GROUP BY 1, 2, 3, 4, 5;
         INSERT INTO engagement_person_daily (organization_id, space_id, day, person_id, actor_kind,
           customer_account_id, ${COUNTS.join(', ')})
         SELECT organization_id, space_id, day, actor_id, min(actor_kind), min(customer_account_id::text)::uuid, ${sums('e')}
         FROM engagement_events e GROUP BY organization_id, space_id, day, actor_id;
         SELECT count(*) INTO n FROM engagement_events;
         RETURN n;
       END`,
    );
    // What a report needs of the domain tables, whole (row-level security would show a manager only the
    // spaces they read), for analysts of the organization or the staff of the one space asked; the service
    // aggregates and suppresses before anything leaves the API.
    const analysable = `(p_org = ANY (ruche_analyst_orgs()) OR (p_space IS NOT NULL AND p_space = ANY (ruche_managed_spaces())))`;
    await definer(
      'ruche_analytics_members(p_org uuid, p_space uuid)',
      'TABLE (actor_kind text, customer_account_id uuid, people bigint)',
      'sql',
      `SELECT CASE WHEN m.role = 'CUSTOMER' THEN 'CUSTOMER' ELSE 'EMPLOYEE' END, m.customer_account_id, count(*)
       FROM organization_memberships m
       WHERE p_space IS NULL AND m.organization_id = p_org AND ${analysable}
       GROUP BY 1, 2
       UNION ALL
       SELECT CASE WHEN sm.role = 'CUSTOMER' THEN 'CUSTOMER' ELSE 'EMPLOYEE' END, sm.customer_account_id, count(*)
       FROM space_memberships sm JOIN spaces s ON s.id = sm.space_id
       WHERE p_space IS NOT NULL AND sm.space_id = p_space AND s.organization_id = p_org AND ${analysable}
       GROUP BY 1, 2`,
      'STABLE',
    );
    await definer(
      'ruche_analytics_posts(p_org uuid, p_space uuid, p_from timestamptz, p_to timestamptz)',
      `TABLE (id uuid, space_id uuid, kind text, author_id uuid, author_kind text, customer_account_id uuid,
              created_at timestamptz, first_response_at timestamptz, responder_kind text, idea_status text,
              estimated_value numeric)`,
      'sql',
      `SELECT p.id, p.space_id, p.kind, p.author_id,
              CASE WHEN p.author_is_customer THEN 'CUSTOMER' ELSE 'EMPLOYEE' END,
              sm.customer_account_id, p.created_at, p.first_response_at,
              (SELECT CASE WHEN rm.role IN ('OWNER', 'MODERATOR') THEN 'STAFF' ELSE 'EMPLOYEE' END
               FROM comments c LEFT JOIN space_memberships rm ON rm.space_id = c.space_id AND rm.user_id = c.author_id
               WHERE c.post_id = p.id AND c.first_response LIMIT 1),
              p.idea_status, p.estimated_value
       FROM posts p
       LEFT JOIN space_memberships sm ON sm.space_id = p.space_id AND sm.user_id = p.author_id
       WHERE p.organization_id = p_org AND (p_space IS NULL OR p.space_id = p_space)
         AND p.created_at >= p_from AND p.created_at < p_to AND p.deleted_at IS NULL
         AND (p.author_is_customer OR p.kind IN ('QUESTION', 'IDEA')) AND ${analysable}`,
      'STABLE',
    );
    // The history of the ideas submitted in the period (the funnel follows them to today).
    await definer(
      'ruche_analytics_idea_changes(p_org uuid, p_space uuid, p_from timestamptz, p_to timestamptz)',
      'TABLE (post_id uuid, to_status text, created_at timestamptz)',
      'sql',
      `SELECT h.post_id, h.to_status, h.created_at FROM posts p JOIN idea_status_changes h ON h.post_id = p.id
       WHERE p.organization_id = p_org AND (p_space IS NULL OR p.space_id = p_space) AND p.kind = 'IDEA'
         AND p.deleted_at IS NULL AND p.created_at >= p_from AND p.created_at < p_to AND ${analysable}`,
      'STABLE',
    );
    // ROI's first term: the estimated value of the ideas implemented in the period.
    await definer(
      'ruche_analytics_implemented_value(p_org uuid, p_space uuid, p_from timestamptz, p_to timestamptz)',
      'numeric',
      'sql',
      `SELECT coalesce(sum(p.estimated_value), 0) FROM posts p
       WHERE p.id IN (SELECT h.post_id FROM idea_status_changes h
                      WHERE h.to_status = 'IMPLEMENTED' AND h.created_at >= p_from AND h.created_at < p_to)
         AND p.organization_id = p_org AND (p_space IS NULL OR p.space_id = p_space)
         AND p.idea_status = 'IMPLEMENTED' AND p.deleted_at IS NULL AND ${analysable}`,
      'STABLE',
    );
    await q.query(`CREATE INDEX posts_org_created_idx ON posts (organization_id, created_at)`);
    await q.query(`CREATE INDEX idea_status_changes_time_idx ON idea_status_changes (created_at)`);
    for (const fn of ['ruche_analytics_ingest(jsonb)', 'ruche_analytics_rebuild()']) {
      await q.query(bulk.replace('%s', fn));
    }
    for (const fn of [
      'ruche_analyst_orgs()',
      'ruche_analytics_ingest(jsonb)',
      'ruche_analytics_record_views(uuid[], timestamptz)',
      'ruche_analytics_record_visit(date)',
      'ruche_analytics_members(uuid, uuid)',
      'ruche_analytics_posts(uuid, uuid, timestamptz, timestamptz)',
      'ruche_analytics_idea_changes(uuid, uuid, timestamptz, timestamptz)',
      'ruche_analytics_implemented_value(uuid, uuid, timestamptz, timestamptz)',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ruche_app`);
    }
    for (const fn of ['ruche_analytics_partitions(date, date)', 'ruche_analytics_rebuild()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }

    for (const table of TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
    }
    const policy = (table: string, name: string, command: string, clause: string) =>
      q.query(`CREATE POLICY app_${name} ON ${table} FOR ${command} TO ruche_app ${clause}`);
    const analystOrg = (col: string) => `${col} = ANY ((SELECT ruche_analyst_orgs())::uuid[])`;
    const adminOrg = (col: string) => `${col} = ANY ((SELECT ruche_admin_orgs())::uuid[])`;
    const managedSpace = (col: string) => `${col} = ANY ((SELECT ruche_managed_spaces())::uuid[])`;
    const me = (col: string) => `${col} = ruche_viewer()`;

    for (const table of ['engagement_events', 'engagement_daily', 'engagement_person_daily']) {
      await policy(table, 'read', 'SELECT', `USING (${analystOrg('organization_id')} OR ${managedSpace('space_id')})`);
      await q.query(`GRANT SELECT ON ${table} TO ruche_app`);
    }
    await policy('engagement_visits', 'read', 'SELECT', `USING (${analystOrg('organization_id')})`);
    await q.query(`GRANT SELECT ON engagement_visits TO ruche_app`);
    await policy('analytics_settings', 'read', 'SELECT', `USING (${analystOrg('organization_id')})`);
    await policy('analytics_settings', 'create', 'INSERT', `WITH CHECK (${adminOrg('organization_id')})`);
    await policy(
      'analytics_settings',
      'manage',
      'UPDATE',
      `USING (${adminOrg('organization_id')}) WITH CHECK (${adminOrg('organization_id')})`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON analytics_settings TO ruche_app`);

    for (const table of ['objectives', 'kpis']) {
      await policy(table, 'read', 'SELECT', `USING (${analystOrg('organization_id')})`);
      await policy(table, 'create', 'INSERT', `WITH CHECK (${analystOrg('organization_id')})`);
      await policy(
        table,
        'manage',
        'UPDATE',
        `USING (${analystOrg('organization_id')}) WITH CHECK (${analystOrg('organization_id')})`,
      );
    }
    await policy('kpis', 'remove', 'DELETE', `USING (${analystOrg('organization_id')})`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON objectives TO ruche_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON kpis TO ruche_app`);
    await policy('kpi_values', 'read', 'SELECT', `USING (${analystOrg('organization_id')})`);
    await policy(
      'kpi_values',
      'record',
      'INSERT',
      `WITH CHECK (${analystOrg('organization_id')} AND ${me('recorded_by')})`,
    );
    await policy(
      'kpi_values',
      'correct',
      'UPDATE',
      `USING (${analystOrg('organization_id')}) WITH CHECK (${analystOrg('organization_id')} AND ${me('recorded_by')})`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON kpi_values TO ruche_app`);
    // Effort: managers for the organization, a space's owners and moderators for their space.
    await policy(
      'effort_logs',
      'read',
      'SELECT',
      `USING (${analystOrg('organization_id')} OR ${managedSpace('space_id')})`,
    );
    await policy(
      'effort_logs',
      'log',
      'INSERT',
      `WITH CHECK ((${analystOrg('organization_id')} OR ${managedSpace('space_id')}) AND ${me('logged_by')})`,
    );
    await q.query(`GRANT SELECT, INSERT ON effort_logs TO ruche_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of [
      'ruche_analytics_members(uuid, uuid)',
      'ruche_analytics_posts(uuid, uuid, timestamptz, timestamptz)',
      'ruche_analytics_idea_changes(uuid, uuid, timestamptz, timestamptz)',
      'ruche_analytics_implemented_value(uuid, uuid, timestamptz, timestamptz)',
      'ruche_analytics_rebuild()',
      'ruche_analytics_record_views(uuid[], timestamptz)',
      'ruche_analytics_record_visit(date)',
      'ruche_analytics_ingest(jsonb)',
      'ruche_analytics_partitions(date, date)',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    await q.query(`DROP INDEX idea_status_changes_time_idx`);
    await q.query(`DROP INDEX posts_org_created_idx`);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION ruche_analyst_orgs()`);
  }
}
