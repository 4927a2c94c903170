import { useEffect, useId, useState } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Checkbox, FormError } from '../../components/forms';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { MyConsentsQuery } from '../../gql/graphql';
import { toUiError, type UiError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import './me.css';

const MY_CONSENTS = graphql(`
  query MyConsents {
    myConsents {
      spaceId
      spaceName
      text
      current
      record {
        id
        policyVersion
        grantedAt
        textHash
      }
      viewerCan {
        withdrawConsent
        renewConsent
      }
    }
    pendingConsents {
      spaceId
      spaceName
      policy {
        version
        text
      }
    }
  }
`);

const WITHDRAW = graphql(`
  mutation WithdrawMyConsent($spaceId: ID!) {
    withdrawConsent(spaceId: $spaceId) {
      consentRecord {
        id
        withdrawnAt
      }
    }
  }
`);

const RENEW = graphql(`
  mutation RenewMyConsent($input: RenewConsentInput!) {
    renewConsent(input: $input) {
      consentRecord {
        id
        policyVersion
        grantedAt
      }
      space {
        id
        name
        viewerRole
      }
    }
  }
`);

type Consent = MyConsentsQuery['myConsents'][number];
type Pending = MyConsentsQuery['pendingConsents'][number];
type T = (key: string, options?: Record<string, unknown>) => string;

function errorText(t: T, ui: UiError | null): string | null {
  if (!ui) return null;
  if (ui.code === 'RATE_LIMITED') return t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 });
  if (ui.code === 'SERVICE_UNAVAILABLE') return t('common:errors.unavailable');
  if (ui.code === 'NETWORK_ERROR') return t('common:errors.network');
  if (ui.code === 'NOT_FOUND') return t('consents.gone');
  if (ui.code === 'CONSENT_REQUIRED' && ui.reason === 'POLICY_VERSION_CHANGED') return t('consents.changedAgain');
  if (ui.code === 'FORBIDDEN') return t('common:errors.forbidden');
  return ui.message;
}

/** "My spaces and consents": what the viewer agreed to, per space, with withdrawal and renewal. */
export default function MyConsentsPage() {
  const { t } = useTranslation('me');
  const { data, loading, error, refetch } = useQuery(MY_CONSENTS, { fetchPolicy: 'network-only' });
  const [left, setLeft] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('consents.title')} · Ruche`;
  }, [t]);

  const pendingBySpace = new Map<string, Pending>((data?.pendingConsents ?? []).map((p) => [p.spaceId, p]));
  const consents = data?.myConsents ?? [];
  // Spaces awaiting a renewal for which no earlier record is listed still get their own card.
  const orphanPending = (data?.pendingConsents ?? []).filter((p) => !consents.some((c) => c.spaceId === p.spaceId));

  return (
    <section className="page me-consents" aria-labelledby="me-consents-title">
      <h1 id="me-consents-title">{t('consents.title')}</h1>
      <p className="muted">{t('consents.intro')}</p>
      {left && (
        <p className="card me-left" role="status">
          {t('consents.left', { space: left })}
        </p>
      )}
      {loading && !data ? (
        <Loading />
      ) : error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !consents.length && !orphanPending.length ? (
        <Empty>{t('consents.empty')}</Empty>
      ) : (
        <ul className="me-list" aria-label={t('consents.listLabel')}>
          {orphanPending.map((p) => (
            <li key={p.spaceId} className="card me-consent">
              <h2 className="me-space">{p.spaceName}</h2>
              <Renewal pending={p} onDone={() => void refetch()} />
              <WithdrawButton
                spaceId={p.spaceId}
                spaceName={p.spaceName}
                onWithdrawn={(name) => {
                  setLeft(name);
                  void refetch();
                }}
              />
            </li>
          ))}
          {consents.map((c) => (
            <ConsentCard
              key={c.spaceId}
              consent={c}
              pending={pendingBySpace.get(c.spaceId)}
              onChanged={() => void refetch()}
              onWithdrawn={(name) => {
                setLeft(name);
                void refetch();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConsentCard({
  consent,
  pending,
  onChanged,
  onWithdrawn,
}: {
  consent: Consent;
  pending: Pending | undefined;
  onChanged(): void;
  onWithdrawn(spaceName: string): void;
}) {
  const { t } = useTranslation('me');
  return (
    <li className="card me-consent">
      <h2 className="me-space">
        {consent.current ? (
          <Link to={`/s/${encodeURIComponent(consent.spaceId)}`}>{consent.spaceName}</Link>
        ) : (
          consent.spaceName
        )}
      </h2>
      <p className="me-record">
        {t('consents.accepted', {
          date: formatDate(consent.record.grantedAt, 'long'),
          version: consent.record.policyVersion,
        })}
      </p>
      {!consent.current && !pending && <p className="me-warning">{t('consents.outdated')}</p>}
      <details className="me-text">
        <summary>{t('consents.readText', { version: consent.record.policyVersion })}</summary>
        <div className="me-text-body">{consent.text}</div>
        <p className="muted me-hash">
          {t('consents.hash')} <code>{consent.record.textHash}</code>
        </p>
      </details>
      {pending && consent.viewerCan.renewConsent && <Renewal pending={pending} onDone={onChanged} />}
      {consent.viewerCan.withdrawConsent && (
        <WithdrawButton spaceId={consent.spaceId} spaceName={consent.spaceName} onWithdrawn={onWithdrawn} />
      )}
    </li>
  );
}

/** A new version of the space's text: read it, tick (never pre-ticked), accept. */
function Renewal({ pending, onDone }: { pending: Pending; onDone(): void }) {
  const { t } = useTranslation('me');
  const id = useId();
  const client = useApolloClient();
  const [ticked, setTicked] = useState(false);
  const [renew, { loading, error }] = useMutation(RENEW);

  async function accept() {
    const res = await renew({
      variables: {
        input: { spaceId: pending.spaceId, consent: { accepted: true, policyVersion: pending.policy.version } },
      },
    }).catch(() => null);
    if (!res?.data) return;
    setTicked(false);
    // The space is readable again: let the lists that hid it ask again.
    void client.refetchQueries({ include: 'active' });
    onDone();
  }

  return (
    <div className="me-renewal" role="group" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('consents.renewTitle', { version: pending.policy.version })}</h3>
      <p>{t('consents.renewIntro')}</p>
      <div className="me-text-body" tabIndex={0} role="region" aria-labelledby={`${id}-title`}>
        {pending.policy.text}
      </div>
      <Checkbox isSelected={ticked} onChange={setTicked} name={`renew-${pending.spaceId}`}>
        {t('consents.renewCheckbox')}
      </Checkbox>
      <FormError message={errorText(t, toUiError(error))} />
      <Button className="btn btn-primary" isDisabled={!ticked || loading} onPress={() => void accept()}>
        {t('consents.renew')}
      </Button>
    </div>
  );
}

function WithdrawButton({
  spaceId,
  spaceName,
  onWithdrawn,
}: {
  spaceId: string;
  spaceName: string;
  onWithdrawn(spaceName: string): void;
}) {
  const { t } = useTranslation('me');
  const client = useApolloClient();
  const [withdraw, { loading, error, reset }] = useMutation(WITHDRAW);

  async function confirm(close: () => void) {
    const res = await withdraw({ variables: { spaceId } }).catch(() => null);
    if (!res?.data) return;
    close();
    // Gone at once: forget the space and everything cached from it, then refresh what is on screen.
    client.cache.evict({ id: client.cache.identify({ __typename: 'Space', id: spaceId }) });
    client.cache.gc();
    onWithdrawn(spaceName);
  }

  return (
    <DialogTrigger onOpenChange={(open) => !open && reset()}>
      <Button className="btn btn-danger me-withdraw">{t('consents.withdraw')}</Button>
      <ModalOverlay isDismissable>
        <Modal>
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">{t('consents.confirmTitle', { space: spaceName })}</Heading>
                <p>{t('consents.confirmText')}</p>
                <FormError message={errorText(t, toUiError(error))} />
                <div className="btn-row me-dialog-actions">
                  <Button className="btn" onPress={close} autoFocus>
                    {t('common:cancel')}
                  </Button>
                  <Button className="btn btn-danger" isDisabled={loading} onPress={() => void confirm(close)}>
                    {t('consents.confirm')}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
