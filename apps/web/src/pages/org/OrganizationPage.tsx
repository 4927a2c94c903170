import { useEffect, useId, useState, type FormEvent, type Key } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { Button, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { FormError, TextField } from '../../components/forms';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { OrganizationMembersQuery, OrganizationPageQuery, OrgRole } from '../../gql/graphql';
import { fieldError, toUiError, type UiError } from '../../lib/errors';
import { formatDate, formatNumber } from '../../lib/format';
import './org.css';

const ORGANIZATION = graphql(`
  query OrganizationPage($id: ID!) {
    organization(id: $id) {
      id
      name
      createdAt
      emailDomains
      viewerRole
      viewerCan {
        addMember
        setMemberRole
        listMembers
        createCustomerAccount
        listCustomerAccounts
        readAuditLog
        createSpace
        createHybridSpace
      }
    }
  }
`);

const MEMBERS = graphql(`
  query OrganizationMembers($id: ID!, $first: Int!, $after: String) {
    organization(id: $id) {
      id
      members(first: $first, after: $after) {
        edges {
          cursor
          node {
            role
            joinedAt
            user {
              id
              displayName
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

const ADD_MEMBER = graphql(`
  mutation AddOrganizationMember($input: AddOrganizationMemberInput!) {
    addOrganizationMember(input: $input) {
      member {
        role
        joinedAt
        user {
          id
          displayName
        }
      }
    }
  }
`);

const SET_ROLE = graphql(`
  mutation SetOrganizationRole($input: SetOrganizationRoleInput!) {
    setOrganizationRole(input: $input) {
      member {
        role
        user {
          id
        }
      }
    }
  }
`);

const CUSTOMER_ACCOUNTS = graphql(`
  query OrganizationCustomerAccounts($organizationId: ID!, $first: Int!, $after: String) {
    customerAccounts(organizationId: $organizationId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          name
          domain
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CREATE_CUSTOMER_ACCOUNT = graphql(`
  mutation CreateCustomerAccount($input: CreateCustomerAccountInput!) {
    createCustomerAccount(input: $input) {
      customerAccount {
        id
        name
        domain
        createdAt
      }
    }
  }
`);

const AUDIT_LOG = graphql(`
  query OrganizationAuditLog($organizationId: ID!, $first: Int!, $after: String) {
    auditLog(organizationId: $organizationId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          at
          action
          targetType
          details
          actor {
            id
            displayName
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const ORGANIZATION_SPACES = graphql(`
  query OrganizationSpaces($organizationId: ID!, $first: Int!, $after: String) {
    spaces(organizationId: $organizationId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          name
          description
          kind
          visibility
          memberCount
          viewerRole
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

type Organization = OrganizationPageQuery['organization'];
type T = (key: string, options?: Record<string, unknown>) => string;

const PAGE = 25;
/** Roles an organization's employees can hold (customers are not members of this list). */
const EMPLOYEE_ROLES: OrgRole[] = ['OWNER', 'ADMIN', 'MANAGER', 'MEMBER'];
const TABS = ['overview', 'members', 'customers', 'audit', 'spaces'] as const;
type TabKey = (typeof TABS)[number];

/** Merges the next page of a Relay connection into the previous one (fetchMore). */
function appendEdges<C extends { edges: unknown[]; pageInfo: unknown }>(prev: C, next: C): C {
  return { ...next, edges: [...prev.edges, ...next.edges] };
}

/** An organization: overview, members, customer accounts, audit log and spaces, as far as the viewer may see. */
export default function OrganizationPage() {
  const { t } = useTranslation('org');
  const { orgId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { data, loading, error, refetch } = useQuery(ORGANIZATION, { variables: { id: orgId } });

  const org = data?.organization;
  useEffect(() => {
    if (org) document.title = `${org.name} · Ruche`;
  }, [org]);

  if (loading && !org) return <Loading />;
  if (error && !org) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!org) return <ErrorState error={error} onRetry={() => void refetch()} />;

  // Tabs follow what the server says the viewer may do: a tab nobody can use is not shown.
  const can = org.viewerCan;
  const visible: TabKey[] = TABS.filter(
    (k) =>
      (k !== 'members' || can.listMembers) &&
      (k !== 'customers' || can.listCustomerAccounts) &&
      (k !== 'audit' || can.readAuditLog),
  );
  const asked = params.get('tab') as TabKey | null;
  const selected: TabKey = asked && visible.includes(asked) ? asked : 'overview';
  const select = (key: Key) => {
    const next = new URLSearchParams(params);
    if (key === 'overview') next.delete('tab');
    else next.set('tab', String(key));
    setParams(next, { replace: true });
  };

  return (
    <section className="page org-page" aria-labelledby="org-title">
      <h1 id="org-title">{org.name}</h1>
      <Tabs className="tabs" selectedKey={selected} onSelectionChange={select}>
        <TabList aria-label={t('tabs.label')}>
          {visible.map((k) => (
            <Tab key={k} id={k}>
              {t(`tabs.${k}`)}
            </Tab>
          ))}
        </TabList>
        <TabPanel id="overview" className="org-panel">
          <Overview org={org} />
        </TabPanel>
        {can.listMembers && (
          <TabPanel id="members" className="org-panel">
            <Members org={org} />
          </TabPanel>
        )}
        {can.listCustomerAccounts && (
          <TabPanel id="customers" className="org-panel">
            <CustomerAccounts org={org} />
          </TabPanel>
        )}
        {can.readAuditLog && (
          <TabPanel id="audit" className="org-panel">
            <AuditLog org={org} />
          </TabPanel>
        )}
        <TabPanel id="spaces" className="org-panel">
          <Spaces org={org} />
        </TabPanel>
      </Tabs>
    </section>
  );
}

function roleName(t: T, role: string | null | undefined): string {
  return role ? t(`roles.${role}`) : t('roles.none');
}

function Overview({ org }: { org: Organization }) {
  const { t } = useTranslation('org');
  return (
    <dl className="org-facts">
      <div>
        <dt>{t('overview.name')}</dt>
        <dd>{org.name}</dd>
      </div>
      <div>
        <dt>{t('overview.domains')}</dt>
        <dd>
          {org.emailDomains.length ? (
            <ul className="tag-list">
              {org.emailDomains.map((d) => (
                <li key={d} className="chip">
                  {d}
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">{t('overview.noDomains')}</span>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('overview.role')}</dt>
        <dd>
          <span className="org-role">{roleName(t, org.viewerRole)}</span>
          <span className="muted org-role-help"> {t(`roleHelp.${org.viewerRole ?? 'NONE'}`)}</span>
        </dd>
      </div>
      <div>
        <dt>{t('overview.created')}</dt>
        <dd>{formatDate(org.createdAt)}</dd>
      </div>
    </dl>
  );
}

/** The list part every tab shares: loading, error, empty, and "show more". */
function MoreButton({ hasNext, loading, onMore }: { hasNext: boolean; loading: boolean; onMore(): void }) {
  const { t } = useTranslation();
  if (!hasNext) return null;
  return (
    <Button className="btn" isDisabled={loading} onPress={onMore}>
      {loading ? t('loading') : t('loadMore')}
    </Button>
  );
}

function Members({ org }: { org: Organization }) {
  const { t } = useTranslation('org');
  const { viewer } = useSession();
  const { data, loading, error, refetch, fetchMore } = useQuery(MEMBERS, {
    variables: { id: org.id, first: PAGE },
    notifyOnNetworkStatusChange: true,
  });
  const [more, setMore] = useState(false);
  const connection = data?.organization.members;

  const loadMore = async () => {
    if (!connection?.pageInfo.endCursor) return;
    setMore(true);
    await fetchMore({
      variables: { after: connection.pageInfo.endCursor },
      updateQuery: (prev, { fetchMoreResult }) =>
        fetchMoreResult
          ? {
              ...prev,
              organization: {
                ...prev.organization,
                members: appendEdges(prev.organization.members, fetchMoreResult.organization.members),
              },
            }
          : prev,
    }).catch(() => undefined);
    setMore(false);
  };

  return (
    <>
      <h2 className="visually-hidden">{t('tabs.members')}</h2>
      {org.viewerCan.addMember && <AddMember org={org} onAdded={() => void refetch()} />}
      {loading && !connection ? (
        <Loading />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !connection?.edges.length ? (
        <Empty>{t('members.empty')}</Empty>
      ) : (
        <>
          <ul className="org-list" aria-label={t('members.listLabel')}>
            {connection.edges.map(({ node }) => (
              <MemberRow key={node.user.id} org={org} member={node} isSelf={node.user.id === viewer?.id} />
            ))}
          </ul>
          <MoreButton hasNext={connection.pageInfo.hasNextPage} loading={more} onMore={() => void loadMore()} />
        </>
      )}
    </>
  );
}

type MemberNode = OrganizationMembersQuery['organization']['members']['edges'][number]['node'];

function MemberRow({ org, member, isSelf }: { org: Organization; member: MemberNode; isSelf: boolean }) {
  const { t } = useTranslation('org');
  const id = useId();
  const [setRole, { loading, error, data }] = useMutation(SET_ROLE);
  const [saved, setSaved] = useState(false);
  const ui = toUiError(error);

  const change = async (role: OrgRole) => {
    setSaved(false);
    const res = await setRole({
      variables: { input: { organizationId: org.id, userId: member.user.id, role } },
    }).catch(() => null);
    if (res?.data) setSaved(true);
  };
  const role = data?.setOrganizationRole.member.role ?? member.role;

  return (
    <li className="org-row">
      <div className="org-row-main">
        <span className="author-name">{member.user.displayName}</span>
        {isSelf && <span className="muted"> {t('members.you')}</span>}
        <span className="muted org-row-meta">{t('members.joined', { date: formatDate(member.joinedAt) })}</span>
      </div>
      {org.viewerCan.setMemberRole && !isSelf ? (
        <div className="org-role-edit">
          <label htmlFor={`${id}-role`} className="visually-hidden">
            {t('members.roleOf', { name: member.user.displayName })}
          </label>
          <select
            id={`${id}-role`}
            value={role}
            disabled={loading}
            onChange={(e) => void change(e.target.value as OrgRole)}
            aria-describedby={ui || saved ? `${id}-status` : undefined}
          >
            {EMPLOYEE_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(t, r)}
              </option>
            ))}
          </select>
          <span id={`${id}-status`} role="status" className={ui ? 'field-error' : 'org-ok'}>
            {ui ? roleError(t, ui) : saved ? t('members.saved') : ''}
          </span>
        </div>
      ) : (
        <span className="org-role">{roleName(t, role)}</span>
      )}
    </li>
  );
}

function roleError(t: T, ui: UiError): string {
  switch (ui.reason) {
    case 'SELF_ROLE_CHANGE':
      return t('members.errors.self');
    case 'OUTRANKED':
      return t('members.errors.outranked');
    case 'LAST_OWNER':
      return t('members.errors.lastOwner');
  }
  return genericError(t, ui);
}

function genericError(t: T, ui: UiError): string {
  if (ui.code === 'RATE_LIMITED') return t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 });
  if (ui.code === 'SERVICE_UNAVAILABLE') return t('common:errors.unavailable');
  if (ui.code === 'FORBIDDEN') return t('common:errors.forbidden');
  if (ui.code === 'NETWORK_ERROR') return t('common:errors.network');
  return ui.message;
}

function AddMember({ org, onAdded }: { org: Organization; onAdded(): void }) {
  const { t } = useTranslation('org');
  const id = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('MEMBER');
  const [add, { loading, error }] = useMutation(ADD_MEMBER);
  const [added, setAdded] = useState<string | null>(null);
  const ui = toUiError(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAdded(null);
    const res = await add({ variables: { input: { organizationId: org.id, email: email.trim(), role } } }).catch(
      () => null,
    );
    if (!res?.data) return;
    setAdded(res.data.addOrganizationMember.member.user.displayName);
    setEmail('');
    onAdded();
  }

  const formMessage = ui
    ? ui.code === 'NOT_FOUND'
      ? t('members.errors.noAccount')
      : ui.reason === 'ALREADY_MEMBER'
        ? t('members.errors.already')
        : !Object.keys(ui.fieldErrors).length
          ? roleError(t, ui)
          : null
    : null;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="card org-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('members.addTitle')}</h3>
      <p className="muted">{t('members.addHint')}</p>
      <TextField
        label={t('members.email')}
        type="email"
        autoComplete="off"
        value={email}
        onChange={setEmail}
        isRequired
        error={fieldError(ui, 'email')}
      />
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('members.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
          {EMPLOYEE_ROLES.map((r) => (
            <option key={r} value={r}>
              {roleName(t, r)}
            </option>
          ))}
        </select>
        {fieldError(ui, 'role') && <span className="field-error">{fieldError(ui, 'role')}</span>}
      </div>
      <FormError message={formMessage} />
      {added && (
        <p role="status" className="org-ok">
          {t('members.added', { name: added })}
        </p>
      )}
      <Button type="submit" className="btn btn-primary" isDisabled={loading || !email.trim()}>
        {t('members.add')}
      </Button>
    </form>
  );
}

function CustomerAccounts({ org }: { org: Organization }) {
  const { t } = useTranslation('org');
  const { data, loading, error, refetch, fetchMore } = useQuery(CUSTOMER_ACCOUNTS, {
    variables: { organizationId: org.id, first: PAGE },
  });
  const [more, setMore] = useState(false);
  const connection = data?.customerAccounts;

  const loadMore = async () => {
    if (!connection?.pageInfo.endCursor) return;
    setMore(true);
    await fetchMore({
      variables: { after: connection.pageInfo.endCursor },
      updateQuery: (prev, { fetchMoreResult }) =>
        fetchMoreResult
          ? { ...prev, customerAccounts: appendEdges(prev.customerAccounts, fetchMoreResult.customerAccounts) }
          : prev,
    }).catch(() => undefined);
    setMore(false);
  };

  return (
    <>
      <h2 className="visually-hidden">{t('tabs.customers')}</h2>
      <p className="muted">{t('customers.intro')}</p>
      {org.viewerCan.createCustomerAccount && <AddCustomerAccount org={org} onAdded={() => void refetch()} />}
      {loading && !connection ? (
        <Loading />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !connection?.edges.length ? (
        <Empty>{t('customers.empty')}</Empty>
      ) : (
        <>
          <ul className="org-list" aria-label={t('customers.listLabel')}>
            {connection.edges.map(({ node }) => (
              <li key={node.id} className="org-row">
                <div className="org-row-main">
                  <span className="author-name">{node.name}</span>
                  {node.domain && <span className="chip">{node.domain}</span>}
                  <span className="muted org-row-meta">
                    {t('customers.since', { date: formatDate(node.createdAt) })}
                  </span>
                </div>
              </li>
            ))}
          </ul>
          <MoreButton hasNext={connection.pageInfo.hasNextPage} loading={more} onMore={() => void loadMore()} />
        </>
      )}
    </>
  );
}

function AddCustomerAccount({ org, onAdded }: { org: Organization; onAdded(): void }) {
  const { t } = useTranslation('org');
  const id = useId();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [create, { loading, error }] = useMutation(CREATE_CUSTOMER_ACCOUNT);
  const [added, setAdded] = useState<string | null>(null);
  const ui = toUiError(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAdded(null);
    const trimmed = domain.trim().replace(/^@/, '').toLowerCase();
    const res = await create({
      variables: { input: { organizationId: org.id, name: name.trim(), ...(trimmed ? { domain: trimmed } : {}) } },
    }).catch(() => null);
    if (!res?.data) return;
    setAdded(res.data.createCustomerAccount.customerAccount.name);
    setName('');
    setDomain('');
    onAdded();
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="card org-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('customers.addTitle')}</h3>
      <TextField
        label={t('customers.name')}
        value={name}
        onChange={setName}
        isRequired
        error={fieldError(ui, 'name')}
      />
      <TextField
        label={t('customers.domain')}
        description={t('customers.domainHint')}
        autoComplete="off"
        spellCheck="false"
        value={domain}
        onChange={setDomain}
        error={fieldError(ui, 'domain')}
      />
      <FormError message={ui && !Object.keys(ui.fieldErrors).length ? genericError(t, ui) : null} />
      {added && (
        <p role="status" className="org-ok">
          {t('customers.added', { name: added })}
        </p>
      )}
      <Button type="submit" className="btn btn-primary" isDisabled={loading || !name.trim()}>
        {t('customers.add')}
      </Button>
    </form>
  );
}

/** "consent.withdrawn" → "Consent withdrawn" when known, the code itself otherwise. */
function actionLabel(t: T, action: string): string {
  return t(`audit.actions.${action.replace(/\./g, '_')}`, { defaultValue: action });
}

/** The details JSON as short "key: value" pairs (ids and hashes stay as they are). */
function detailsText(details: string): string {
  try {
    const parsed = JSON.parse(details) as Record<string, unknown>;
    return Object.entries(parsed)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' · ');
  } catch {
    return details;
  }
}

function AuditLog({ org }: { org: Organization }) {
  const { t } = useTranslation('org');
  const { data, loading, error, refetch, fetchMore } = useQuery(AUDIT_LOG, {
    variables: { organizationId: org.id, first: PAGE },
    fetchPolicy: 'network-only',
  });
  const [more, setMore] = useState(false);
  const connection = data?.auditLog;

  const loadMore = async () => {
    if (!connection?.pageInfo.endCursor) return;
    setMore(true);
    await fetchMore({
      variables: { after: connection.pageInfo.endCursor },
      updateQuery: (prev, { fetchMoreResult }) =>
        fetchMoreResult ? { ...prev, auditLog: appendEdges(prev.auditLog, fetchMoreResult.auditLog) } : prev,
    }).catch(() => undefined);
    setMore(false);
  };

  return (
    <>
      <h2 className="visually-hidden">{t('tabs.audit')}</h2>
      <p className="muted">{t('audit.intro')}</p>
      {loading && !connection ? (
        <Loading />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !connection?.edges.length ? (
        <Empty>{t('audit.empty')}</Empty>
      ) : (
        <>
          <ol className="org-list org-audit" aria-label={t('audit.listLabel')}>
            {connection.edges.map(({ node }) => {
              const details = detailsText(node.details);
              return (
                <li key={node.id} className="org-row">
                  <div className="org-row-main">
                    <span className="author-name">{actionLabel(t, node.action)}</span>
                    <span className="muted org-row-meta">
                      <time dateTime={node.at}>{formatDate(node.at, 'long')}</time>
                      {' · '}
                      {node.actor ? node.actor.displayName : t('audit.anonymous')}
                    </span>
                    {details && details !== '' && <code className="org-audit-details">{details}</code>}
                  </div>
                </li>
              );
            })}
          </ol>
          <MoreButton hasNext={connection.pageInfo.hasNextPage} loading={more} onMore={() => void loadMore()} />
        </>
      )}
    </>
  );
}

function Spaces({ org }: { org: Organization }) {
  const { t } = useTranslation('org');
  const { data, loading, error, refetch, fetchMore } = useQuery(ORGANIZATION_SPACES, {
    variables: { organizationId: org.id, first: PAGE },
  });
  const [more, setMore] = useState(false);
  const connection = data?.spaces;
  const canCreate = org.viewerCan.createSpace || org.viewerCan.createHybridSpace;

  const loadMore = async () => {
    if (!connection?.pageInfo.endCursor) return;
    setMore(true);
    await fetchMore({
      variables: { after: connection.pageInfo.endCursor },
      updateQuery: (prev, { fetchMoreResult }) =>
        fetchMoreResult ? { ...prev, spaces: appendEdges(prev.spaces, fetchMoreResult.spaces) } : prev,
    }).catch(() => undefined);
    setMore(false);
  };

  return (
    <>
      <h2 className="visually-hidden">{t('tabs.spaces')}</h2>
      {canCreate && (
        <p>
          <Link to={`/spaces/new?org=${encodeURIComponent(org.id)}`} className="btn btn-primary">
            {t('spaces.new')}
          </Link>
        </p>
      )}
      {loading && !connection ? (
        <Loading />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !connection?.edges.length ? (
        <Empty>{t('spaces.empty')}</Empty>
      ) : (
        <>
          <ul className="org-list" aria-label={t('spaces.listLabel')}>
            {connection.edges.map(({ node }) => (
              <li key={node.id} className="org-row">
                <div className="org-row-main">
                  <Link to={`/s/${encodeURIComponent(node.id)}`} className="org-space-link">
                    {node.name}
                  </Link>
                  <span className={`chip ${node.kind === 'HYBRID' ? 'org-chip-hybrid' : ''}`}>
                    {t(`spaces.kind.${node.kind}`)}
                  </span>
                  <span className="muted org-row-meta">
                    {t(`spaces.visibility.${node.visibility}`)} ·{' '}
                    {t('spaces.members', { count: node.memberCount, n: formatNumber(node.memberCount) })}
                  </span>
                </div>
              </li>
            ))}
          </ul>
          <MoreButton hasNext={connection.pageInfo.hasNextPage} loading={more} onMore={() => void loadMore()} />
        </>
      )}
    </>
  );
}
