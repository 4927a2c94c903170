import type { MigrationInterface, QueryRunner } from 'typeorm';

const COUNTS = ['posts', 'ideas', 'comments', 'reactions', 'votes', 'views'];

const sums = (source: string) =>
  `count(*) FILTER (WHERE ${source}.type = 'POST'), count(*) FILTER (WHERE ${source}.type = 'IDEA'),
   count(*) FILTER (WHERE ${source}.type = 'COMMENT'), count(*) FILTER (WHERE ${source}.type = 'REACTION'),
   count(*) FILTER (WHERE ${source}.type = 'VOTE'), count(*) FILTER (WHERE ${source}.type = 'VIEW')`;
const addUp = (table: string) => COUNTS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');

/** A year's days as bits (bit 0 is 1 January): the day's bit set. */
const dayBit = (day: string) =>
  `set_bit(repeat('0', 366)::bit(366), ${day} - make_date(extract(year FROM ${day})::int, 1, 1), 1)`;

/**
 * The ingest function's rollup statements, and the rebuild's, with or without the two rollups this migration
 * adds (without: as CreateAnalytics wrote them, for `down`).
 */
function rollupSql(withOrganization: boolean) {
  const ingest = `DECLARE lo date; hi date; stored integer;
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
       )${
         withOrganization
           ? `, organization_person AS (
         INSERT INTO engagement_org_person_daily (organization_id, day, person_id, customer, customer_account_id,
           ${COUNTS.join(', ')})
         SELECT organization_id, day, actor_id, bool_or(actor_kind = 'CUSTOMER'), min(customer_account_id::text)::uuid,
                ${sums('stored')}
         FROM stored GROUP BY organization_id, day, actor_id ORDER BY 1, 2, 3
         ON CONFLICT (organization_id, day, person_id) DO UPDATE SET ${addUp('engagement_org_person_daily')},
           customer = engagement_org_person_daily.customer OR excluded.customer,
           customer_account_id = least(engagement_org_person_daily.customer_account_id, excluded.customer_account_id)
       ), space_people AS (
         INSERT INTO engagement_space_people (organization_id, space_id, person_id, year, active)
         SELECT organization_id, space_id, actor_id, extract(year FROM day)::smallint, bit_or(${dayBit('day')})
         FROM stored GROUP BY 1, 2, 3, 4 ORDER BY 2, 4, 3
         ON CONFLICT (space_id, year, person_id) DO UPDATE SET active = engagement_space_people.active | excluded.active
       )`
           : ''
       }
       SELECT count(*) INTO stored FROM stored;
       RETURN stored;
     END`;
  const tables = withOrganization
    ? 'engagement_daily, engagement_person_daily, engagement_org_person_daily, engagement_space_people'
    : 'engagement_daily, engagement_person_daily';
  // The rebuilt rows are written in day order: reports read a range of days, and rows in hash order would
  // spread a 90-day range over most of the table's pages (measured: 10,070 pages for 26,450 rows).
  const order = (columns: string) => (withOrganization ? ` ORDER BY ${columns}` : '');
  const rebuild = `DECLARE n bigint;
     BEGIN
       LOCK TABLE ${tables} IN EXCLUSIVE MODE;
       TRUNCATE ${tables};
       INSERT INTO engagement_daily (organization_id, space_id, day, actor_kind, customer_account_id, ${COUNTS.join(', ')})
       SELECT organization_id, space_id, day, actor_kind, customer_account_id, ${sums('e')}
       FROM engagement_events e GROUP BY 1, 2, 3, 4, 5${order('day, space_id')};
       INSERT INTO engagement_person_daily (organization_id, space_id, day, person_id, actor_kind,
         customer_account_id, ${COUNTS.join(', ')})
       SELECT organization_id, space_id, day, actor_id, min(actor_kind), min(customer_account_id::text)::uuid, ${sums('e')}
       FROM engagement_events e GROUP BY organization_id, space_id, day, actor_id${order('day, space_id, actor_id')};${
         withOrganization
           ? `
       -- From the per-space rollup just built: a row per person and day instead of one per event.
       INSERT INTO engagement_org_person_daily (organization_id, day, person_id, customer, customer_account_id,
         ${COUNTS.join(', ')})
       SELECT organization_id, day, person_id, bool_or(actor_kind = 'CUSTOMER'), min(customer_account_id::text)::uuid,
              ${COUNTS.map((c) => `sum(${c})`).join(', ')}
       FROM engagement_person_daily GROUP BY organization_id, day, person_id ORDER BY organization_id, day, person_id;
       INSERT INTO engagement_space_people (organization_id, space_id, person_id, year, active)
       SELECT organization_id, space_id, person_id, extract(year FROM day)::smallint, bit_or(${dayBit('day')})
       FROM engagement_person_daily GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2, 3;`
           : ''
       }
       SELECT count(*) INTO n FROM engagement_events;
       RETURN n;
     END`;
  return { ingest, rebuild };
}

/**
 * Two more rollups, so that an organization's report reads one row per person and day (not one per person,
 * space and day) and the people of each space over a period come from one row per person and space a year
 * (a bit per day) instead of their daily rows. Both are kept in the same statement as the others and rebuilt
 * with them.
 */
export class CreateOrganizationRollups1764720000000 implements MigrationInterface {
  name = 'CreateOrganizationRollups1764720000000';

  async up(q: QueryRunner): Promise<void> {
    const counts = COUNTS.map((c) => `${c} int NOT NULL DEFAULT 0`).join(', ');
    // customer and customer_account_id: the person's on that day (any customer event; the smallest company).
    await q.query(`
      CREATE TABLE engagement_org_person_daily (
        organization_id uuid NOT NULL,
        day date NOT NULL,
        person_id uuid NOT NULL,
        customer boolean NOT NULL,
        customer_account_id uuid,
        ${counts},
        PRIMARY KEY (organization_id, day, person_id)
      )`);
    await q.query(`
      CREATE TABLE engagement_space_people (
        organization_id uuid NOT NULL,
        space_id uuid NOT NULL,
        person_id uuid NOT NULL,
        year smallint NOT NULL,
        active bit(366) NOT NULL,
        PRIMARY KEY (space_id, year, person_id)
      )`);
    await q.query(`CREATE INDEX engagement_space_people_org_idx ON engagement_space_people (organization_id, year)`);
    const analystOrg = `organization_id = ANY ((SELECT ruche_analyst_orgs())::uuid[])`;
    const managedSpace = `space_id = ANY ((SELECT ruche_managed_spaces())::uuid[])`;
    for (const [table, read] of [
      // The whole organization's people: its analysts only.
      ['engagement_org_person_daily', analystOrg],
      ['engagement_space_people', `${analystOrg} OR ${managedSpace}`],
    ]) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
      await q.query(`CREATE POLICY app_read ON ${table} FOR SELECT TO ruche_app USING (${read})`);
      await q.query(`GRANT SELECT ON ${table} TO ruche_app`);
    }
    await this.functions(q, true);
    // Fill them from what is already counted (the rebuild's statements, without recounting the raw events).
    await q.query(`
      INSERT INTO engagement_org_person_daily (organization_id, day, person_id, customer, customer_account_id,
        ${COUNTS.join(', ')})
      SELECT organization_id, day, person_id, bool_or(actor_kind = 'CUSTOMER'), min(customer_account_id::text)::uuid,
             ${COUNTS.map((c) => `sum(${c})`).join(', ')}
      FROM engagement_person_daily GROUP BY organization_id, day, person_id`);
    await q.query(`
      INSERT INTO engagement_space_people (organization_id, space_id, person_id, year, active)
      SELECT organization_id, space_id, person_id, extract(year FROM day)::smallint, bit_or(${dayBit('day')})
      FROM engagement_person_daily GROUP BY 1, 2, 3, 4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.functions(q, false);
    await q.query(`DROP TABLE engagement_space_people`);
    await q.query(`DROP TABLE engagement_org_person_daily`);
  }

  private async functions(q: QueryRunner, withOrganization: boolean) {
    const { ingest, rebuild } = rollupSql(withOrganization);
    // CREATE OR REPLACE keeps the functions' owner and grants, not their settings: work_mem is set again.
    await q.query(`CREATE OR REPLACE FUNCTION ruche_analytics_ingest(p_events jsonb) RETURNS integer LANGUAGE plpgsql
                   VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$ ${ingest} $$`);
    await q.query(`CREATE OR REPLACE FUNCTION ruche_analytics_rebuild() RETURNS bigint LANGUAGE plpgsql
                   VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$ ${rebuild} $$`);
    for (const fn of ['ruche_analytics_ingest(jsonb)', 'ruche_analytics_rebuild()']) {
      await q.query(`ALTER FUNCTION ${fn} SET work_mem = '64MB'`);
    }
  }
}
