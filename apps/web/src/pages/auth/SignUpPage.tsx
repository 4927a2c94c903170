import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { FormError, PasswordField, TextField } from '../../components/forms';
import { graphql } from '../../gql';
import { fieldError, toUiError } from '../../lib/errors';
import { safeNext } from './SignInPage';

const SIGN_UP = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      accessTokenExpiresAt
    }
  }
`);

export default function SignUpPage() {
  const { t } = useTranslation('auth');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [signUp, { loading, error }] = useMutation(SIGN_UP);
  const ui = toUiError(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { data } = await signUp({ variables: { input: { email, password, displayName } } }).catch(() => ({ data: undefined }));
    if (!data) return;
    await signedIn(data.signUp.accessToken, data.signUp.accessTokenExpiresAt);
    await navigate(safeNext(params.get('next')), { replace: true });
  }

  return (
    <section className="page narrow">
      <h1>{t('signUp.title')}</h1>
      <form onSubmit={submit} noValidate>
        <TextField label={t('displayName')} autoComplete="name" value={displayName} onChange={setDisplayName} isRequired error={fieldError(ui, 'displayName')} />
        <TextField label={t('email')} type="email" autoComplete="email" value={email} onChange={setEmail} isRequired error={fieldError(ui, 'email')} description={t('signUp.emailHint')} />
        <PasswordField label={t('password')} autoComplete="new-password" value={password} onChange={setPassword} isRequired error={fieldError(ui, 'password')} />
        <FormError message={ui && !Object.keys(ui.fieldErrors).length ? ui.message : null} />
        <Button type="submit" className="btn btn-primary" isDisabled={loading}>
          {t('signUp.submit')}
        </Button>
      </form>
      <p>
        {t('signUp.haveAccount')} <Link to={`/signin${params.get('next') ? `?next=${encodeURIComponent(params.get('next')!)}` : ''}`}>{t('signIn.link')}</Link>
      </p>
    </section>
  );
}
