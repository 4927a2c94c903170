import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from 'react-aria-components';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { Checkbox, FormError, TextField } from '../../components/forms';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { SpaceKind, SpaceVisibility } from '../../gql/graphql';
import { fieldError, toUiError } from '../../lib/errors';
import { uiErrorText } from '../../lib/uiErrorText';
import { SPACES_ORGANIZATIONS } from './SpacesPage';
import './spaces.css';

const CREATE_SPACE = graphql(`
  mutation NewSpaceCreate($input: CreateSpaceInput!) {
    createSpace(input: $input) {
      space {
        id
        name
        kind
        visibility
      }
    }
  }
`);

/** `/spaces/new?org=`: name, description, kind (hybrid only when allowed), visibility, consent text. */
export default function NewSpacePage() {
  const { t } = useTranslation('spaces');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { data, loading, error, refetch } = useQuery(SPACES_ORGANIZATIONS);
  const orgs = (data?.me.organizations ?? []).filter((o) => o.viewerCan.createSpace || o.viewerCan.createHybridSpace);
  const orgId = params.get('org') ?? orgs[0]?.id ?? '';
  const org = orgs.find((o) => o.id === orgId);

  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [chosenKind, setKind] = useState<SpaceKind>('INTERNAL');
  const [visibility, setVisibility] = useState<SpaceVisibility>('OPEN');
  const [consentText, setConsentText] = useState('');
  const [membersCanInvite, setMembersCanInvite] = useState(false);
  const [create, state] = useMutation(CREATE_SPACE, { refetchQueries: ['SpacesList'] });
  const ui = toUiError(state.error);

  // The kinds this organization lets the viewer create (Organization.viewerCan).
  const kinds: SpaceKind[] = org ? [...(org.viewerCan.createSpace ? ['INTERNAL' as const] : []), ...(org.viewerCan.createHybridSpace ? ['HYBRID' as const] : [])] : [];
  const kind: SpaceKind = kinds.includes(chosenKind) ? chosenKind : (kinds[0] ?? 'INTERNAL');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!org || state.loading) return;
    const hybrid = kind === 'HYBRID';
    const result = await create({
      variables: {
        input: {
          organizationId: org.id,
          name: name.trim(),
          description: description.trim() || undefined,
          kind,
          visibility,
          ...(hybrid ? { membersCanInvite, consentText: consentText.trim() || undefined } : {}),
        },
      },
    }).catch(() => null);
    const id = result?.data?.createSpace.space.id;
    if (id) await navigate(`/s/${id}`);
  }

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <Loading />;

  return (
    <section className="page new-space-page">
      <h1>{t('new.title')}</h1>
      {orgs.length === 0 || (params.get('org') && !org) ? (
        <>
          <Empty>{t('new.notAllowed')}</Empty>
          <Link to="/spaces" className="btn">
            {t('new.back')}
          </Link>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          {orgs.length > 1 && (
            <ChoiceGroup
              label={t('new.organization')}
              value={orgId}
              onChange={(id) => setParams({ org: id }, { replace: true })}
              options={orgs.map((o) => ({ value: o.id, label: o.name }))}
            />
          )}
          {orgs.length === 1 && org && <p className="muted">{t('new.in', { org: org.name })}</p>}
          <TextField label={t('new.name')} value={name} onChange={setName} isRequired maxLength={120} error={fieldError(ui, 'name')} autoFocus />
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
            label={t('new.kind')}
            value={kind}
            onChange={setKind}
            error={fieldError(ui, 'kind')}
            options={kinds.map((k) => ({ value: k, label: t(`kind.${k}`), description: t(`kindHint.${k}`) }))}
          />
          <ChoiceGroup
            label={t('new.visibility')}
            value={visibility}
            onChange={setVisibility}
            error={fieldError(ui, 'visibility')}
            options={(['OPEN', 'PRIVATE'] as const).map((v) => ({ value: v, label: t(`visibility.${v}`), description: t(`visibilityHint.${v}`) }))}
          />
          {kind === 'HYBRID' && (
            <>
              <TextField
                label={t('new.consentText')}
                description={t('new.consentHint')}
                value={consentText}
                onChange={setConsentText}
                multiline
                rows={6}
                maxLength={10000}
                error={fieldError(ui, 'consentText')}
              />
              <Checkbox isSelected={membersCanInvite} onChange={setMembersCanInvite}>
                {t('membersCanInvite')}
              </Checkbox>
            </>
          )}
          <FormError message={uiErrorText(t, ui, ['name', 'description', 'kind', 'visibility', 'consentText'])} />
          <div className="btn-row">
            <Button type="submit" className="btn btn-primary" isDisabled={!org}>
              {t('new.submit')}
            </Button>
            <Link to="/spaces" className="btn btn-quiet">
              {t('common:cancel')}
            </Link>
          </div>
        </form>
      )}
    </section>
  );
}
