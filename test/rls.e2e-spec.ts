import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { fromGlobalId } from '@ruche/kernel';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, uniqueEmail, type Person } from './support/identity';
import {
  createOrganization,
  createSpace,
  customerOf,
  employeeOf,
  invite,
  SPACES,
  type Organization,
} from './support/spaces';

/** The tables whose rows belong to an organization (migrations/1764100000000-CreateSpaces.ts). */
const TENANT_TABLES = [
  'organizations',
  'organization_domains',
  'organization_memberships',
  'customer_accounts',
  'spaces',
  'space_consent_policies',
  'space_memberships',
  'invitations',
  'consent_records',
  'audit_events',
] as const;
type TenantTable = (typeof TENANT_TABLES)[number];
type Rows = Record<TenantTable, Record<string, any>[]>;

const JOIN = `mutation($id: ID!) { joinSpace(spaceId: $id) { space { id } } }`;
const CREATE_ACCOUNT = `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id } } }`;

const uuid = (globalId: string, type: string) => fromGlobalId(globalId, type);
const sorted = <T>(values: T[]) => [...values].sort();
const uniqueSorted = <T>(values: T[]) => sorted([...new Set(values)]);

/** Rejects with the SQLSTATE of the error, so tests compare codes (42501 = insufficient_privilege). */
async function sqlState(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('row-level security, the second wall', () => {
  let t: TestApp;
  /** Connected as ruche_app, the role the API serves requests with; one connection so reuse is observable. */
  let appPool: Pool;

  beforeAll(async () => {
    t = await createTestApp();
    appPool = new Pool({ connectionString: t.config.database.appUrl, max: 1 });
    appPool.on('error', () => undefined);
  });
  afterAll(async () => {
    await appPool.end();
    await t.close();
  });

  /** One transaction as ruche_app acting for `userId` (none when null), rolled back: probes leave nothing. */
  async function asApp<T>(userId: string | null, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await appPool.connect();
    try {
      await c.query('BEGIN');
      if (userId !== null) await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [userId]);
      return await fn(c);
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  }

  /** `SELECT *` with no WHERE on every tenant table: all that row-level security lets through. */
  const everything = (userId: string | null) =>
    asApp(userId, async (c) => {
      const rows = {} as Rows;
      for (const table of TENANT_TABLES) rows[table] = (await c.query(`SELECT * FROM ${table}`)).rows;
      return rows;
    });

  describe('the catalog', () => {
    // Operators rely on RLS being on and forced everywhere, so even a query the API forgot to filter is filtered.
    it('forces row-level security on every table holding tenant rows', async () => {
      const { rows } = await t.sql.query(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
           AND (c.relname = ANY ($1) OR EXISTS (
                 SELECT 1 FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attname IN ('organization_id', 'space_id') AND NOT a.attisdropped))
         ORDER BY c.relname`,
        [TENANT_TABLES],
      );
      expect(rows.map((r) => r.relname)).toEqual(expect.arrayContaining([...TENANT_TABLES]));
      expect(rows.filter((r) => !r.relrowsecurity || !r.relforcerowsecurity)).toEqual([]);
      // No policy is granted to PUBLIC (which would include ruche_app and any future role).
      const publicPolicies = await t.sql.query(
        `SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public' AND 'public' = ANY (roles)`,
      );
      expect(publicPolicies.rows).toEqual([]);
    });

    // Policies only hold if no role the API could run as skips them.
    it('gives nobody but superusers BYPASSRLS, and ruche_app no privilege beyond its grants', async () => {
      expect((await t.sql.query(`SELECT rolname FROM pg_roles WHERE rolbypassrls AND NOT rolsuper`)).rows).toEqual([]);
      const role = await t.sql.query(
        `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = 'ruche_app'`,
      );
      expect(role.rows).toEqual([
        { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false },
      ]);
      // It inherits nothing: not a member of the owner or of any other role.
      const memberOf = await t.sql.query(
        `SELECT roleid::regrole::text AS role FROM pg_auth_members WHERE member = 'ruche_app'::regrole`,
      );
      expect(memberOf.rows).toEqual([]);
      // An owner bypasses non-forced RLS and may ALTER or DROP: ruche_app owns nothing.
      const owned = await t.sql.query(
        `SELECT 'class' AS kind, relname AS name FROM pg_class WHERE relowner = 'ruche_app'::regrole
         UNION ALL SELECT 'function', proname FROM pg_proc WHERE proowner = 'ruche_app'::regrole
         UNION ALL SELECT 'schema', nspname FROM pg_namespace WHERE nspowner = 'ruche_app'::regrole
         UNION ALL SELECT 'database', datname FROM pg_database WHERE datdba = 'ruche_app'::regrole`,
      );
      expect(owned.rows).toEqual([]);
    });

    // The audit trail and the consent ledger are evidence: the API can add to them, never rewrite them.
    it('lets ruche_app only append to audit_events and only stamp consent_records.withdrawn_at', async () => {
      const { rows } = await t.sql.query(
        `SELECT t.name, p.privilege, has_table_privilege('ruche_app', t.name, p.privilege) AS granted
         FROM unnest(ARRAY['audit_events', 'consent_records']) AS t(name)
         CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)
         ORDER BY 1, 2`,
      );
      expect(Object.fromEntries(rows.map((r) => [`${r.name} ${r.privilege}`, r.granted]))).toEqual({
        'audit_events DELETE': false,
        'audit_events INSERT': true,
        'audit_events SELECT': true,
        'audit_events TRUNCATE': false,
        'audit_events UPDATE': false,
        'consent_records DELETE': false,
        'consent_records INSERT': true,
        'consent_records SELECT': true,
        'consent_records TRUNCATE': false,
        'consent_records UPDATE': false,
      });
      const updatable = await t.sql.query(
        `SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relname IN ('audit_events', 'consent_records') AND a.attnum > 0 AND NOT a.attisdropped
           AND has_column_privilege('ruche_app', a.attrelid, a.attnum, 'UPDATE')
         ORDER BY 1, 2`,
      );
      expect(updatable.rows).toEqual([{ relname: 'consent_records', attname: 'withdrawn_at' }]);
    });
  });

  describe('what ruche_app reads with no WHERE clause', () => {
    let orgA: Organization;
    let orgB: Organization;
    let customer: Person;
    let customerEmail: string;
    let employeeB: Person;
    let spaceA: { internalOpen: string; internalPrivate: string; hybrid: string };
    let hybridB: string;
    /** organization uuid of every space, read as the owner. */
    let orgOfSpace: Map<string, string>;

    beforeAll(async () => {
      // Organization A: two internal spaces, a hybrid one with a consented customer and a pending invitation.
      orgA = await createOrganization(t, 'Alpha');
      const ownerA = orgA.owner;
      const internalOpen = await createSpace(t, ownerA, orgA, { name: 'Alpha secret lab', kind: 'INTERNAL' });
      const internalPrivate = await createSpace(t, ownerA, orgA, {
        name: 'Alpha board',
        kind: 'INTERNAL',
        visibility: 'PRIVATE',
      });
      const hybrid = await createSpace(t, ownerA, orgA, { name: 'Alpha product council', kind: 'HYBRID' });
      spaceA = { internalOpen: internalOpen.id, internalPrivate: internalPrivate.id, hybrid: hybrid.id };
      const employeeA = await employeeOf(t, orgA, 'Alice Employee');
      expect((await t.gql(JOIN, { id: internalOpen.id }, employeeA.accessToken)).errors).toBeUndefined();
      const globexDomain = `globex-${randomUUID().slice(0, 8)}.test`;
      for (const [name, domain] of [
        ['Globex', globexDomain],
        ['Initech', `initech-${randomUUID().slice(0, 8)}.test`],
      ]) {
        const res = await t.gql(
          CREATE_ACCOUNT,
          { input: { organizationId: orgA.id, name, domain } },
          ownerA.accessToken,
        );
        expect(res.errors).toBeUndefined();
      }
      customerEmail = uniqueEmail(globexDomain);
      customer = await customerOf(t, ownerA, hybrid.id, 'Chloé Client', customerEmail);
      await invite(t, ownerA, hybrid.id, uniqueEmail('client.test'));

      // Organization B: its own spaces, employee and customer.
      orgB = await createOrganization(t, 'Beta');
      const openB = await createSpace(t, orgB.owner, orgB, { name: 'Beta lab', kind: 'INTERNAL' });
      hybridB = (await createSpace(t, orgB.owner, orgB, { name: 'Beta council', kind: 'HYBRID' })).id;
      await createSpace(t, orgB.owner, orgB, { name: 'Beta board', kind: 'INTERNAL', visibility: 'PRIVATE' });
      employeeB = await employeeOf(t, orgB, 'Bob Employee');
      expect((await t.gql(JOIN, { id: openB.id }, employeeB.accessToken)).errors).toBeUndefined();
      await customerOf(t, orgB.owner, hybridB, 'Dan Client');

      const spaces = await t.sql.query('SELECT id, organization_id FROM spaces');
      orgOfSpace = new Map(spaces.rows.map((r) => [r.id, r.organization_id]));
    });

    const orgsIn = (table: TenantTable, rows: Record<string, any>[]) =>
      uniqueSorted(
        rows.map((r) =>
          table === 'organizations' ? r.id : (r.organization_id ?? orgOfSpace.get(r.space_id) ?? 'no organization'),
        ),
      );

    // Sanity check for the probes below: the data they must not see is there.
    it('the owner sees rows of both organizations in every tenant table (the probes below are not vacuous)', async () => {
      const counts: Record<string, number> = {};
      for (const table of TENANT_TABLES) {
        counts[table] = (await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
      }
      expect(Object.entries(counts).filter(([, n]) => n === 0)).toEqual([]);
      const internalMembers = await t.sql.query(
        `SELECT count(*)::int AS n FROM space_memberships WHERE space_id = $1`,
        [uuid(spaceA.internalOpen, 'Space')],
      );
      expect(internalMembers.rows[0].n).toBe(2);
    });

    // A customer relies on the database itself keeping internal spaces, their members and other orgs away.
    it('a customer reads only their hybrid space, its members and their own records', async () => {
      const a = uuid(orgA.id, 'Organization');
      const me = uuid(customer.id, 'User');
      const hybrid = uuid(spaceA.hybrid, 'Space');
      const seen = await everything(me);

      expect(seen.organizations.map((r) => r.id)).toEqual([a]);
      expect(seen.organization_domains).toEqual([]);
      expect(seen.organization_memberships.map((r) => [r.organization_id, r.user_id, r.role])).toEqual([
        [a, me, 'CUSTOMER'],
      ]);
      expect(seen.customer_accounts.map((r) => r.name)).toEqual(['Globex']);
      expect(seen.spaces.map((r) => r.id)).toEqual([hybrid]);
      expect(seen.space_consent_policies.map((r) => [r.space_id, r.version])).toEqual([[hybrid, 1]]);
      const hybridMembers = await t.sql.query(
        'SELECT user_id, role FROM space_memberships WHERE space_id = $1 ORDER BY user_id',
        [hybrid],
      );
      expect(hybridMembers.rows).toHaveLength(2);
      expect(
        seen.space_memberships
          .map((r) => ({ space: r.space_id, user_id: r.user_id, role: r.role }))
          .sort((x, y) => x.user_id.localeCompare(y.user_id)),
      ).toEqual(hybridMembers.rows.map((r) => ({ space: hybrid, ...r })));
      expect(seen.consent_records.map((r) => [r.subject_id, r.space_id])).toEqual([[me, hybrid]]);
      expect(seen.audit_events).toEqual([]);
    });

    // Invitees' addresses and token hashes are for the employees who manage the space, never for customers.
    it('a customer reads only the invitations sent to their own address, and cannot forge or delete any', async () => {
      const me = uuid(customer.id, 'User');
      const seen = await asApp(me, (c) => c.query('SELECT email FROM invitations'));
      expect(seen.rows.map((r) => r.email)).toEqual([customerEmail]);
      expect(await asApp(me, (c) => sqlState(c.query('DELETE FROM invitations')))).toBe('42501');
      const forge = `INSERT INTO invitations (space_id, organization_id, email, token_hash, invited_by, expires_at, created_at)
        SELECT space_id, organization_id, 'friend@client.test', 'forged', $1, now() + interval '1 day', now() FROM invitations LIMIT 1`;
      expect(await asApp(me, (c) => sqlState(c.query(forge, [me])))).toBe('42501');
    });

    // The invitation is proven by its token, not by the address alone: an invitee cannot accept at the database.
    it('an invitee cannot accept an invitation or join the space without its token', async () => {
      const email = uniqueEmail('client.test');
      await invite(t, orgA.owner, spaceA.hybrid, email);
      const invitee = uuid((await signUp(t, { email })).id, 'User');
      const hybridId = uuid(spaceA.hybrid, 'Space');
      const seen = await asApp(invitee, (c) => c.query('SELECT email FROM invitations'));
      expect(seen.rows).toEqual([{ email }]);
      const accept = `UPDATE invitations SET accepted_at = now(), accepted_by = $1 WHERE email = $2`;
      expect((await asApp(invitee, (c) => c.query(accept, [invitee, email]))).rowCount).toBe(0);
      const join = `INSERT INTO space_memberships (space_id, user_id, role) VALUES ($1, $2, 'CUSTOMER')`;
      expect(await asApp(invitee, (c) => sqlState(c.query(join, [hybridId, invitee])))).toBe('42501');
    });

    // A customer who got SQL through the API would still not promote themselves or reshape the space.
    it('a customer cannot change their space role, rename the space or remove co-members', async () => {
      const me = uuid(customer.id, 'User');
      const hybridId = uuid(spaceA.hybrid, 'Space');
      expect(
        (await asApp(me, (c) => c.query(`UPDATE space_memberships SET role = 'OWNER' WHERE user_id = $1`, [me])))
          .rowCount,
      ).toBe(0);
      expect(
        (await asApp(me, (c) => c.query(`UPDATE spaces SET name = 'pwned' WHERE id = $1`, [hybridId]))).rowCount,
      ).toBe(0);
      expect(
        (await asApp(me, (c) => c.query(`DELETE FROM space_memberships WHERE user_id <> $1`, [me]))).rowCount,
      ).toBe(0);
    });

    // Tenants rely on one organization's people never reaching another's rows.
    it('an employee of another organization reads nothing of organization A', async () => {
      const b = uuid(orgB.id, 'Organization');
      const seen = await everything(uuid(employeeB.id, 'User'));
      const orgs = Object.fromEntries(TENANT_TABLES.map((table) => [table, orgsIn(table, seen[table])]));
      expect(orgs).toEqual({
        organizations: [b],
        organization_domains: [b],
        organization_memberships: [b],
        customer_accounts: [],
        spaces: [b],
        space_consent_policies: [b],
        space_memberships: [b],
        invitations: [b],
        // Not an admin: neither the consent ledger nor the audit trail of their own organization.
        consent_records: [],
        audit_events: [],
      });
      // Open spaces of B only; B's private board stays hidden from a plain member.
      expect(sorted(seen.spaces.map((r) => r.name))).toEqual(['Beta council', 'Beta lab']);
    });

    // A code path that forgets to set the acting user must fail closed, not open.
    it('without an acting user (or for an unknown one) every tenant table is empty', async () => {
      const empty = Object.fromEntries(TENANT_TABLES.map((table) => [table, []]));
      expect(await everything(null)).toEqual(empty);
      expect(await everything('')).toEqual(empty);
      expect(await everything(randomUUID())).toEqual(empty);
      // Outside any transaction, on the pooled connection the transactions above acted on.
      const outside = {} as Record<string, unknown[]>;
      for (const table of TENANT_TABLES) outside[table] = (await appPool.query(`SELECT * FROM ${table}`)).rows;
      expect(outside).toEqual(empty);
    });

    // Employees come only through a verified address in a claimed domain (or an admin), at the database too.
    it('a customer cannot enrol themselves as an employee of an organization', async () => {
      const me = uuid(customer.id, 'User');
      const insert = `INSERT INTO organization_memberships (organization_id, user_id, role) VALUES ($1, $2, 'MEMBER')`;
      expect(await asApp(me, (c) => sqlState(c.query(insert, [uuid(orgB.id, 'Organization'), me])))).toBe('42501');
    });

    // Admins rely on the audit trail as evidence: not even the API's own role can rewrite or erase it.
    it('ruche_app cannot update, delete or truncate audit events, even for an org owner', async () => {
      const owner = uuid(orgA.owner.id, 'User');
      const before = (await t.sql.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n;
      // The owner can read the organization's trail (so what follows is about privileges, not hidden rows).
      const readable = await asApp(owner, (c) => c.query('SELECT DISTINCT organization_id FROM audit_events'));
      expect(readable.rows.map((r) => r.organization_id)).toContain(uuid(orgA.id, 'Organization'));
      expect(await asApp(owner, (c) => sqlState(c.query(`UPDATE audit_events SET action = 'forged'`)))).toBe('42501');
      expect(await asApp(owner, (c) => sqlState(c.query(`DELETE FROM audit_events`)))).toBe('42501');
      expect(await asApp(owner, (c) => sqlState(c.query(`TRUNCATE audit_events`)))).toBe('42501');
      expect((await t.sql.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(before);
    });

    // A customer's consent is proof of what they agreed to and when: it can be withdrawn, never rewritten.
    it('a consent record can only get withdrawn_at stamped, once', async () => {
      const me = uuid(customer.id, 'User');
      const [record] = (
        await t.sql.query('SELECT * FROM consent_records WHERE subject_id = $1 AND withdrawn_at IS NULL', [me])
      ).rows;
      const id = record.id;

      expect(
        await asApp(me, (c) => sqlState(c.query('UPDATE consent_records SET policy_version = 2 WHERE id = $1', [id]))),
      ).toBe('42501');
      expect(await asApp(me, (c) => sqlState(c.query('DELETE FROM consent_records WHERE id = $1', [id])))).toBe(
        '42501',
      );
      // Withdrawing once works; stamping again, or un-withdrawing, is refused by the trigger.
      const twice = await asApp(me, async (c) => {
        const first = await c.query('UPDATE consent_records SET withdrawn_at = now() WHERE id = $1', [id]);
        const second = await c
          .query(`UPDATE consent_records SET withdrawn_at = now() + interval '1 day' WHERE id = $1`, [id])
          .then(
            () => 'no error',
            (e: { code: string; message: string }) => `${e.code} ${e.message}`,
          );
        return [first.rowCount, second];
      });
      expect(twice).toEqual([1, 'P0001 consent records are append-only (only withdrawn_at may be set, once)']);
      expect(
        await asApp(me, (c) => sqlState(c.query('UPDATE consent_records SET withdrawn_at = NULL WHERE id = $1', [id]))),
      ).toBe('P0001');
      // The trigger holds even for the owner role, which has every privilege.
      expect(await sqlState(t.sql.query('UPDATE consent_records SET policy_version = 7 WHERE id = $1', [id]))).toBe(
        'P0001',
      );
      // Someone else (here an admin of another organization) cannot even reach the row.
      const other = await asApp(uuid(orgB.owner.id, 'User'), (c) =>
        c.query('UPDATE consent_records SET withdrawn_at = now() WHERE id = $1', [id]),
      );
      expect(other.rowCount).toBe(0);
      const after = await t.sql.query('SELECT * FROM consent_records WHERE id = $1', [id]);
      expect(after.rows).toEqual([record]);
    });

    // Each request acts for one person: a pooled connection must not carry it to the next transaction.
    it('the acting user does not outlive its transaction on a pooled connection', async () => {
      const me = uuid(customer.id, 'User');
      const probe = `SELECT pg_backend_pid() AS pid, coalesce(current_setting('ruche.user_id', true), '') AS viewer,
                            (SELECT count(*)::int FROM spaces) AS spaces`;
      const c = await appPool.connect();
      let pid: number | undefined;
      try {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [me]);
        const inside = (await c.query(probe)).rows[0];
        pid = inside.pid;
        await c.query('COMMIT');
        const next = (await c.query(probe)).rows[0];
        await c.query('BEGIN');
        const nextTx = (await c.query(probe)).rows[0];
        await c.query('COMMIT');
        // The same after a failed transaction.
        await c.query('BEGIN');
        await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [me]);
        await c.query('SELECT 1/0').catch(() => undefined);
        await c.query('ROLLBACK');
        const afterError = (await c.query(probe)).rows[0];
        expect([inside, next, nextTx, afterError]).toEqual([
          { pid: inside.pid, viewer: me, spaces: 1 },
          { pid: inside.pid, viewer: '', spaces: 0 },
          { pid: inside.pid, viewer: '', spaces: 0 },
          { pid: inside.pid, viewer: '', spaces: 0 },
        ]);
        // Control: a session-wide setting (is_local = false) would leak; this probe would see it.
        await c.query(`SELECT set_config('ruche.user_id', $1, false)`, [me]);
        expect((await c.query(probe)).rows[0]).toEqual({ pid: inside.pid, viewer: me, spaces: 1 });
      } finally {
        await c.query(`RESET ruche.user_id`);
        c.release();
      }
      // The next borrower gets the same (single) pooled connection, clean.
      expect(await appPool.query(probe).then((r) => r.rows[0])).toEqual({ pid, viewer: '', spaces: 0 });
    });

    // ruche_readable_spaces() answers once per transaction; what decides it changing must show at once.
    it('the readable spaces a transaction remembers follow its own membership changes and its acting user', async () => {
      const me = uuid(employeeB.id, 'User');
      const privateB = (await t.sql.query(`SELECT id FROM spaces WHERE name = 'Beta board'`)).rows[0].id as string;
      await asApp(me, async (c) => {
        const readable = async () => (await c.query(`SELECT ruche_readable_spaces() AS ids`)).rows[0].ids as string[];
        const spacesSeen = async () => (await c.query(`SELECT id FROM spaces`)).rows.map((r) => r.id as string);
        expect(await readable()).not.toContain(privateB);
        expect(await spacesSeen()).not.toContain(privateB);
        // An owner adds them in this very transaction (as the owner would, through the app role's own grants).
        await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [uuid(orgB.owner.id, 'User')]);
        await c.query(
          `INSERT INTO space_memberships (space_id, user_id, role, created_at, updated_at) VALUES ($1, $2, 'MEMBER', now(), now())`,
          [privateB, me],
        );
        await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [me]);
        expect(await readable()).toContain(privateB);
        expect(await spacesSeen()).toContain(privateB);
        // Someone else acting next in the transaction gets their own answer, not the remembered one.
        await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [uuid(customer.id, 'User')]);
        expect(await readable()).toEqual([uuid(spaceA.hybrid, 'Space')]);
      });
      // A new transaction starts from nothing remembered.
      expect(
        await asApp(me, async (c) => (await c.query(`SELECT ruche_readable_spaces() AS ids`)).rows[0].ids),
      ).not.toContain(privateB);
    });

    // The same for the API's TypeORM pool: after requests, no connection still acts for their user.
    it("the API's own pooled connections carry no acting user between requests", async () => {
      const requests = await Promise.all(
        Array.from({ length: 10 }, () => t.gql(SPACES, { first: 10 }, customer.accessToken)),
      );
      expect(requests.map((r) => r.data?.spaces.edges.length)).toEqual(Array(10).fill(1));
      const dataSource = t.app.get(DataSource, { strict: false });
      const runners = Array.from({ length: t.config.database.poolSize }, () => dataSource.createQueryRunner());
      try {
        // Holding every connection of the pool at once, so each is inspected.
        await Promise.all(runners.map((r) => r.connect()));
        const seen: { viewer: string; role: string; pid: number }[] = await Promise.all(
          runners.map((r) =>
            r
              .query(
                `SELECT coalesce(current_setting('ruche.user_id', true), '') AS viewer, current_user AS role, pg_backend_pid() AS pid`,
              )
              .then((rows: { viewer: string; role: string; pid: number }[]) => rows[0]!),
          ),
        );
        expect(new Set(seen.map((s) => s.pid)).size).toBe(t.config.database.poolSize);
        expect(seen.map(({ viewer, role }) => ({ viewer, role }))).toEqual(
          Array(t.config.database.poolSize).fill({ viewer: '', role: 'ruche_app' }),
        );
      } finally {
        await Promise.all(runners.map((r) => r.release()));
      }
    });
  });
});
