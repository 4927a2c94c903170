import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { RATE_LIMIT_BUCKETS } from '@ruche/config';

/** Tests act fast, from one IP: rate limits out of the way unless a test sets its own. */
export const RELAXED_LIMITS = Object.fromEntries(
  RATE_LIMIT_BUCKETS.map((b) => [`RATE_LIMIT_${b.toUpperCase()}`, '100000/100000']),
);

/** The built server, as `npm start` runs it (`--gateway` for a gateway-only process). */
export const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

export interface RucheProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * Starts the built server in its own process with `env` (nothing of the test run's database or Redis settings
 * leaks in) and resolves once `ready` appears in its output; rejects if it exits first or takes over 60 s (then it is killed).
 */
export function startRuche(args: string[], env: Record<string, string>, ready: string): Promise<RucheProcess> {
  const {
    DATABASE_URL: _url,
    DATABASE_APP_URL: _appUrl,
    DATABASE_APP_PASSWORD: _appPassword,
    REDIS_URL: _redis,
    ...parentEnv
  } = process.env;
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...parentEnv, AUTH_THROTTLE_PER_MINUTE: '100000', ...RELAXED_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const started: RucheProcess = { child, output: () => out };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // nobody else holds it yet
      reject(new Error(`not ready:\n${out.slice(-2000)}`));
    }, 60_000);
    const check = setInterval(() => {
      if (out.includes(ready)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(started);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
}

export type HttpGql = (query: string, variables: Record<string, unknown>, token?: string) => Promise<any>;

/** GraphQL over HTTP to a server process on `port`: the `data`, or a throw with the errors. */
export function httpGql(port: number): HttpGql {
  return async (query, variables, token) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
}

/** Signs `name` up and creates their organization and an open internal space: their token and the space's id. */
export async function liveSpace(gql: HttpGql, name: string): Promise<{ token: string; spaceId: string }> {
  const { signUp } = await gql(`mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`, {
    input: { email: `${name.toLowerCase()}@example.test`, password: 'a long enough password', displayName: name },
  });
  const token: string = signUp.accessToken;
  const org = await gql(
    `mutation($name: String!) { createOrganization(input: { name: $name }) { organization { id } } }`,
    { name },
    token,
  );
  const space = await gql(
    `mutation($org: ID!) { createSpace(input: { organizationId: $org, name: "Live", kind: INTERNAL, visibility: OPEN }) { space { id } } }`,
    { org: org.createOrganization.organization.id },
    token,
  );
  return { token, spaceId: space.createSpace.space.id };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `child` has exited, waiting up to `ms` for it. */
export function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Whether a process with this pid is running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One query on a fresh connection (the server may go away during the test, so none is kept). */
export async function sql<T = Record<string, any>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}
