import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Button,
  DialogTrigger,
  ListBox,
  ListBoxItem,
  Label,
  Popover,
  Select,
  SelectValue,
  Tab,
  TabList,
  TabPanel,
  Tabs,
} from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { Author } from '../../components/Author';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { Checkbox, FormError, TextField } from '../../components/forms';
import { ModalDialog } from '../../components/ModalDialog';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { SpaceRole, SpaceSettingsQuery, SpaceVisibility } from '../../gql/graphql';
import { fieldError, toUiError } from '../../lib/errors';
import { formatDate, formatNumber } from '../../lib/format';
import { useRealtimeEvents } from '../../lib/realtime';
import { useSubmissionKey } from '../../lib/idempotency';
import { uiErrorText } from '../../lib/uiErrorText';
import { SpaceClosed } from '../feed/SpaceClosed';
import { KindBadge, VisibilityBadge } from './SpacesPage';
import './spaces.css';

const SPACE_SETTINGS = graphql(`
  query SpaceSettings($spaceId: ID!) {
    space(id: $spaceId) {
      id
      name
      description
      kind
      visibility
      membersCanInvite
      memberCount
      customerCount
      holdsCustomers
      organizationId
      viewerRole
      consentPolicy {
        text
        version
      }
      viewerCan {
        update
        listMembers
        setMemberRole
        removeMember
        invite
        manageInvitations
        leave
        withdrawConsent
        join
      }
    }
  }
`);

const UPDATE_SPACE = graphql(`
  mutation SpaceSettingsUpdate($input: UpdateSpaceInput!) {
    updateSpace(input: $input) {
      space {
        id
        name
        description
        visibility
        membersCanInvite
        consentPolicy {
          text
          version
        }
      }
    }
  }
`);

const MEMBERS = graphql(`
  query SpaceSettingsMembers($spaceId: ID!, $first: Int!, $after: String) {
    spaceMembers(spaceId: $spaceId, first: $first, after: $after) {
      edges {
        cursor
        node {
          role
          joinedAt
          user {
            id
            displayName
          }
          badge {
            ...BadgeFields
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const SET_ROLE = graphql(`
  mutation SpaceSettingsSetRole($input: SetSpaceRoleInput!) {
    setSpaceRole(input: $input) {
      role
      user {
        id
      }
    }
  }
`);

const REMOVE_MEMBER = graphql(`
  mutation SpaceSettingsRemoveMember($input: RemoveSpaceMemberInput!) {
    removeSpaceMember(input: $input) {
      space {
        id
        memberCount
        customerCount
      }
    }
  }
`);

const INVITATIONS = graphql(`
  query SpaceSettingsInvitations($spaceId: ID!) {
    space(id: $spaceId) {
      id
      invitations(first: 100) {
        edges {
          node {
            id
            email
            status
            createdAt
            expiresAt
            customerAccount {
              id
              name
            }
          }
        }
      }
    }
  }
`);

const INVITE = graphql(`
  mutation SpaceSettingsInvite($input: InviteToSpaceInput!) {
    inviteToSpace(input: $input) {
      invitation {
        id
        email
        status
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation SpaceSettingsRevoke($input: RevokeInvitationInput!) {
    revokeInvitation(input: $input) {
      invitation {
        id
        status
      }
    }
  }
`);

const LEAVE = graphql(`
  mutation SpaceSettingsLeave($spaceId: ID!) {
    leaveSpace(spaceId: $spaceId) {
      spaceId
    }
  }
`);

const WITHDRAW = graphql(`
  mutation SpaceSettingsWithdraw($spaceId: ID!) {
    withdrawConsent(spaceId: $spaceId) {
      consentRecord {
        id
        withdrawnAt
      }
    }
  }
`);

type Space = SpaceSettingsQuery['space'];
const MEMBERS_PAGE = 50;
const ASSIGNABLE: SpaceRole[] = ['OWNER', 'MODERATOR', 'MEMBER'];

/** `/s/:spaceId/settings`: settings, members and invitations (each per `viewerCan`), and leaving the space. */
export default function SpaceSettingsPage() {
  const { spaceId = '' } = useParams();
  const { t } = useTranslation('spaces');
  const [revoked, setRevoked] = useState<string | null>(null);
  const leaving = useRef(false);
  const { data, loading, error, refetch } = useQuery(SPACE_SETTINGS, {
    variables: { spaceId },
    skip: revoked !== null,
  });

  useRealtimeEvents(
    (event) => {
      const payload = event.payload as { spaceId?: string; reason?: string };
      if (payload.spaceId === spaceId && !leaving.current) setRevoked(payload.reason ?? 'LEFT_OR_REMOVED');
    },
    ['membership:revoked'],
  );

  if (revoked) return <SpaceClosed reason={revoked} />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const space = data.space;
  const can = space.viewerCan;
  const showInvitations = can.invite || can.manageInvitations;

  return (
    <section className="page space-settings-page">
      <p>
        <Link to={`/s/${space.id}`} className="back-link">
          ← {space.name}
        </Link>
      </p>
      <h1>{t('settings.title', { space: space.name })}</h1>
      <p className="space-badges">
        <KindBadge kind={space.kind} />
        <VisibilityBadge visibility={space.visibility} />
        {space.viewerRole && <span className="sp-badge sp-role">{t(`role.${space.viewerRole}`)}</span>}
      </p>
      <Tabs className="tabs settings-tabs">
        <TabList aria-label={t('settings.sections')}>
          <Tab id="settings">{t('settings.tab')}</Tab>
          {can.listMembers && <Tab id="members">{t('members.tab')}</Tab>}
          {showInvitations && <Tab id="invitations">{t('invitations.tab')}</Tab>}
        </TabList>
        <TabPanel id="settings">
          <SettingsTab key={space.id} space={space} />
        </TabPanel>
        {can.listMembers && (
          <TabPanel id="members">
            <MembersTab space={space} />
          </TabPanel>
        )}
        {showInvitations && (
          <TabPanel id="invitations">
            <InvitationsTab space={space} />
          </TabPanel>
        )}
      </Tabs>
      <Membership space={space} onLeaving={() => (leaving.current = true)} />
    </section>
  );
}

function SettingsTab({ space }: { space: Space }) {
  const { t } = useTranslation('spaces');
  const hybrid = space.kind === 'HYBRID';
  const [name, setName] = useState(space.name);
  const [description, setDescription] = useState(space.description);
  const [visibility, setVisibility] = useState<SpaceVisibility>(space.visibility);
  const [membersCanInvite, setMembersCanInvite] = useState(space.membersCanInvite);
  const [consentText, setConsentText] = useState(space.consentPolicy?.text ?? '');
  const [saved, setSaved] = useState(false);
  const [update, state] = useMutation(UPDATE_SPACE);
  const ui = toUiError(state.error);

  if (!space.viewerCan.update) {
    return (
      <div className="settings-readonly">
        <h2>{t('settings.about')}</h2>
        {space.description ? <p>{space.description}</p> : <p className="muted">{t('settings.noDescription')}</p>}
        <p className="muted">
          {t('memberCount', { count: space.memberCount, n: formatNumber(space.memberCount) })}
          {hybrid && <> · {t('customerCount', { count: space.customerCount, n: formatNumber(space.customerCount) })}</>}
        </p>
        {space.consentPolicy && (
          <>
            <h3>{t('settings.consentCurrent', { version: space.consentPolicy.version })}</h3>
            <p className="consent-box">{space.consentPolicy.text}</p>
          </>
        )}
      </div>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (state.loading) return;
    setSaved(false);
    const consentChanged = hybrid && consentText.trim() !== (space.consentPolicy?.text ?? '').trim();
    const result = await update({
      variables: {
        input: {
          spaceId: space.id,
          name: name.trim(),
          description: description.trim(),
          visibility,
          ...(hybrid ? { membersCanInvite } : {}),
          ...(consentChanged ? { consentText: consentText.trim() } : {}),
        },
      },
    }).catch(() => null);
    if (result?.data) setSaved(true);
  }

  return (
    <form onSubmit={submit} noValidate>
      <TextField
        label={t('new.name')}
        value={name}
        onChange={setName}
        isRequired
        maxLength={120}
        error={fieldError(ui, 'name')}
      />
      <TextField
        label={t('new.description')}
        value={description}
        onChange={setDescription}
        multiline
        rows={3}
        maxLength={2000}
        error={fieldError(ui, 'description')}
      />
      <ChoiceGroup
        label={t('new.visibility')}
        value={visibility}
        onChange={setVisibility}
        error={fieldError(ui, 'visibility')}
        options={(['OPEN', 'PRIVATE'] as const).map((v) => ({
          value: v,
          label: t(`visibility.${v}`),
          description: t(`visibilityHint.${v}`),
        }))}
      />
      {hybrid && (
        <>
          <Checkbox isSelected={membersCanInvite} onChange={setMembersCanInvite}>
            {t('membersCanInvite')}
          </Checkbox>
          <TextField
            label={t('settings.consentText', { version: space.consentPolicy?.version ?? 1 })}
            description={t('settings.consentHint')}
            value={consentText}
            onChange={setConsentText}
            multiline
            rows={6}
            maxLength={10000}
            error={fieldError(ui, 'consentText')}
          />
        </>
      )}
      <FormError message={uiErrorText(t, ui, ['name', 'description', 'visibility', 'consentText'])} />
      {saved && (
        <p className="status-line" role="status">
          {t('settings.saved')}
        </p>
      )}
      <Button type="submit" className="btn btn-primary">
        {t('settings.save')}
      </Button>
    </form>
  );
}

function MembersTab({ space }: { space: Space }) {
  const { t } = useTranslation('spaces');
  const { viewer } = useSession();
  const { data, loading, error, refetch, fetchMore } = useQuery(MEMBERS, {
    variables: { spaceId: space.id, first: MEMBERS_PAGE },
  });
  const [setRole, roleState] = useMutation(SET_ROLE);
  const [remove, removeState] = useMutation(REMOVE_MEMBER);
  const [done, setDone] = useState<{ text: string; focus: boolean } | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  // A removed member's row (and its button) is gone: keyboard focus goes to the confirmation.
  useEffect(() => {
    if (done?.focus) doneRef.current?.focus();
  }, [done]);
  const ui = toUiError(roleState.error ?? removeState.error);
  const can = space.viewerCan;

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <Loading />;
  const members = data?.spaceMembers.edges.map((e) => e.node) ?? [];

  const changeRole = async (userId: string, name: string, role: SpaceRole) => {
    setDone(null);
    const ok = await setRole({ variables: { input: { spaceId: space.id, userId, role } } }).then(
      () => true,
      () => false,
    );
    if (ok) {
      setDone({ text: t('members.roleChanged', { name, role: t(`role.${role}`) }), focus: false });
      await refetch().catch(() => undefined);
    }
  };
  const removeMember = async (userId: string, name: string) => {
    setDone(null);
    const ok = await remove({ variables: { input: { spaceId: space.id, userId } } }).then(
      () => true,
      () => false,
    );
    if (ok) {
      setDone({ text: t('members.removed', { name }), focus: true });
      await refetch().catch(() => undefined);
    }
  };

  return (
    <div>
      <h2 className="visually-hidden">{t('members.tab')}</h2>
      <p className="muted">
        {t('memberCount', { count: space.memberCount, n: formatNumber(space.memberCount) })}
        {space.kind === 'HYBRID' && (
          <> · {t('customerCount', { count: space.customerCount, n: formatNumber(space.customerCount) })}</>
        )}
      </p>
      <FormError message={uiErrorText(t, ui)} />
      {done && (
        <p className="status-line" role="status" tabIndex={-1} ref={doneRef}>
          {done.text}
        </p>
      )}
      {members.length === 0 ? (
        <Empty>{t('members.empty')}</Empty>
      ) : (
        <ul className="member-list">
          {members.map((m) => {
            const self = m.user.id === viewer?.id;
            const name = m.user.displayName;
            return (
              <li key={m.user.id} className="member-row">
                <span className="member-who">
                  <Author name={name} badge={m.badge} />
                  <span className="muted">
                    {t(`role.${m.role}`)} · {t('members.joined', { date: formatDate(m.joinedAt) })}
                  </span>
                </span>
                {!self && (
                  <span className="member-actions">
                    {can.setMemberRole && m.role !== 'CUSTOMER' && (
                      <RoleSelect
                        label={t('members.roleOf', { name })}
                        value={m.role}
                        onChange={(role) => role !== m.role && void changeRole(m.user.id, name, role)}
                      />
                    )}
                    {can.removeMember && (
                      <DialogTrigger>
                        <Button className="btn btn-danger">
                          {t('members.remove')}
                          <span className="visually-hidden"> {name}</span>
                        </Button>
                        <ModalDialog title={t('members.removeTitle', { name })} alert>
                          {(close) => (
                            <>
                              <p>
                                {m.role === 'CUSTOMER'
                                  ? t('members.removeCustomerText', { name, space: space.name })
                                  : t('members.removeText', { name, space: space.name })}
                              </p>
                              <div className="btn-row">
                                <Button
                                  className="btn btn-danger"
                                  onPress={() => !removeState.loading && void removeMember(m.user.id, name).then(close)}
                                >
                                  {t('members.removeConfirm')}
                                </Button>
                                <Button className="btn" onPress={close} autoFocus>
                                  {t('common:cancel')}
                                </Button>
                              </div>
                            </>
                          )}
                        </ModalDialog>
                      </DialogTrigger>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {data?.spaceMembers.pageInfo.hasNextPage && (
        <div className="spaces-more">
          <button
            type="button"
            className="btn"
            onClick={() =>
              void fetchMore({
                variables: { spaceId: space.id, first: MEMBERS_PAGE, after: data.spaceMembers.pageInfo.endCursor },
              }).catch(() => undefined)
            }
          >
            {t('common:loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}

function RoleSelect({
  label,
  value,
  onChange,
  isDisabled,
}: {
  label: string;
  value: SpaceRole;
  onChange(role: SpaceRole): void;
  isDisabled?: boolean;
}) {
  const { t } = useTranslation('spaces');
  return (
    <Select
      className="role-select"
      selectedKey={value}
      onSelectionChange={(key) => key && onChange(key as SpaceRole)}
      isDisabled={isDisabled}
    >
      <Label className="visually-hidden">{label}</Label>
      <Button className="btn select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover>
        <ListBox className="listbox">
          {ASSIGNABLE.map((role) => (
            <ListBoxItem key={role} id={role} className="listbox-item">
              {t(`role.${role}`)}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

function InvitationsTab({ space }: { space: Space }) {
  const { t } = useTranslation('spaces');
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const list = useQuery(INVITATIONS, { variables: { spaceId: space.id }, skip: !space.viewerCan.manageInvitations });
  const [invite, inviteState] = useMutation(INVITE);
  const submission = useSubmissionKey();
  const [revoke, revokeState] = useMutation(REVOKE);
  const ui = toUiError(inviteState.error);
  const revokeUi = toUiError(revokeState.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (inviteState.loading) return;
    setSent(null);
    const to = email.trim();
    const variables = { input: { spaceId: space.id, email: to, message: message.trim() || undefined } };
    const result = await invite({ variables, context: submission.context(variables) }).catch(() => null);
    if (result?.data) {
      submission.succeeded();
      setSent(t('invitations.sent', { email: to }));
      setEmail('');
      setMessage('');
      if (space.viewerCan.manageInvitations) await list.refetch().catch(() => undefined);
    }
  }

  const invitations = list.data?.space.invitations.edges.map((e) => e.node) ?? [];
  return (
    <div>
      {space.viewerCan.invite && (
        <section className="settings-section" aria-labelledby="invite-heading">
          <h2 id="invite-heading">{t('invitations.inviteTitle')}</h2>
          <form onSubmit={submit} noValidate>
            <TextField
              label={t('invitations.email')}
              type="email"
              autoComplete="off"
              value={email}
              onChange={setEmail}
              isRequired
              error={fieldError(ui, 'email')}
            />
            <TextField
              label={t('invitations.message')}
              value={message}
              onChange={setMessage}
              multiline
              rows={3}
              error={fieldError(ui, 'message')}
            />
            {space.consentPolicy && (
              <>
                <p className="consent-intro">
                  {t('invitations.consentIntro', { version: space.consentPolicy.version })}
                </p>
                <blockquote className="consent-box">{space.consentPolicy.text}</blockquote>
              </>
            )}
            <FormError message={uiErrorText(t, ui, ['email', 'message'])} />
            {sent && (
              <p className="status-line" role="status">
                {sent}
              </p>
            )}
            <Button type="submit" className="btn btn-primary">
              {t('invitations.send')}
            </Button>
          </form>
        </section>
      )}
      {space.viewerCan.manageInvitations && (
        <section className="settings-section" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">{t('invitations.listTitle')}</h2>
          <FormError message={uiErrorText(t, revokeUi)} />
          {list.error && !list.data ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.loading && !list.data ? (
            <Loading />
          ) : invitations.length === 0 ? (
            <Empty>{t('invitations.empty')}</Empty>
          ) : (
            <ul className="invitation-list">
              {invitations.map((inv) => (
                <li key={inv.id} className="invitation-row">
                  <span className="invitation-who">
                    <strong>{inv.email}</strong>
                    <span className="muted">
                      {inv.customerAccount ? `${inv.customerAccount.name} · ` : ''}
                      {inv.status === 'PENDING'
                        ? t('invitations.expires', { date: formatDate(inv.expiresAt) })
                        : t('invitations.sentOn', { date: formatDate(inv.createdAt) })}
                    </span>
                  </span>
                  <span className="member-actions">
                    <span className={`sp-badge sp-status-${inv.status.toLowerCase()}`}>
                      {t(`invitations.status.${inv.status}`)}
                    </span>
                    {inv.status === 'PENDING' && (
                      <button
                        type="button"
                        className="btn"
                        onClick={() =>
                          void revoke({ variables: { input: { invitationId: inv.id } } }).catch(() => undefined)
                        }
                      >
                        {t('invitations.revoke')}
                        <span className="visually-hidden"> {inv.email}</span>
                      </button>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

/** Leaving the space; for a customer, withdrawing their consent (which also takes them out of it). */
function Membership({ space, onLeaving }: { space: Space; onLeaving(): void }) {
  const { t } = useTranslation('spaces');
  const navigate = useNavigate();
  const client = useApolloClient();
  const [leave, leaveState] = useMutation(LEAVE);
  const [withdraw, withdrawState] = useMutation(WITHDRAW);
  const ui = toUiError(leaveState.error ?? withdrawState.error);
  const can = space.viewerCan;
  if (!can.leave && !can.withdrawConsent) return null;

  const gone = async () => {
    // Nothing of a space the viewer left stays in memory.
    client.cache.evict({ id: client.cache.identify({ __typename: 'Space', id: space.id }) });
    client.cache.evict({ id: 'ROOT_QUERY', fieldName: 'spaces' });
    client.cache.gc();
    await navigate('/spaces', { replace: true });
  };

  return (
    <section className="settings-section membership-box" aria-labelledby="membership-heading">
      <h2 id="membership-heading">{t('membership.title')}</h2>
      <FormError message={uiErrorText(t, ui)} />
      <div className="btn-row">
        {can.withdrawConsent ? (
          <DialogTrigger>
            <Button className="btn btn-danger">{t('membership.withdraw')}</Button>
            <ModalDialog title={t('membership.withdrawTitle', { space: space.name })} alert>
              {(close) => (
                <>
                  <p>{t('membership.withdrawText', { space: space.name })}</p>
                  <div className="btn-row">
                    <Button
                      className="btn btn-danger"
                      onPress={async () => {
                        if (withdrawState.loading) return;
                        onLeaving();
                        const ok = await withdraw({ variables: { spaceId: space.id } }).then(
                          () => true,
                          () => false,
                        );
                        close();
                        if (ok) await gone();
                      }}
                    >
                      {t('membership.withdrawConfirm')}
                    </Button>
                    <Button className="btn" onPress={close} autoFocus>
                      {t('common:cancel')}
                    </Button>
                  </div>
                </>
              )}
            </ModalDialog>
          </DialogTrigger>
        ) : (
          can.leave && (
            <DialogTrigger>
              <Button className="btn btn-danger">{t('membership.leave')}</Button>
              <ModalDialog title={t('membership.leaveTitle', { space: space.name })} alert>
                {(close) => (
                  <>
                    <p>
                      {space.visibility === 'OPEN' && space.kind === 'INTERNAL'
                        ? t('membership.leaveTextOpen')
                        : t('membership.leaveText')}
                    </p>
                    <div className="btn-row">
                      <Button
                        className="btn btn-danger"
                        onPress={async () => {
                          if (leaveState.loading) return;
                          onLeaving();
                          const ok = await leave({ variables: { spaceId: space.id } }).then(
                            () => true,
                            () => false,
                          );
                          close();
                          if (ok) await gone();
                        }}
                      >
                        {t('membership.leaveConfirm')}
                      </Button>
                      <Button className="btn" onPress={close} autoFocus>
                        {t('common:cancel')}
                      </Button>
                    </div>
                  </>
                )}
              </ModalDialog>
            </DialogTrigger>
          )
        )}
      </div>
    </section>
  );
}
