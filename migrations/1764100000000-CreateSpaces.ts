import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spaces, customer accounts, invitations, the consent ledger and the audit trail; then the second wall:
 * the `ruche_app` role (owns nothing, no BYPASSRLS) and row-level security on every tenant table.
 *
 * The viewer is read from `ruche.user_id`, set per transaction by the API (`set_config(…, true)`).
 * The `ruche_*()` helpers are SECURITY DEFINER so that policies can consult memberships without
 * recursing into the policies of the tables they read; they only ever answer about the viewer.
 */
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
];

export class CreateSpaces1764100000000 implements MigrationInterface {
  name = 'CreateSpaces1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        domain text CHECK (domain = lower(domain)),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX customer_accounts_name_key ON customer_accounts (organization_id, lower(name))`);
    await q.query(`CREATE UNIQUE INDEX customer_accounts_domain_key ON customer_accounts (organization_id, domain)`);
    await q.query(
      `ALTER TABLE organization_memberships ADD COLUMN customer_account_id uuid REFERENCES customer_accounts (id) ON DELETE SET NULL`,
    );

    await q.query(`
      CREATE TABLE spaces (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
        kind text NOT NULL CHECK (kind IN ('INTERNAL', 'HYBRID')),
        visibility text NOT NULL CHECK (visibility IN ('OPEN', 'PRIVATE')),
        members_can_invite boolean NOT NULL DEFAULT false,
        consent_version int NOT NULL DEFAULT 1,
        member_count int NOT NULL DEFAULT 0 CHECK (member_count >= 0),
        customer_count int NOT NULL DEFAULT 0 CHECK (customer_count >= 0),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX spaces_org_page_idx ON spaces (organization_id, created_at, id)`);

    await q.query(`
      CREATE TABLE space_consent_policies (
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        version int NOT NULL,
        text text NOT NULL,
        text_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (space_id, version)
      )`);

    await q.query(`
      CREATE TABLE space_memberships (
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('OWNER', 'MODERATOR', 'MEMBER', 'CUSTOMER')),
        -- The customer's company, copied from their organization membership so co-members can show the badge.
        customer_account_id uuid REFERENCES customer_accounts (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (space_id, user_id)
      )`);
    await q.query(`CREATE INDEX space_memberships_user_idx ON space_memberships (user_id)`);
    await q.query(`CREATE INDEX space_memberships_page_idx ON space_memberships (space_id, created_at, user_id)`);

    // Member and customer counts stay exact in the writing transaction, whoever writes (definer: the space row
    // may not be writable by the member who leaves).
    await q.query(`
      CREATE FUNCTION space_memberships_count() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          UPDATE spaces SET member_count = member_count - 1,
                            customer_count = customer_count - (OLD.role = 'CUSTOMER')::int
          WHERE id = OLD.space_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          UPDATE spaces SET member_count = member_count + 1,
                            customer_count = customer_count + (NEW.role = 'CUSTOMER')::int
          WHERE id = NEW.space_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER space_memberships_count AFTER INSERT OR DELETE OR UPDATE OF role ON space_memberships
      FOR EACH ROW EXECUTE FUNCTION space_memberships_count()`);
    await q.query(`REVOKE ALL ON FUNCTION space_memberships_count() FROM PUBLIC`);

    await q.query(`
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(btrim(email))),
        token_hash text NOT NULL UNIQUE,
        customer_account_id uuid REFERENCES customer_accounts (id) ON DELETE SET NULL,
        invited_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        message text CHECK (length(message) <= 1000),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX invitations_inviter_idx ON invitations (invited_by, created_at)`);
    await q.query(`CREATE INDEX invitations_space_idx ON invitations (space_id, created_at, id)`);
    await q.query(
      `CREATE INDEX invitations_email_idx ON invitations (email) WHERE accepted_at IS NULL AND revoked_at IS NULL`,
    );

    // The consent ledger: rows are only ever added; the one permitted change is stamping withdrawn_at once.
    await q.query(`
      CREATE TABLE consent_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
        purpose text NOT NULL,
        policy_version int NOT NULL,
        text_hash text NOT NULL,
        source text NOT NULL CHECK (source IN ('INVITATION', 'RENEWAL')),
        granted_at timestamptz NOT NULL,
        withdrawn_at timestamptz,
        ip_hash text,
        user_agent_hash text
      )`);
    await q.query(`CREATE INDEX consent_records_subject_idx ON consent_records (subject_id, space_id)`);
    await q.query(`
      CREATE FUNCTION consent_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.withdrawn_at IS NOT NULL OR NEW.withdrawn_at IS NULL
           OR (to_jsonb(NEW) - 'withdrawn_at') IS DISTINCT FROM (to_jsonb(OLD) - 'withdrawn_at') THEN
          RAISE EXCEPTION 'consent records are append-only (only withdrawn_at may be set, once)';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_records_append_only BEFORE UPDATE ON consent_records
      FOR EACH ROW EXECUTE FUNCTION consent_records_append_only()`);

    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
        space_id uuid,
        actor_id uuid,
        action text NOT NULL,
        target_type text,
        target_id text,
        ip_hash text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_events_org_idx ON audit_events (organization_id, id)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id) WHERE organization_id IS NULL`);

    // --- the application role ---
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ruche_app') THEN
          CREATE ROLE ruche_app NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ruche_app`);
    // No DELETE on users and spaces: deleting either would cascade into the consent ledger and the audit trail.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON users, spaces TO ruche_app`);
    for (const table of [
      'email_verifications',
      'session_families',
      'refresh_tokens',
      'sign_in_attempts',
      'organizations',
      'organization_domains',
      'organization_memberships',
      'customer_accounts',
      'space_consent_policies',
      'space_memberships',
    ]) {
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ruche_app`);
    }
    await q.query(`GRANT SELECT, INSERT, UPDATE ON invitations TO ruche_app`);
    await q.query(`GRANT SELECT, INSERT ON consent_records TO ruche_app`);
    await q.query(`GRANT UPDATE (withdrawn_at) ON consent_records TO ruche_app`);
    await q.query(`GRANT SELECT, INSERT ON audit_events TO ruche_app`);

    // --- viewer context and membership helpers for the policies ---
    await q.query(`
      CREATE FUNCTION ruche_viewer() RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT NULLIF(current_setting('ruche.user_id', true), '')::uuid
      $$`);
    const definer = (name: string, returns: string, body: string) =>
      q.query(`CREATE FUNCTION ${name} RETURNS ${returns} LANGUAGE sql STABLE SECURITY DEFINER
               SET search_path = pg_catalog, public AS $$ ${body} $$`);
    await definer(
      'ruche_member_orgs()',
      'uuid[]',
      `SELECT coalesce(array_agg(organization_id), '{}') FROM organization_memberships WHERE user_id = ruche_viewer()`,
    );
    await definer(
      'ruche_employee_orgs()',
      'uuid[]',
      `SELECT coalesce(array_agg(organization_id), '{}') FROM organization_memberships
       WHERE user_id = ruche_viewer() AND role <> 'CUSTOMER'`,
    );
    await definer(
      'ruche_admin_orgs()',
      'uuid[]',
      `SELECT coalesce(array_agg(organization_id), '{}') FROM organization_memberships
       WHERE user_id = ruche_viewer() AND role IN ('OWNER', 'ADMIN')`,
    );
    // An organization nobody belongs to yet is one its creator is setting up in this very transaction.
    await definer(
      'ruche_org_is_new(p_org uuid)',
      'boolean',
      `SELECT NOT EXISTS (SELECT 1 FROM organization_memberships WHERE organization_id = p_org)`,
    );
    await definer('ruche_viewer_email()', 'text', `SELECT email FROM users WHERE id = ruche_viewer()`);
    // Mirrors canReadSpace in libs/policy: org admins read every space of their organization, employees the
    // open ones and those they belong to, customers the hybrid spaces whose current consent they gave.
    await definer(
      'ruche_readable_spaces()',
      'uuid[]',
      `SELECT coalesce(array_agg(DISTINCT id), '{}') FROM (
         SELECT s.id FROM spaces s
         JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ruche_viewer()
         WHERE om.role IN ('OWNER', 'ADMIN') OR (om.role IN ('MANAGER', 'MEMBER') AND s.visibility = 'OPEN')
         UNION ALL
         SELECT s.id FROM space_memberships sm
         JOIN spaces s ON s.id = sm.space_id
         JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
         WHERE sm.user_id = ruche_viewer()
           AND ((om.role <> 'CUSTOMER' AND sm.role <> 'CUSTOMER')
             OR (om.role = 'CUSTOMER' AND sm.role = 'CUSTOMER' AND s.kind = 'HYBRID' AND EXISTS (
                   SELECT 1 FROM consent_records c
                   WHERE c.subject_id = sm.user_id AND c.space_id = s.id
                     AND c.withdrawn_at IS NULL AND c.policy_version = s.consent_version)))
       ) readable`,
    );
    // Spaces the viewer manages: every space of an organization they administer, those they own or moderate.
    await definer(
      'ruche_managed_spaces()',
      'uuid[]',
      `SELECT coalesce(array_agg(DISTINCT id), '{}') FROM (
         SELECT s.id FROM spaces s
         JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ruche_viewer()
         WHERE om.role IN ('OWNER', 'ADMIN')
         UNION ALL
         SELECT sm.space_id FROM space_memberships sm
         JOIN spaces s ON s.id = sm.space_id
         JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = sm.user_id
         WHERE sm.user_id = ruche_viewer() AND sm.role IN ('OWNER', 'MODERATOR') AND om.role <> 'CUSTOMER'
       ) managed`,
    );
    await definer(
      'ruche_employee_spaces()',
      'uuid[]',
      `SELECT coalesce(array_agg(s.id), '{}') FROM spaces s
       JOIN organization_memberships om ON om.organization_id = s.organization_id AND om.user_id = ruche_viewer()
       WHERE om.role <> 'CUSTOMER'`,
    );
    // A space its creator is setting up in this very transaction: nobody belongs to it yet.
    await definer(
      'ruche_space_is_new(p_space uuid)',
      'boolean',
      `SELECT EXISTS (SELECT 1 FROM spaces WHERE id = p_space AND created_by = ruche_viewer())
          AND NOT EXISTS (SELECT 1 FROM space_memberships WHERE space_id = p_space)`,
    );
    await definer(
      'ruche_viewer_verified_domain()',
      'text',
      `SELECT split_part(email, '@', 2) FROM users WHERE id = ruche_viewer() AND email_verified_at IS NOT NULL`,
    );
    // The one way to read anything of a space without access: the invitation preview, by token hash.
    await q.query(`
      CREATE FUNCTION ruche_invitation_preview(p_token_hash text)
      RETURNS TABLE (invitation_id uuid, organization_id uuid, space_id uuid, space_name text, inviter_name text, email text,
                     consent_version int, consent_text text, expires_at timestamptz,
                     accepted_at timestamptz, revoked_at timestamptz)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT i.id, i.organization_id, s.id, s.name, u.display_name, i.email, p.version, p.text, i.expires_at, i.accepted_at, i.revoked_at
        FROM invitations i
        JOIN spaces s ON s.id = i.space_id
        JOIN users u ON u.id = i.invited_by
        JOIN space_consent_policies p ON p.space_id = s.id AND p.version = s.consent_version
        WHERE i.token_hash = p_token_hash
      $$`);
    // Accepting needs the token itself, not just the invited address: the one way an invitee changes an invitation.
    await q.query(`
      CREATE FUNCTION ruche_accept_invitation(p_token_hash text, p_now timestamptz)
      RETURNS TABLE (invitation_id uuid, organization_id uuid, space_id uuid, customer_account_id uuid)
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        UPDATE invitations i SET accepted_at = p_now, accepted_by = ruche_viewer()
        WHERE i.token_hash = p_token_hash AND i.email = ruche_viewer_email()
          AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > p_now
        RETURNING i.id, i.organization_id, i.space_id, i.customer_account_id
      $$`);
    for (const fn of [
      'ruche_viewer()',
      'ruche_member_orgs()',
      'ruche_employee_orgs()',
      'ruche_admin_orgs()',
      'ruche_org_is_new(uuid)',
      'ruche_viewer_email()',
      'ruche_readable_spaces()',
      'ruche_managed_spaces()',
      'ruche_employee_spaces()',
      'ruche_space_is_new(uuid)',
      'ruche_viewer_verified_domain()',
      'ruche_invitation_preview(text)',
      'ruche_accept_invitation(text, timestamptz)',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ruche_app`);
    }

    // --- row-level security: enabled and forced on every tenant table ---
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      // The migration role (the owner) keeps full access for later data migrations.
      await q.query(`CREATE POLICY owner_all ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
    }
    const policy = (table: string, name: string, command: string, clause: string) =>
      q.query(`CREATE POLICY app_${name} ON ${table} FOR ${command} TO ruche_app ${clause}`);
    const viewer = `ruche_viewer() IS NOT NULL`;
    const memberOrg = (col: string) => `${col} = ANY ((SELECT ruche_member_orgs())::uuid[])`;
    const employeeOrg = (col: string) => `${col} = ANY ((SELECT ruche_employee_orgs())::uuid[])`;
    const adminOrg = (col: string) => `${col} = ANY ((SELECT ruche_admin_orgs())::uuid[])`;
    const readableSpace = (col: string) => `${col} = ANY ((SELECT ruche_readable_spaces())::uuid[])`;
    const managedSpace = (col: string) => `${col} = ANY ((SELECT ruche_managed_spaces())::uuid[])`;
    const employeeSpace = (col: string) => `${col} = ANY ((SELECT ruche_employee_spaces())::uuid[])`;
    const acceptedInvitation = (col: string) =>
      `${col} IN (SELECT i.${col} FROM invitations i WHERE i.accepted_by = ruche_viewer())`;

    await policy('organizations', 'read', 'SELECT', `USING (${memberOrg('id')})`);
    await policy('organizations', 'create', 'INSERT', `WITH CHECK (${viewer})`);
    await policy('organizations', 'manage', 'UPDATE', `USING (${adminOrg('id')})`);

    // Employees see their organization's domains; anyone sees the one row matching their own e-mail's domain.
    await policy(
      'organization_domains',
      'read',
      'SELECT',
      `USING (${employeeOrg('organization_id')} OR domain = split_part(ruche_viewer_email(), '@', 2))`,
    );
    await policy('organization_domains', 'claim', 'INSERT', `WITH CHECK (${adminOrg('organization_id')})`);

    await policy(
      'organization_memberships',
      'read',
      'SELECT',
      `USING (user_id = ruche_viewer() OR ${employeeOrg('organization_id')})`,
    );
    await policy(
      'organization_memberships',
      'add',
      'INSERT',
      // Admins add anyone; people add themselves only as the creator (OWNER of a new organization), as an
      // employee through a verified address in a claimed domain, or as a customer through an accepted invitation.
      `WITH CHECK (${adminOrg('organization_id')}
        OR (user_id = ruche_viewer() AND role = 'OWNER' AND ruche_org_is_new(organization_id))
        OR (user_id = ruche_viewer() AND role = 'MEMBER' AND organization_id IN (
              SELECT d.organization_id FROM organization_domains d WHERE d.domain = ruche_viewer_verified_domain()))
        OR (user_id = ruche_viewer() AND role = 'CUSTOMER' AND ${acceptedInvitation('organization_id')}))`,
    );
    await policy('organization_memberships', 'manage', 'UPDATE', `USING (${adminOrg('organization_id')})`);
    await policy(
      'organization_memberships',
      'remove',
      'DELETE',
      `USING (${adminOrg('organization_id')} OR user_id = ruche_viewer())`,
    );

    await policy(
      'customer_accounts',
      'read',
      'SELECT',
      `USING (${employeeOrg('organization_id')} OR id IN (
         SELECT sm.customer_account_id FROM space_memberships sm
         UNION SELECT om.customer_account_id FROM organization_memberships om WHERE om.user_id = ruche_viewer()))`,
    );
    await policy('customer_accounts', 'write', 'ALL', `USING (${employeeOrg('organization_id')})`);

    await policy(
      'spaces',
      'read',
      'SELECT',
      `USING (${readableSpace('id')} OR id IN (SELECT space_id FROM space_memberships WHERE user_id = ruche_viewer()))`,
    );
    await policy('spaces', 'create', 'INSERT', `WITH CHECK (${employeeOrg('organization_id')})`);
    await policy('spaces', 'manage', 'UPDATE', `USING (${managedSpace('id')})`);

    await policy(
      'space_consent_policies',
      'read',
      'SELECT',
      `USING (${readableSpace('space_id')} OR space_id IN (SELECT space_id FROM space_memberships WHERE user_id = ruche_viewer()))`,
    );
    await policy('space_consent_policies', 'publish', 'INSERT', `WITH CHECK (${managedSpace('space_id')})`);

    await policy(
      'space_memberships',
      'read',
      'SELECT',
      `USING (user_id = ruche_viewer() OR ${readableSpace('space_id')})`,
    );
    // Managers add and change members; people add themselves only as the creator of a new space, as an
    // employee joining a space they can read, or through an invitation they accepted.
    await policy(
      'space_memberships',
      'add',
      'INSERT',
      `WITH CHECK (${managedSpace('space_id')}
        OR (user_id = ruche_viewer() AND role = 'OWNER' AND ruche_space_is_new(space_id))
        OR (user_id = ruche_viewer() AND role = 'MEMBER' AND ${employeeSpace('space_id')} AND ${readableSpace('space_id')})
        OR (user_id = ruche_viewer() AND role IN ('MEMBER', 'CUSTOMER') AND ${acceptedInvitation('space_id')}))`,
    );
    await policy('space_memberships', 'manage', 'UPDATE', `USING (${managedSpace('space_id')})`);
    await policy(
      'space_memberships',
      'remove',
      'DELETE',
      `USING (user_id = ruche_viewer() OR ${managedSpace('space_id')})`,
    );

    // Invitations: employees who can read the space see, send and revoke them; the invitee sees those bound to
    // their own e-mail and accepts one only through ruche_accept_invitation (with its token). Nobody deletes them.
    const inviterSide = `(${employeeOrg('organization_id')} AND ${readableSpace('space_id')})`;
    await policy('invitations', 'read', 'SELECT', `USING (${inviterSide} OR email = ruche_viewer_email())`);
    await policy('invitations', 'send', 'INSERT', `WITH CHECK (${inviterSide} AND invited_by = ruche_viewer())`);
    await policy('invitations', 'update', 'UPDATE', `USING (${inviterSide})`);

    await policy(
      'consent_records',
      'read',
      'SELECT',
      `USING (subject_id = ruche_viewer() OR ${adminOrg('organization_id')})`,
    );
    await policy('consent_records', 'give', 'INSERT', `WITH CHECK (subject_id = ruche_viewer())`);
    // The subject withdraws; a space's managers end the consent of a customer they remove from it.
    await policy(
      'consent_records',
      'withdraw',
      'UPDATE',
      `USING (subject_id = ruche_viewer() OR ${managedSpace('space_id')})`,
    );

    // Audit rows of an organization, and account-level events (sign-in…) of its members, for its admins.
    await policy(
      'audit_events',
      'read',
      'SELECT',
      `USING (${adminOrg('organization_id')} OR (organization_id IS NULL AND actor_id IN (
         SELECT om.user_id FROM organization_memberships om WHERE ${adminOrg('om.organization_id')})))`,
    );
    // Anyone may append (sign-in failures have no acting user), but only to an organization they belong to.
    await policy(
      'audit_events',
      'append',
      'INSERT',
      `WITH CHECK (organization_id IS NULL OR ${memberOrg('organization_id')})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES.filter((t) => t.startsWith('organization'))) {
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      for (const name of ['owner_all', 'app_read', 'app_create', 'app_manage', 'app_claim', 'app_add', 'app_remove']) {
        await q.query(`DROP POLICY IF EXISTS ${name} ON ${table}`);
      }
    }
    // CASCADE: the policies of these tables refer to one another.
    for (const table of [
      'audit_events',
      'consent_records',
      'invitations',
      'space_memberships',
      'space_consent_policies',
      'spaces',
    ]) {
      await q.query(`DROP TABLE ${table} CASCADE`);
    }
    await q.query(`DROP FUNCTION consent_records_append_only()`);
    await q.query(`DROP FUNCTION space_memberships_count()`);
    await q.query(`ALTER TABLE organization_memberships DROP COLUMN customer_account_id`);
    await q.query(`DROP TABLE customer_accounts CASCADE`);
    for (const fn of [
      'ruche_accept_invitation(text, timestamptz)',
      'ruche_invitation_preview(text)',
      'ruche_viewer_verified_domain()',
      'ruche_space_is_new(uuid)',
      'ruche_employee_spaces()',
      'ruche_managed_spaces()',
      'ruche_readable_spaces()',
      'ruche_viewer_email()',
      'ruche_org_is_new(uuid)',
      'ruche_admin_orgs()',
      'ruche_employee_orgs()',
      'ruche_member_orgs()',
      'ruche_viewer()',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    // The role is cluster-wide (other databases may use it): only this database's grants are removed.
    for (const table of [
      'users',
      'email_verifications',
      'session_families',
      'refresh_tokens',
      'sign_in_attempts',
      'organizations',
      'organization_domains',
      'organization_memberships',
    ]) {
      await q.query(`REVOKE ALL ON ${table} FROM ruche_app`);
    }
    await q.query(`REVOKE ALL ON SCHEMA public FROM ruche_app`);
  }
}
