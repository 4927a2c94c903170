import { useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Button } from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { ErrorState } from '../../components/states';
import { graphql } from '../../gql';

const VERIFY = graphql(`
  mutation VerifyEmail($input: VerifyEmailInput!) {
    verifyEmail(input: $input) {
      user {
        id
        emailVerified
      }
    }
  }
`);

/**
 * The page behind the mailed link. Opening it only shows a button: mail scanners that prefetch links must
 * not spend the token; pressing the button does.
 */
export default function VerifyEmailPage() {
  const { t } = useTranslation('auth');
  const [params] = useSearchParams();
  const { viewer, refetchViewer } = useSession();
  const [verify, { data, loading, error }] = useMutation(VERIFY);
  // Kept in memory and taken out of the address bar and history, like the invitation token.
  const [token] = useState(() => {
    const value = params.get('token') ?? '';
    if (value) window.history.replaceState(window.history.state, '', window.location.pathname);
    return value;
  });

  if (data) {
    return (
      <section className="page narrow">
        <h1>{t('verify.done')}</h1>
        <p>{t('verify.doneText')}</p>
        <Link to={viewer ? '/' : '/signin'} className="btn btn-primary">
          {viewer ? t('verify.continue') : t('signIn.submit')}
        </Link>
      </section>
    );
  }
  return (
    <section className="page narrow">
      <h1>{t('verify.title')}</h1>
      <p>{t('verify.text')}</p>
      {error && <ErrorState error={error} />}
      <Button
        className="btn btn-primary"
        isDisabled={loading || !token}
        onPress={() =>
          void verify({ variables: { input: { token } } })
            .then(() => (viewer ? refetchViewer() : undefined))
            .catch(() => undefined)
        }
      >
        {t('verify.confirm')}
      </Button>
    </section>
  );
}
