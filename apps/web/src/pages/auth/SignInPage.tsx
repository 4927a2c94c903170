import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from 'react-aria-components';
import { useSession } from '../../app/SessionProvider';
import { FormError, PasswordField, TextField } from '../../components/forms';
import { graphql } from '../../gql';
import { fieldError, toUiError } from '../../lib/errors';

const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      accessToken
      accessTokenExpiresAt
    }
  }
`);

/** Where to go after signing in: only a path of this app (never another site). */
export function safeNext(next: string | null): string {
  if (!next) return '/';
  // Parsed as the browser would (it turns `/\\evil` and `/%09/evil` into `//evil`): same origin only.
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

export default function SignInPage() {
  const { t } = useTranslation('auth');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [signIn, { loading, error }] = useMutation(SIGN_IN);
  const ui = toUiError(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { data } = await signIn({ variables: { input: { email, password } } }).catch(() => ({ data: undefined }));
    if (!data) return;
    await signedIn(data.signIn.accessToken, data.signIn.accessTokenExpiresAt);
    await navigate(safeNext(params.get('next')), { replace: true });
  }

  return (
    <section className="page narrow">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={submit} noValidate>
        <TextField label={t('email')} type="email" autoComplete="email" value={email} onChange={setEmail} isRequired error={fieldError(ui, 'email')} />
        <PasswordField label={t('password')} autoComplete="current-password" value={password} onChange={setPassword} isRequired error={fieldError(ui, 'password')} />
        <FormError
          message={
            ui && !Object.keys(ui.fieldErrors).length
              ? ui.code === 'UNAUTHENTICATED'
                ? t('signIn.wrong')
                : ui.code === 'RATE_LIMITED'
                  ? t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 })
                  : ui.message
              : null
          }
        />
        <Button type="submit" className="btn btn-primary" isDisabled={loading}>
          {t('signIn.submit')}
        </Button>
      </form>
      <p>
        {t('signIn.noAccount')} <Link to={`/signup${params.get('next') ? `?next=${encodeURIComponent(params.get('next')!)}` : ''}`}>{t('signUp.link')}</Link>
      </p>
    </section>
  );
}
