import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, enableAppRole, runMigrations } from '@ruche/database';
import { migrations } from '@ruche/migrations';
import { buildLoadFixture, LOAD_DEFAULTS, type LoadOptions } from '../../apps/api/src/load-fixture';
import { APP_PASSWORD, DATABASE, LAUNCHER, startPostgres, TEMPLATE_DIR_ENV, envInt } from './support';

/**
 * Once per `npm run test:reliability`: a PostgreSQL cluster with the migrated schema and a small load fixture
 * (RELIABILITY_POSTS posts, default 20,000, with as many comments and three reactions each, 500 people, 50
 * spaces), then stopped. Each scenario copies the folder and runs its own server on the copy. The folder is
 * kept in the temp dir under a hash of the migrations, the fixture's code and its options, so a second run
 * starts at once.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(LAUNCHER)) throw new Error('Build first: node tools/build.mjs (npm run test:reliability does)');
  const posts = envInt('RELIABILITY_POSTS', 20_000);
  const options: LoadOptions = {
    ...LOAD_DEFAULTS,
    events: 2_000,
    people: 500,
    spaces: 50,
    posts,
    comments: posts,
    reactions: posts * 3,
  };
  const root = join(__dirname, '..', '..');
  const hash = createHash('sha256');
  for (const dir of ['migrations']) {
    for (const f of readdirSync(join(root, dir)).sort()) hash.update(f).update(readFileSync(join(root, dir, f)));
  }
  for (const f of ['apps/api/src/load-fixture.ts', 'apps/api/src/load-content.ts'])
    hash.update(readFileSync(join(root, f)));
  hash.update(JSON.stringify(options));
  const dir = join(tmpdir(), `ruche-reliability-template-${hash.digest('hex').slice(0, 16)}`);
  process.env[TEMPLATE_DIR_ENV] = dir;
  if (existsSync(join(dir, 'PG_VERSION')) && existsSync(join(dir, 'ruche-fixture-ready'))) return;

  rmSync(dir, { recursive: true, force: true });
  const building = `${dir}.building-${process.pid}`;
  const started = Date.now();
  const pg = await startPostgres(building);
  try {
    const admin = new Client({ connectionString: pg.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
    await runMigrations(
      new DataSource(
        dataSourceOptions({ url: pg.url, poolSize: 1, statementTimeoutMs: 0 }, { entities: [], migrations }),
      ),
    );
    await enableAppRole(pg.url, APP_PASSWORD);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const result = await buildLoadFixture(client, options);
      await client.query('CHECKPOINT');
      console.info(
        `\nreliability fixture: ${result.posts} posts, ${result.comments} comments, ${result.reactions} reactions, ` +
          `${result.people} people, ${result.spaces} spaces in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      await client.end();
    }
  } finally {
    await pg.stop();
  }
  writeFileSync(join(building, 'ruche-fixture-ready'), '');
  renameSync(building, dir);
}
