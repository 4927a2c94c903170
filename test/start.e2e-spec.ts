import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ruche/testing';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

/** Starts the built server as `npm start` does, with no DATABASE_URL: embedded PostgreSQL in DATA_DIR. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const { DATABASE_URL: _ignored, ...parentEnv } = process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...parentEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 60 s:\n${out.slice(-3000)}`)), 60_000);
    const check = setInterval(() => {
      if (out.includes('Ruche is ready')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('npm start (built server, embedded PostgreSQL)', () => {
  it('serves GraphQL with no configuration and keeps data across a restart', async () => {
    expect(existsSync(MAIN)).toBe(true); // `npm test` builds first
    const port = await freePort();
    const env = {
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ruche-start-')),
      LOG_LEVEL: 'info',
      ARGON2_MEMORY_KIB: '4096',
      ARGON2_TIME_COST: '1',
    };
    const gql = async (query: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: any; errors?: any[] };
    };

    const first = await start(env);
    try {
      expect(first.output()).toMatch(/applied \d+ migration\(s\)/);
      const up = await gql(
        `mutation { signUp(input: { email: "persist@example.test", password: "persisted pass", displayName: "P" }) { user { id } } }`,
      );
      expect(up.errors).toBeUndefined();
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await start(env);
    try {
      expect(second.output()).toContain('database schema up to date');
      const back = await gql(
        `mutation { signIn(input: { email: "persist@example.test", password: "persisted pass" }) { user { id email } } }`,
      );
      expect(back.errors).toBeUndefined();
      expect(back.data.signIn.user.email).toBe('persist@example.test');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 150_000);
});
