import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createLogger } from '@ruche/observability';
import { migrate, resolveDatabase } from './database';
import { fixtureCommandConfig } from './dev-secrets';
import { buildLoadFixture, LOAD_DEFAULTS, LOAD_MANAGER_EMAIL, LOAD_PASSWORD, type LoadOptions } from './load-fixture';

const USAGE = `npm run seed:load -- [--events N] [--people N] [--spaces N] [--days N] [--seed N]
                         [--posts N] [--comments N] [--reactions N]
                         [--via ingest|copy] [--batch N] [--force]`;

/**
 * `npm run seed:load`: the analytics performance fixture (load-fixture.ts) in the database `npm start` uses
 * (DATABASE_URL, or the embedded PostgreSQL in <DATA_DIR>/postgres). Re-runnable: a fixture with the same
 * options is left as it is; otherwise the previous one is removed first. Prints what it wrote and how fast.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      people: { type: 'string' },
      spaces: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      via: { type: 'string' },
      batch: { type: 'string' },
      posts: { type: 'string' },
      comments: { type: 'string' },
      reactions: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const int = (v: string | undefined, fallback: number | undefined, name: string) => {
    if (v === undefined) return fallback;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < (['posts', 'comments', 'reactions'].includes(name) ? 0 : 1))
      throw new Error(`--${name} must be a whole number (0 allowed for posts, comments and reactions)\n${USAGE}`);
    return n;
  };
  if (values.via !== undefined && values.via !== 'ingest' && values.via !== 'copy') {
    throw new Error(`--via is ingest or copy\n${USAGE}`);
  }
  const posts = int(values.posts, LOAD_DEFAULTS.posts, 'posts')!;
  const options: LoadOptions = {
    events: int(values.events, LOAD_DEFAULTS.events, 'events')!,
    people: int(values.people, LOAD_DEFAULTS.people, 'people')!,
    spaces: int(values.spaces, LOAD_DEFAULTS.spaces, 'spaces')!,
    days: int(values.days, undefined, 'days'),
    seed: int(values.seed, LOAD_DEFAULTS.seed, 'seed')!,
    via: (values.via as LoadOptions['via'] | undefined) ?? LOAD_DEFAULTS.via,
    batch: int(values.batch, LOAD_DEFAULTS.batch, 'batch')!,
    force: values.force,
    posts,
    // Comments and reactions follow the posts (1 and 3 per post) unless given.
    comments: int(values.comments, posts, 'comments')!,
    reactions: int(values.reactions, 3 * posts, 'reactions')!,
  };

  const config = await fixtureCommandConfig(
    // eslint-disable-next-line no-restricted-properties -- an entry point, like seed-demo.ts
    process.env,
    'npm run seed:load',
    'thousands of fictitious people and millions of events have no place in a production database.',
  );
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger);
  try {
    await migrate(config, database.url, logger);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await buildLoadFixture(client, options, (m) => process.stderr.write(`${m}\n`));
      const rate = result.eventSeconds ? Math.round(result.events / result.eventSeconds) : null;
      process.stdout.write(
        result.created
          ? `Load fixture built: ${result.events.toLocaleString('en')} events, ${result.people} people, ${result.spaces} spaces, ` +
              `${result.posts.toLocaleString('en')} posts, ${result.comments.toLocaleString('en')} comments, ` +
              `${result.reactions.toLocaleString('en')} reactions (${result.contentSeconds.toFixed(1)} s), ` +
              `${result.days} days (${result.firstDay} to ${result.lastDay}) via ${result.via} in ${result.totalSeconds.toFixed(1)} s ` +
              `(events ${result.eventSeconds.toFixed(1)} s, ${rate?.toLocaleString('en')} events/s` +
              `${result.via === 'copy' ? `, of which rebuild ${result.rebuildSeconds.toFixed(1)} s` : ''}).\n`
          : `The load fixture is already there: ${result.events.toLocaleString('en')} events, ${result.people} people, ` +
              `${result.spaces} spaces (${result.firstDay} to ${result.lastDay}); --force rebuilds it.\n`,
      );
      process.stdout.write(`Manager: ${LOAD_MANAGER_EMAIL} / ${LOAD_PASSWORD}\n`);
      process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `The load fixture failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
