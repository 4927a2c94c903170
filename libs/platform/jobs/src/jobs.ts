import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { CLS_ID, ClsService } from 'nestjs-cls';
import PgBoss from 'pg-boss';

/**
 * pg-boss 10 records a job's outcome without awaiting it (`this.complete(…)` / `this.fail(…)` in its worker's
 * onFetch): when PostgreSQL is down at that moment the rejection is unhandled and Node ends the process. The
 * promise they return gets a handler here (a caller that awaits it still sees the error); the job's outcome is
 * then lost and pg-boss expires and retries it. Found by test/reliability/postgres-stop.reliability-spec.ts.
 */
let outcomesGuarded = false;
function guardUnawaitedOutcomes(logger: Logger): void {
  if (outcomesGuarded) return;
  outcomesGuarded = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manager = (require('pg-boss/src/manager') as { prototype: Record<string, unknown> }).prototype;
  for (const method of ['complete', 'fail'] as const) {
    const original = manager[method] as (...args: unknown[]) => Promise<unknown>;
    manager[method] = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      result.catch((error: unknown) =>
        logger.warn({ err: error, job: args[0] }, `job runner could not record a job's outcome (${method})`),
      );
      return result;
    };
  }
}

/** Where this process stands: `in-process` works the queues and the schedules; `off` only sends jobs. */
export type JobsMode = 'in-process' | 'off';

export interface JobsOptions {
  /**
   * The owner role's URL (DATABASE_URL, or the embedded PostgreSQL's): pg-boss keeps its tables in its own
   * schema, `pgboss`, which it creates and migrates itself on start. `ruche_app` has no access to it.
   */
  url: string;
  mode: JobsMode;
}

/** pg-boss's polling intervals (its option names), in seconds; tests shorten them. */
@Injectable()
export class JobsTiming {
  /** How often an idle worker asks for a job (at least 0.5). */
  readonly pollingIntervalSeconds: number = 2;
  /** How often the schedules are checked for a due tick (1 to 45); one process per interval does it. */
  readonly cronMonitorIntervalSeconds: number = 30;
  /** How often due ticks are moved into their queues (1 to 45). */
  readonly cronWorkerIntervalSeconds: number = 5;
}

export interface JobOptions {
  /** A cron expression (5 fields, UTC; see `cronEvery`): the job is sent on each tick, with `{}` as its data. */
  schedule?: string;
  /** Retries after a failure; each waits about twice as long as the previous one. Default 3. */
  retryLimit?: number;
  /** Seconds before the first retry (then doubled, with jitter). Default 10. */
  retryDelay?: number;
  /**
   * How long one run may take before pg-boss counts it failed and retries it, at most 23 hours. Default 15
   * minutes. The handler is not interrupted, so keep it well above the longest run.
   */
  expireInSeconds?: number;
  /** At most one run at a time across every process. Scheduled jobs always are. */
  singleton?: boolean;
}

export interface SendJobOptions {
  /** Not before this date, or this many seconds from now. */
  startAfter?: Date | number;
  /** Higher runs first. Default 0. */
  priority?: number;
  /** In a singleton job's queue, jobs of different keys may run at the same time; those of one key may not. */
  singletonKey?: string;
}

/** Does the work of one job; what it returns is kept as the job's output. A throw fails this attempt. */
export type JobHandler<T extends object> = (data: T) => Promise<unknown>;

interface Definition {
  handler: JobHandler<object>;
  options: JobOptions;
}

const DEFAULT_RETRY_LIMIT = 3;
const DEFAULT_RETRY_DELAY_SECONDS = 10;
const DEFAULT_EXPIRE_SECONDS = 15 * 60;
/** Under main.ts's 10-second forced exit: jobs still running after this are failed, and retried later. */
const STOP_TIMEOUT_MS = 8_000;

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

/**
 * Background work on PostgreSQL (pg-boss). Domains `define` their jobs in `onModuleInit`; the runner starts
 * on application bootstrap when this process runs jobs (`in-process`), and only on the first `send` when it
 * does not (`off`, so processes and tests that never send pay nothing).
 *
 * A job is never run twice at once: a worker takes it with `FOR UPDATE SKIP LOCKED` and marks it active in the
 * same statement, so another process skips it. Scheduled work also needs "once per tick" and "never two ticks
 * at once": pg-boss evaluates the schedules in one process per interval and dedupes each tick (a singleton slot
 * per minute), and a scheduled job's queue uses the `stately` policy, whose unique index allows one queued and
 * one active job: a tick that comes while the last one runs waits, and ticks piling up behind it collapse into
 * one, which is right for work that does "whatever is due" when it runs. `singleton: true` queues use the
 * `singleton` policy instead (one active job, the others wait their turn, none is dropped).
 *
 * Handlers run in a fresh CLS context whose id is the job's id (audit rows written by a job carry it), with no
 * acting user: a handler that reads or writes tenant tables through `Db` calls `db.actAs(person)` first, as a
 * request would be authenticated. pg-boss itself connects as the owner role; handlers never do.
 *
 * `send` is not part of the caller's `db.transaction` (another connection, another role): it commits at once,
 * even if the caller's transaction rolls back. Send after the work that the job follows up on has committed,
 * or let the handler find that there is nothing to do.
 */
@Injectable()
export class Jobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<string, Definition>();
  private boss: Promise<PgBoss> | null = null;
  private stopping = false;

  constructor(
    @Inject(JOBS_OPTIONS) private readonly options: JobsOptions,
    private readonly timing: JobsTiming,
    private readonly cls: ClsService,
  ) {}

  /** Whether this process works the queues (a worker, or `npm start`), or only sends. */
  get runsJobs(): boolean {
    return this.options.mode === 'in-process';
  }

  /** Registers the one handler of the queue `name`; call it from `onModuleInit`. */
  define<T extends object = Record<string, never>>(
    name: string,
    handler: JobHandler<T>,
    options: JobOptions = {},
  ): void {
    if (this.definitions.has(name)) throw new Error(`job ${name} is already defined: one handler per queue`);
    if (this.boss) throw new Error(`job ${name} is defined after the job runner started: define it in onModuleInit`);
    this.definitions.set(name, { handler: handler as JobHandler<object>, options });
  }

  /**
   * Queues a job for its handler, in this process or another. The id, or null when a singleton or scheduled
   * job's queue already holds one waiting (the waiting one will do the work).
   */
  async send<T extends object>(name: string, data: T, options: SendJobOptions = {}): Promise<string | null> {
    if (!this.definitions.has(name)) throw new Error(`no job named ${name}`);
    const boss = await this.started();
    // pg-boss asserts on keys present with an undefined value, so only the given ones go in.
    const sendOptions: PgBoss.SendOptions = {};
    if (options.priority !== undefined) sendOptions.priority = options.priority;
    if (options.singletonKey !== undefined) sendOptions.singletonKey = options.singletonKey;
    if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter; // a number: seconds from now
    return boss.send(name, data, sendOptions);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runsJobs) await this.started();
  }

  /** True once shutdown began: a long-running handler should return soon (stop waits a few seconds for it). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Before the database pool closes (`onApplicationShutdown`), so running handlers can finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const boss = await this.boss?.catch(() => null);
    await boss?.stop({ graceful: true, timeout: STOP_TIMEOUT_MS });
  }

  private started(): Promise<PgBoss> {
    if (this.stopping) return Promise.reject(new Error('the job runner is shutting down'));
    this.boss ??= this.start().catch((error: unknown) => {
      this.boss = null; // the next send tries again
      throw error;
    });
    return this.boss;
  }

  private async start(): Promise<PgBoss> {
    const runs = this.runsJobs;
    const boss = new PgBoss({
      connectionString: this.options.url,
      schema: 'pgboss',
      application_name: 'ruche-jobs',
      max: runs ? 4 : 2,
      // Only processes that run jobs evaluate schedules and do pg-boss's maintenance (expiry, archiving).
      schedule: runs,
      supervise: runs,
      pollingIntervalSeconds: this.timing.pollingIntervalSeconds,
      cronMonitorIntervalSeconds: this.timing.cronMonitorIntervalSeconds,
      cronWorkerIntervalSeconds: this.timing.cronWorkerIntervalSeconds,
    });
    // pg-boss emits connection and polling errors here; an EventEmitter with no 'error' listener would throw.
    boss.on('error', (error) => this.logger.warn({ err: error }, 'job runner error'));
    guardUnawaitedOutcomes(this.logger);
    await boss.start();
    try {
      for (const [name, { options }] of this.definitions) {
        const queue = queueOptions(name, options);
        await boss.createQueue(name, queue); // does nothing when it exists...
        await boss.updateQueue(name, queue); // ...so its settings follow the code
      }
      if (runs) {
        for (const [name, definition] of this.definitions) {
          // The schedule lives in the database: a job whose code has no schedule any more (or one turned off by
          // configuration) is unscheduled by the next process that runs jobs.
          if (definition.options.schedule) await boss.schedule(name, definition.options.schedule, {}, { tz: 'UTC' });
          else await boss.unschedule(name);
          await boss.work<object>(name, { pollingIntervalSeconds: this.timing.pollingIntervalSeconds }, (jobs) =>
            this.run(name, definition, jobs),
          );
        }
        this.logger.log({ jobs: [...this.definitions.keys()] }, 'running jobs');
      }
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw error;
    }
    return boss;
  }

  /** pg-boss hands over one job at a time (batch size 1). */
  private run(name: string, definition: Definition, [job]: PgBoss.Job<object>[]): Promise<unknown> {
    return this.cls.run(async () => {
      this.cls.set(CLS_ID, job!.id);
      try {
        return await definition.handler(job!.data);
      } catch (error) {
        this.logger.warn(
          { err: error, job: name, jobId: job!.id },
          'job failed; pg-boss retries it while retries remain',
        );
        throw error;
      }
    });
  }
}

function queueOptions(name: string, options: JobOptions): PgBoss.Queue {
  return {
    name,
    policy: options.schedule ? 'stately' : options.singleton ? 'singleton' : 'standard',
    retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
    retryDelay: options.retryDelay ?? DEFAULT_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    expireInSeconds: options.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS,
  };
}

/** The job runner for every domain (global); needs the app's ClsModule. */
@Global()
@Module({})
export class JobsModule {
  static forRoot(options: JobsOptions): DynamicModule {
    return {
      module: JobsModule,
      providers: [{ provide: JOBS_OPTIONS, useValue: options }, JobsTiming, Jobs],
      exports: [Jobs],
    };
  }
}
