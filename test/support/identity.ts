import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

export const SIGN_UP = `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { accessToken accessTokenExpiresAt refreshToken user { id email emailVerified displayName } }
}`;
export const SIGN_IN = `mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { accessToken refreshToken user { id email } }
}`;
export const REFRESH = `mutation Refresh($input: RefreshSessionInput!) {
  refreshSession(input: $input) { accessToken refreshToken user { id } }
}`;
export const VERIFY_EMAIL = `mutation Verify($input: VerifyEmailInput!) {
  verifyEmail(input: $input) { user { id emailVerified } }
}`;
export const ME = `query { me { id email emailVerified displayName } }`;
export const CREATE_ORG = `mutation CreateOrg($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id name viewerRole emailDomains } }
}`;

export interface Person {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** A unique address per call, so tests sharing a database never collide. */
export function uniqueEmail(domain = 'example.test'): string {
  return `user-${randomUUID().slice(0, 8)}@${domain}`;
}

export async function signUp(
  t: TestApp,
  opts: { email?: string; displayName?: string; verify?: boolean } = {},
): Promise<Person> {
  const email = opts.email ?? uniqueEmail();
  const password = 'correct horse battery staple';
  const res = await t.gql(SIGN_UP, { input: { email, password, displayName: opts.displayName ?? 'Test Person' } });
  if (res.errors) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  const person: Person = {
    id: res.data!.signUp.user.id,
    email,
    password,
    accessToken: res.data!.signUp.accessToken,
    refreshToken: res.data!.signUp.refreshToken,
  };
  if (opts.verify) await verifyFromMail(t, email);
  return person;
}

/** Opens the verification mail, as the person would, and submits its token. */
export async function verifyFromMail(t: TestApp, email: string): Promise<void> {
  const link = await t.mailbox.linkTo(email, '/verify-email');
  const res = await t.gql(VERIFY_EMAIL, { input: { token: link.searchParams.get('token') } });
  if (res.errors) throw new Error(`verifyEmail failed: ${JSON.stringify(res.errors)}`);
}

export async function signIn(t: TestApp, person: Pick<Person, 'email' | 'password'>) {
  return t.gql(SIGN_IN, { input: { email: person.email, password: person.password } });
}

export async function signedIn(t: TestApp, person: Person): Promise<Person> {
  const res = await signIn(t, person);
  if (res.errors) throw new Error(`signIn failed: ${JSON.stringify(res.errors)}`);
  return { ...person, accessToken: res.data!.signIn.accessToken, refreshToken: res.data!.signIn.refreshToken };
}

export function codeOf(res: { errors?: { extensions: Record<string, any> }[] }): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}
