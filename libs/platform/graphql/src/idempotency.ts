import { createHash } from 'node:crypto';
import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  OnModuleInit,
  RequestMethod,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { AccessTokenVerifier } from '@ruche/auth';
import { Db } from '@ruche/database';
import { Jobs } from '@ruche/jobs';
import { Clock, type ErrorCode } from '@ruche/kernel';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_PURGE_JOB = 'idempotency-keys-purge';
/** How long a key is remembered: a retry after a lost answer comes within seconds, a day is generous. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const MUTATIONS = Symbol('IDEMPOTENT_MUTATIONS');

/** The answer Apollo wrote, held back until the transaction it ran in has committed or rolled back. */
interface Answer {
  status: number;
  body: string;
  send(): void;
}

/** Thrown inside the transaction to roll it back: the operation failed, its key must not be recorded. */
class Failed {
  constructor(readonly answer: Answer) {}
}

function graphqlError(res: Response, status: number, code: ErrorCode, reason: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code, reason } }], data: null });
}

/** JSON with sorted keys: the same variables fingerprint the same whatever order the client wrote them in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function operationOf(document: DocumentNode, name: unknown): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (typeof name === 'string' && name) return operations.find((o) => o.name?.value === name);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * `Idempotency-Key` on `POST /graphql`: the same key, from the same person, for the same operation and variables,
 * gets the first answer again, byte for byte; with another operation or other variables, CONFLICT
 * (IDEMPOTENCY_KEY_REUSED). The key is claimed by an insert at the start of one transaction in which the whole
 * operation then runs (the services' `db.transaction` join it), and its answer is stored in that same transaction
 * before it commits; only then is the answer sent. So an acknowledged answer and its key commit together, a
 * failed or crashed operation records nothing, and a concurrent duplicate waits on the key's row (the primary key)
 * until the first commits, then replays it (or runs, if the first rolled back): never twice.
 *
 * Only for the mutations given to `IdempotencyModule.forRoot` (those that create something), only for a
 * signed-in person; queries ignore the header.
 */
@Injectable()
export class IdempotencyMiddleware implements NestMiddleware {
  private readonly log = new Logger('Idempotency');

  constructor(
    private readonly db: Db,
    private readonly verifier: AccessTokenVerifier,
    private readonly clock: Clock,
    @Inject(MUTATIONS) private readonly mutations: ReadonlySet<string>,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return next();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return graphqlError(
        res,
        400,
        'BAD_USER_INPUT',
        'IDEMPOTENCY_KEY_INVALID',
        'Idempotency-Key must be 1 to 255 printable ASCII characters',
      );
    }
    const body = (req.body ?? {}) as { query?: unknown; operationName?: unknown; variables?: unknown };
    let operation: OperationDefinitionNode | undefined;
    try {
      operation = typeof body.query === 'string' ? operationOf(parse(body.query), body.operationName) : undefined;
    } catch {
      return next(); // Apollo answers the syntax error; nothing runs.
    }
    if (!operation || operation.operation !== 'mutation') return next();
    const fields = operation.selectionSet.selections;
    if (
      !fields.every((f) => f.kind === Kind.FIELD && (this.mutations.has(f.name.value) || f.name.value === '__typename'))
    ) {
      return graphqlError(
        res,
        400,
        'BAD_USER_INPUT',
        'IDEMPOTENCY_KEY_UNSUPPORTED',
        `Idempotency-Key is accepted on mutations that create something: ${[...this.mutations].sort().join(', ')}`,
      );
    }
    const authorization = req.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const verified = token ? await this.verifier.verify(token) : null;
    // Keys are per person: without one, the operation runs as usual (and answers UNAUTHENTICATED).
    if (!verified) return next();
    const userId = verified.viewer.userId;
    const hash = createHash('sha256')
      .update(canonical([print(operation), body.variables ?? {}]))
      .digest('hex');

    await this.db.actAs(userId);
    let outcome: { replay: { request_hash: string; status: number; response: string } } | { answer: Answer };
    try {
      outcome = await this.db.transaction(async () => {
        const now = this.clock.now();
        const m = this.db.manager;
        await m.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND expires_at <= $3`, [
          userId,
          key,
          now,
        ]);
        // Waits here while another transaction holds the same key, until it commits or rolls back.
        const claimed = await m.query(
          `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
          [userId, key, hash, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS)],
        );
        if (!claimed.length) {
          const [replay] = await m.query(
            `SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
            [userId, key],
          );
          return { replay };
        }
        const answer = await this.run(req, res, next);
        if (answer.status !== 200 || !succeeded(answer.body)) throw new Failed(answer);
        await m.query(`UPDATE idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND key = $2`, [
          userId,
          key,
          answer.status,
          answer.body,
        ]);
        return { answer };
      });
    } catch (error) {
      if (error instanceof Failed) return error.answer.send();
      return this.unavailable(res, error);
    }
    if ('answer' in outcome) return outcome.answer.send();
    const { replay } = outcome;
    if (!replay) {
      // Deleted between the conflict and the read (expired and purged): let the client try again.
      return graphqlError(res, 200, 'CONFLICT', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'Retry this request');
    }
    if (replay.request_hash !== hash) {
      return graphqlError(
        res,
        200,
        'CONFLICT',
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for another operation or other variables',
      );
    }
    res.setHeader('Idempotent-Replayed', 'true');
    res.status(replay.status).type('application/json').send(replay.response);
  }

  /** Lets Apollo run the operation here (inside the transaction) and holds its answer instead of sending it. */
  private run(req: Request, res: Response, next: NextFunction): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        res.end = end as Response['end'];
        const [chunk, encoding] = args;
        const text = Buffer.isBuffer(chunk)
          ? chunk.toString('utf8')
          : typeof chunk === 'string'
            ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8').toString('utf8')
            : '';
        resolve({ status: res.statusCode, body: text, send: () => void end(...args) });
        return res;
      }) as Response['end'];
      next();
    });
  }

  /** The commit failed (or the key's row stayed locked past the statement timeout): nothing was recorded. */
  private unavailable(res: Response, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    if (res.headersSent) return void res.end();
    for (const header of ['content-length', 'etag', 'content-type']) res.removeHeader(header);
    if (code === '57014' || code === '55P03') {
      return graphqlError(
        res,
        200,
        'CONFLICT',
        'IDEMPOTENCY_KEY_IN_FLIGHT',
        'A request with this Idempotency-Key is still running; retry it',
      );
    }
    this.log.error({ err: error }, 'idempotent mutation failed to commit');
    graphqlError(res, 200, 'SERVICE_UNAVAILABLE', 'NOT_COMMITTED', 'The change was not saved; retry it');
  }
}

/** A complete GraphQL answer without errors (anything else rolls back, so the client's retry runs again). */
function succeeded(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown; data?: unknown };
    return parsed.errors === undefined && parsed.data !== undefined && parsed.data !== null;
  } catch {
    return false;
  }
}

/** Hourly: forgets the keys past their 24 hours. */
@Injectable()
export class IdempotencyKeysPurge implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly jobs: Jobs,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define(IDEMPOTENCY_PURGE_JOB, async () => ({ purged: await this.purge() }), {
      schedule: '41 * * * *',
      retryLimit: 2,
    });
  }

  async purge(): Promise<number> {
    return this.db.transaction(async () => {
      const [row] = await this.db.manager.query(`SELECT ruche_purge_idempotency_keys($1) AS purged`, [
        this.clock.now(),
      ]);
      return row.purged as number;
    });
  }
}

/**
 * `mutations`: the root mutation fields that accept `Idempotency-Key`. The middleware serves `POST /graphql`; the
 * purge job is defined in every process (a worker runs it).
 */
@Module({})
export class IdempotencyModule implements NestModule {
  static forRoot(options: { mutations: readonly string[] }): DynamicModule {
    return {
      module: IdempotencyModule,
      providers: [
        IdempotencyMiddleware,
        IdempotencyKeysPurge,
        { provide: MUTATIONS, useValue: new Set(options.mutations) },
      ],
      exports: [IdempotencyKeysPurge],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IdempotencyMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.POST });
  }
}
