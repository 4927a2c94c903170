import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Button } from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { Checkbox, FormError, TextField } from '../../components/forms';
import { graphql } from '../../gql';
import type { CreateOrganizationMutation } from '../../gql/graphql';
import { fieldError, toUiError, type UiError } from '../../lib/errors';
import './org.css';

const CREATE_ORGANIZATION = graphql(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      organization {
        id
        name
        emailDomains
        viewerRole
        viewerCan {
          createSpace
          createHybridSpace
        }
      }
    }
  }
`);

const CREATE_FIRST_SPACE = graphql(`
  mutation CreateFirstSpace($input: CreateSpaceInput!) {
    createSpace(input: $input) {
      space {
        id
        name
        kind
      }
    }
  }
`);

const RESEND_VERIFICATION = graphql(`
  mutation NewOrganizationResendVerification {
    requestEmailVerification {
      ok
    }
  }
`);

type CreatedOrganization = CreateOrganizationMutation['createOrganization']['organization'];

/** "acme.com, Acme.fr;  beta.io" → ["acme.com", "acme.fr", "beta.io"]: the server decides which are accepted. */
function parseDomains(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((d) => d.trim().replace(/^@/, '').toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** Create an organization (name, e-mail domains), then its first spaces. */
export default function NewOrganizationPage() {
  const [organization, setOrganization] = useState<CreatedOrganization | null>(null);
  return organization ? (
    <FirstSpacesStep organization={organization} />
  ) : (
    <OrganizationStep onCreated={setOrganization} />
  );
}

function OrganizationStep({ onCreated }: { onCreated(org: CreatedOrganization): void }) {
  const { t } = useTranslation('org');
  const { viewer, refetchViewer } = useSession();
  const [name, setName] = useState('');
  const [domains, setDomains] = useState('');
  const [create, { loading, error }] = useMutation(CREATE_ORGANIZATION);
  const [resend, resendState] = useMutation(RESEND_VERIFICATION);
  const ui = toUiError(error);
  const ownDomain = viewer?.email?.split('@')[1] ?? '';
  const unverified = viewer?.emailVerified === false;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { data } = await create({
      variables: { input: { name: name.trim(), emailDomains: parseDomains(domains) } },
    }).catch(() => ({ data: undefined }));
    if (!data) return;
    // The header's account menu lists the viewer's organizations: show the new one there.
    void refetchViewer();
    onCreated(data.createOrganization.organization);
  }

  return (
    <section className="page narrow org-new" aria-labelledby="org-new-title">
      <p className="org-step" aria-hidden="true">
        {t('new.step', { step: 1, total: 2 })}
      </p>
      <h1 id="org-new-title">{t('new.title')}</h1>
      <p className="muted">{t('new.intro')}</p>
      {unverified && (
        <div className="card org-notice" role="note">
          <p>{t('new.unverified', { email: viewer?.email ?? '' })}</p>
          {resendState.data ? (
            <p role="status">{t('new.resent')}</p>
          ) : (
            <Button
              className="btn"
              isDisabled={resendState.loading}
              onPress={() => void resend().catch(() => undefined)}
            >
              {t('new.resend')}
            </Button>
          )}
          {resendState.error && <p className="field-error">{resendError(t, toUiError(resendState.error))}</p>}
        </div>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={t('new.name')}
          autoComplete="organization"
          value={name}
          onChange={setName}
          isRequired
          error={fieldError(ui, 'name')}
        />
        <TextField
          label={t('new.domains')}
          description={t('new.domainsHint', { domain: ownDomain || 'example.com' })}
          placeholder={ownDomain}
          autoComplete="off"
          spellCheck="false"
          value={domains}
          onChange={setDomains}
          error={domainError(t, ui, unverified, ownDomain)}
        />
        <FormError message={ui && !Object.keys(ui.fieldErrors).length ? formError(t, ui) : null} />
        <Button type="submit" className="btn btn-primary" isDisabled={loading || !name.trim()}>
          {loading ? t('new.creating') : t('new.submit')}
        </Button>
      </form>
    </section>
  );
}

type T = (key: string, options?: Record<string, unknown>) => string;

/** The server's refusal of a domain, explained: verify your address first, or only your own domain. */
function domainError(t: T, ui: UiError | null, unverified: boolean, ownDomain: string): string | undefined {
  const raw = fieldError(ui, 'emailDomains');
  if (!raw || !ui) return undefined;
  if (ui.code === 'CONFLICT') {
    const domain = /^(\S+\.\S+) /.exec(raw)?.[1];
    return domain ? t('new.domainTaken', { domain }) : t('new.domainTakenAny');
  }
  if (unverified) return t('new.domainNeedsVerification');
  return t('new.domainRefused', { domain: ownDomain });
}

function formError(t: T, ui: UiError): string {
  if (ui.code === 'RATE_LIMITED') return t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 });
  if (ui.code === 'SERVICE_UNAVAILABLE') return t('common:errors.unavailable');
  if (ui.code === 'NETWORK_ERROR') return t('common:errors.network');
  return ui.message;
}

function resendError(t: T, ui: UiError | null): string {
  if (ui?.code === 'CONFLICT') return t('new.alreadyVerified');
  return ui ? formError(t, ui) : '';
}

function FirstSpacesStep({ organization }: { organization: CreatedOrganization }) {
  const { t } = useTranslation('org');
  const navigate = useNavigate();
  const canInternal = organization.viewerCan.createSpace;
  const canHybrid = organization.viewerCan.createHybridSpace;
  const [withInternal, setWithInternal] = useState(canInternal);
  const [internalName, setInternalName] = useState(() => t('first.internalDefault'));
  const [withHybrid, setWithHybrid] = useState(false);
  const [hybridName, setHybridName] = useState(() => t('first.hybridDefault'));
  const [consentText, setConsentText] = useState('');
  const [createSpace] = useMutation(CREATE_FIRST_SPACE);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ which: 'internal' | 'hybrid'; error: UiError | null } | null>(null);
  const [created, setCreated] = useState<{ internal?: string; hybrid?: string }>({});
  const orgPath = `/o/${encodeURIComponent(organization.id)}`;
  const heading = useRef<HTMLHeadingElement>(null);
  // The first step's form is gone: keyboard and screen-reader users continue from this step's title.
  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    const done = { ...created };
    const plan: ('internal' | 'hybrid')[] = [];
    if (withInternal && canInternal && !done.internal) plan.push('internal');
    if (withHybrid && canHybrid && !done.hybrid) plan.push('hybrid');
    for (const which of plan) {
      try {
        const { data } = await createSpace({
          variables: {
            input:
              which === 'internal'
                ? { organizationId: organization.id, name: internalName.trim(), kind: 'INTERNAL', visibility: 'OPEN' }
                : {
                    organizationId: organization.id,
                    name: hybridName.trim(),
                    kind: 'HYBRID',
                    visibility: 'OPEN',
                    ...(consentText.trim() ? { consentText: consentText.trim() } : {}),
                  },
          },
        });
        if (data) done[which] = data.createSpace.space.id;
        setCreated({ ...done });
      } catch (error) {
        setFailure({ which, error: toUiError(error) });
        setBusy(false);
        return;
      }
    }
    setBusy(false);
    const first = done.internal ?? done.hybrid;
    await navigate(first ? `/s/${encodeURIComponent(first)}` : orgPath);
  }

  const errorOf = (which: 'internal' | 'hybrid', field: string) =>
    failure?.which === which ? fieldError(failure.error, field) : undefined;
  const general =
    failure?.error && !Object.keys(failure.error.fieldErrors).length
      ? t('first.failed', {
          space: failure.which === 'internal' ? t('first.internalTitle') : t('first.hybridTitle'),
          message: formError(t, failure.error),
        })
      : null;
  const nothingChosen = !(withInternal && canInternal) && !(withHybrid && canHybrid);

  return (
    <section className="page narrow org-new" aria-labelledby="org-first-title">
      <p className="org-step" aria-hidden="true">
        {t('new.step', { step: 2, total: 2 })}
      </p>
      <p className="org-created" role="status">
        {t('first.created', { name: organization.name })}
      </p>
      <h1 id="org-first-title" ref={heading} tabIndex={-1} className="org-focus-target">
        {t('first.title')}
      </h1>
      <p className="muted">{t('first.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {canInternal && (
          <fieldset className="card org-space-choice">
            <legend>{t('first.internalTitle')}</legend>
            <Checkbox isSelected={withInternal} onChange={setWithInternal} name="withInternal">
              {t('first.withInternal')}
            </Checkbox>
            <p className="muted org-choice-hint">{t('first.internalHint')}</p>
            {withInternal && (
              <TextField
                label={t('first.internalName')}
                value={internalName}
                onChange={setInternalName}
                isRequired
                isDisabled={Boolean(created.internal)}
                error={errorOf('internal', 'name')}
              />
            )}
            {created.internal && <p className="org-ok">{t('first.spaceCreated')}</p>}
          </fieldset>
        )}
        {canHybrid && (
          <fieldset className="card org-space-choice">
            <legend>{t('first.hybridTitle')}</legend>
            <Checkbox isSelected={withHybrid} onChange={setWithHybrid} name="withHybrid">
              {t('first.withHybrid')}
            </Checkbox>
            <p className="muted org-choice-hint">{t('first.hybridHint')}</p>
            {withHybrid && (
              <>
                <TextField
                  label={t('first.hybridName')}
                  value={hybridName}
                  onChange={setHybridName}
                  isRequired
                  isDisabled={Boolean(created.hybrid)}
                  error={errorOf('hybrid', 'name')}
                />
                <TextField
                  label={t('first.consentText')}
                  description={t('first.consentHint')}
                  multiline
                  rows={5}
                  value={consentText}
                  onChange={setConsentText}
                  isDisabled={Boolean(created.hybrid)}
                  error={errorOf('hybrid', 'consentText')}
                />
              </>
            )}
            {created.hybrid && <p className="org-ok">{t('first.spaceCreated')}</p>}
          </fieldset>
        )}
        {!canInternal && !canHybrid && <p>{t('first.cannotCreate')}</p>}
        <FormError message={general} />
        <div className="btn-row">
          {!nothingChosen && (
            <Button type="submit" className="btn btn-primary" isDisabled={busy}>
              {busy ? t('first.creating') : t('first.submit')}
            </Button>
          )}
          <Link to={orgPath} className="btn">
            {t('first.skip')}
          </Link>
        </div>
      </form>
    </section>
  );
}
