import { useEffect, useLayoutEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { Button } from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { Checkbox, FormError, PasswordField, TextField } from '../../components/forms';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import { fieldError, toUiError, type UiError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import './invitation.css';

const PREVIEW = graphql(`
  query InvitationPreview($token: String!) {
    invitation(token: $token) {
      spaceName
      inviterName
      expiresAt
      consent {
        version
        text
      }
    }
  }
`);

const ACCEPT = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      space {
        id
        name
      }
      consentRecord {
        id
        policyVersion
        grantedAt
      }
    }
  }
`);

const SIGN_UP_IN_PLACE = graphql(`
  mutation InvitationSignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      accessTokenExpiresAt
    }
  }
`);

const SIGN_IN_IN_PLACE = graphql(`
  mutation InvitationSignIn($input: SignInInput!) {
    signIn(input: $input) {
      accessToken
      accessTokenExpiresAt
    }
  }
`);

/**
 * The invitation's state, in memory only (never in storage, never in a URL). It lives outside the component
 * because signing in re-renders the whole frame: the page is mounted again and must keep the token, the
 * ticked consent and where the flow stands.
 */
interface Flow {
  token: string | null;
  consented: boolean;
  busy: boolean;
  error: UiError | null;
  joinedSpaceId: string | null;
}
let flow: Flow = { token: null, consented: false, busy: false, error: null, joinedSpaceId: null };
const listeners = new Set<() => void>();
function update(patch: Partial<Flow>): void {
  flow = { ...flow, ...patch };
  for (const listener of listeners) listener();
}
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const useFlow = () => useSyncExternalStore(subscribe, () => flow);

function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token ? token.slice(0, 200) : null;
}

/**
 * The page behind the mailed link `/invitation#token=…`. The token travels in the fragment, which browsers
 * never send to a server; it is read once, kept in memory and removed from the address bar. The visitor reads
 * the space, the inviter and the consent text, ticks the consent box (never pre-ticked), signs up or signs in
 * right here if needed, and lands in the space.
 */
export default function InvitationPage() {
  const { t } = useTranslation('invitation');
  const location = useLocation();
  const state = useFlow();
  const fromHash = tokenFromHash(location.hash);
  const token = fromHash ?? state.token;

  useLayoutEffect(() => {
    if (!fromHash) return;
    // Out of the address bar (and so of the history, bookmarks and screenshots of it); kept in memory only.
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    if (fromHash !== flow.token)
      update({ token: fromHash, consented: false, busy: false, error: null, joinedSpaceId: null });
  }, [fromHash]);

  useEffect(() => {
    document.title = `${t('title')} · Ruche`;
  }, [t]);

  if (state.joinedSpaceId) return <Navigate to={`/s/${encodeURIComponent(state.joinedSpaceId)}`} replace />;
  if (!token) return <InvalidInvitation />;
  return <InvitationPreview token={token} />;
}

function InvalidInvitation() {
  const { t } = useTranslation('invitation');
  const { viewer } = useSession();
  return (
    <section className="page narrow invitation" aria-labelledby="invitation-invalid-title">
      <h1 id="invitation-invalid-title">{t('invalid.title')}</h1>
      <p>{t('invalid.text')}</p>
      <p className="muted">{t('invalid.hint')}</p>
      <Link to={viewer ? '/' : '/signin'} className="btn">
        {viewer ? t('invalid.home') : t('invalid.signIn')}
      </Link>
    </section>
  );
}

function InvitationPreview({ token }: { token: string }) {
  const { t } = useTranslation('invitation');
  const { viewer } = useSession();
  const state = useFlow();
  // no-cache: the token is not kept as a cache key, and a reopened page asks again (the link may be used up).
  const { data, loading, error, refetch } = useQuery(PREVIEW, { variables: { token }, fetchPolicy: 'no-cache' });

  if (loading && !data) return <Loading />;
  if (error) {
    if (toUiError(error)?.code === 'NOT_FOUND') return <InvalidInvitation />;
    return (
      <section className="page narrow invitation">
        <h1>{t('title')}</h1>
        <ErrorState error={error} onRetry={() => void refetch()} />
      </section>
    );
  }
  if (!data) return <InvalidInvitation />;
  const invitation = data.invitation;

  return (
    <section className="page narrow invitation" aria-labelledby="invitation-title">
      <p className="invitation-kicker">{t('kicker')}</p>
      <h1 id="invitation-title">{invitation.spaceName}</h1>
      <p>{t('intro', { inviter: invitation.inviterName, space: invitation.spaceName })}</p>
      <p className="muted">{t('expires', { date: formatDate(invitation.expiresAt, 'long') })}</p>

      <h2 id="consent-title">{t('consent.title')}</h2>
      <p className="muted">{t('consent.version', { version: invitation.consent.version })}</p>
      <div className="invitation-consent" role="region" aria-labelledby="consent-title" tabIndex={0}>
        {invitation.consent.text}
      </div>
      <Checkbox
        isSelected={state.consented}
        onChange={(consented) => update({ consented, error: null })}
        name="consent"
      >
        {t('consent.checkbox')}
      </Checkbox>
      <p className="muted invitation-withdraw-note">{t('consent.withdrawNote')}</p>

      {viewer ? (
        <SignedInAccept
          token={token}
          policyVersion={invitation.consent.version}
          onPolicyChanged={() => void refetch()}
        />
      ) : (
        <AccountInPlace
          token={token}
          policyVersion={invitation.consent.version}
          onPolicyChanged={() => void refetch()}
        />
      )}
    </section>
  );
}

/** The message for a failed acceptance, in the visitor's language. */
function useAcceptErrorText(): (ui: UiError | null) => string | null {
  const { t } = useTranslation('invitation');
  return (ui) => {
    if (!ui) return null;
    if (ui.code === 'NOT_FOUND') return t('errors.notFound');
    if (ui.code === 'FORBIDDEN' && ui.reason === 'WRONG_EMAIL') return t('errors.wrongEmail');
    if (ui.code === 'CONSENT_REQUIRED' && ui.reason === 'POLICY_VERSION_CHANGED') return t('errors.policyChanged');
    if (ui.code === 'CONSENT_REQUIRED') return t('errors.consentRequired');
    if (ui.code === 'RATE_LIMITED') return t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 });
    if (ui.code === 'SERVICE_UNAVAILABLE') return t('common:errors.unavailable');
    if (ui.code === 'NETWORK_ERROR') return t('common:errors.network');
    return ui.message;
  };
}

/** Accepts with the consent ticked, then goes straight into the space. */
function useAccept(onPolicyChanged: () => void) {
  const client = useApolloClient();
  const navigate = useNavigate();
  return async (token: string, policyVersion: number): Promise<boolean> => {
    try {
      const { data } = await client.mutate({
        mutation: ACCEPT,
        variables: { input: { token, consent: { accepted: true, policyVersion } } },
      });
      if (!data) return false;
      const spaceId = data.acceptInvitation.space.id;
      // A page mounted again before the navigation below goes to the space too.
      update({ busy: false, error: null, joinedSpaceId: spaceId });
      // The person now belongs to the organization (as a customer when they are not an employee).
      void client.refetchQueries({ include: ['Viewer'] });
      await navigate(`/s/${encodeURIComponent(spaceId)}`, { replace: true });
      // The invitation is spent: forget the token.
      update({ token: null, consented: false, joinedSpaceId: null });
      return true;
    } catch (error) {
      const ui = toUiError(error);
      if (ui?.code === 'CONSENT_REQUIRED' && ui.reason === 'POLICY_VERSION_CHANGED') {
        update({ consented: false });
        onPolicyChanged();
      }
      update({ busy: false, error: ui });
      return false;
    }
  };
}

function SignedInAccept({
  token,
  policyVersion,
  onPolicyChanged,
}: {
  token: string;
  policyVersion: number;
  onPolicyChanged(): void;
}) {
  const { t } = useTranslation('invitation');
  const { viewer, signOut } = useSession();
  const state = useFlow();
  const accept = useAccept(onPolicyChanged);
  const errorText = useAcceptErrorText();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!flow.consented || flow.busy) return;
    update({ busy: true, error: null });
    await accept(token, policyVersion);
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="invitation-accept">
      <p className="invitation-as">
        {t('signedInAs', { name: viewer?.displayName ?? '', email: viewer?.email ?? '' })}{' '}
        <Button
          className="btn btn-quiet invitation-switch"
          onPress={() => {
            // Consent is personal: whoever signs in next ticks the box themselves.
            update({ consented: false, error: null });
            void signOut();
          }}
        >
          {t('notYou')}
        </Button>
      </p>
      <FormError message={errorText(state.error)} />
      <Button type="submit" className="btn btn-primary invitation-submit" isDisabled={!state.consented || state.busy}>
        {state.busy ? t('accepting') : t('accept')}
      </Button>
      {!state.consented && <p className="muted invitation-hint">{t('tickFirst')}</p>}
    </form>
  );
}

type Mode = 'signUp' | 'signIn';

/** Signed out: create an account (or sign in) right here, then accept, in one press. */
function AccountInPlace({
  token,
  policyVersion,
  onPolicyChanged,
}: {
  token: string;
  policyVersion: number;
  onPolicyChanged(): void;
}) {
  const { t } = useTranslation('invitation');
  const { t: ta } = useTranslation('auth');
  const client = useApolloClient();
  const { signedIn } = useSession();
  const state = useFlow();
  const accept = useAccept(onPolicyChanged);
  const errorText = useAcceptErrorText();
  const [mode, setMode] = useState<Mode>('signUp');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [accountError, setAccountError] = useState<UiError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!flow.consented || flow.busy) return;
    setAccountError(null);
    update({ busy: true, error: null });
    let session: { accessToken: string; accessTokenExpiresAt: string } | undefined;
    try {
      if (mode === 'signUp') {
        const { data } = await client.mutate({
          mutation: SIGN_UP_IN_PLACE,
          variables: { input: { email, password, displayName } },
        });
        session = data?.signUp;
      } else {
        const { data } = await client.mutate({ mutation: SIGN_IN_IN_PLACE, variables: { input: { email, password } } });
        session = data?.signIn;
      }
    } catch (error) {
      setAccountError(toUiError(error));
      update({ busy: false });
      return;
    }
    if (!session) {
      update({ busy: false });
      return;
    }
    // Signing in re-renders the frame (this page may be mounted again): the flow state above survives it.
    // Not awaited: the store reset refetches this page's preview, which the re-render cancels, so that promise
    // may never settle; the access token is in place as soon as signedIn() returns.
    void signedIn(session.accessToken, session.accessTokenExpiresAt).catch(() => undefined);
    await accept(token, policyVersion);
  }

  const formMessage =
    accountError && !Object.keys(accountError.fieldErrors).length
      ? accountError.code === 'UNAUTHENTICATED'
        ? ta('signIn.wrong')
        : accountError.code === 'RATE_LIMITED'
          ? t('common:errors.rateLimited', { seconds: accountError.retryAfter ?? 60 })
          : accountError.message
      : null;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="invitation-accept" aria-labelledby="account-title">
      <h2 id="account-title">{mode === 'signUp' ? t('account.signUpTitle') : t('account.signInTitle')}</h2>
      <p className="muted">{t('account.hint')}</p>
      {mode === 'signUp' && (
        <TextField
          label={ta('displayName')}
          autoComplete="name"
          value={displayName}
          onChange={setDisplayName}
          isRequired
          error={fieldError(accountError, 'displayName')}
        />
      )}
      <TextField
        label={ta('email')}
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        isRequired
        error={fieldError(accountError, 'email')}
      />
      <PasswordField
        label={ta('password')}
        autoComplete={mode === 'signUp' ? 'new-password' : 'current-password'}
        value={password}
        onChange={setPassword}
        isRequired
        error={fieldError(accountError, 'password')}
      />
      <FormError message={formMessage ?? errorText(state.error)} />
      <Button type="submit" className="btn btn-primary invitation-submit" isDisabled={!state.consented || state.busy}>
        {state.busy ? t('accepting') : t('accept')}
      </Button>
      {!state.consented && <p className="muted invitation-hint">{t('tickFirst')}</p>}
      <p className="invitation-toggle">
        {mode === 'signUp' ? t('account.haveAccount') : t('account.noAccount')}{' '}
        <Button
          className="btn btn-quiet invitation-switch"
          onPress={() => {
            setMode(mode === 'signUp' ? 'signIn' : 'signUp');
            setAccountError(null);
          }}
        >
          {mode === 'signUp' ? t('account.toSignIn') : t('account.toSignUp')}
        </Button>
      </p>
    </form>
  );
}
