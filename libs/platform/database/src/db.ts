import { createHash } from 'node:crypto';
import { Global, Injectable, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import { isUuid, serviceUnavailable, unauthenticated } from '@ruche/kernel';
import { isDatabaseUnavailable, type RucheTransactionAdapter } from './transaction-adapter';

const ACTOR = 'ruche.actorId';
const SESSION = 'ruche.session';
/** CLS key of a `RequestDeadline`, set where the request starts (app.module). */
export const REQUEST_DEADLINE = 'ruche.requestDeadline';
export interface RequestDeadline {
  /** When the request's time is up (epoch ms). */
  at: number;
  /** The pool's statement timeout, which a statement never exceeds either. */
  statementTimeoutMs: number;
}

/** The access token's session, checked by the first transaction of the request (or by `ensureSession`). */
export interface SessionClaim {
  id: string;
  tokenVersion: number;
}
interface PendingSession extends SessionClaim {
  verified: boolean;
}

/** A literal for the opening statement (simple protocol: no parameters), from values checked here. */
function uuidLiteral(value: string): string {
  if (value !== '' && !isUuid(value)) throw new Error('the acting user must be a UUID');
  return `'${value}'`;
}
const SESSION_NOT_LIVE = '28000'; // ruche_act_for_session: invalid_authorization_specification
const sessionEnded = () => unauthenticated('Authentication required: missing, invalid or expired access token');

const statementNames = new Map<string, string>();
/** A stable name per statement text, so each pooled connection prepares it once. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = `r_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`));
  return name;
}

/**
 * The one way services reach the database: `manager` is the current transaction's EntityManager (or the
 * pool outside a transaction); `transaction` opens one, or joins the surrounding one.
 *
 * Row-level security reads the acting user from `ruche.user_id`, which every transaction sets first, scoped
 * to the transaction (`set_config(…, true)`) so a pooled connection never carries it to another request.
 * Tenant tables answer nothing outside a transaction: queries on them belong inside `transaction`.
 */
@Injectable()
export class Db {
  constructor(
    private readonly host: TransactionHost<RucheTransactionAdapter>,
    private readonly cls: ClsService,
  ) {}

  get manager(): EntityManager {
    return this.host.tx;
  }

  /**
   * A hot read as a named prepared statement on the transaction's connection: planned once per connection
   * instead of on every request (a feed statement, with row-level security, took longer to plan than to run).
   * The same rows as `manager.query`; outside a transaction it is `manager.query`.
   */
  async prepared<T>(sql: string, params: unknown[]): Promise<T[]> {
    const runner = this.host.isTransactionActive() ? this.host.tx.queryRunner : undefined;
    if (!runner) return this.manager.query(sql, params);
    const client = (await runner.connect()) as PoolClient;
    return (await client.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
  }

  /**
   * Runs `fn` in the request's transaction, opening one if none is active. Its first round trip is BEGIN with
   * the acting user, and the session check when the request came with an access token not yet checked.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.host.isTransactionActive() && !this.host.tx.queryRunner?.isReleased) return fn();
    const session = this.pendingSession();
    try {
      // RequiresNew: a context whose transaction has ended (a late branch of a failed Promise.all) gets its own.
      const deadline = this.cls.isActive() ? this.cls.get<RequestDeadline | undefined>(REQUEST_DEADLINE) : undefined;
      const options = { opening: this.opening(session), deadlineAt: deadline?.at };
      return await this.host.withTransaction(Propagation.RequiresNew, options, () => {
        if (session) session.verified = true;
        return fn();
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === SESSION_NOT_LIVE) throw sessionEnded();
      // Overload is not a bug, nor a signed-out viewer: the client is told to retry.
      if (isDatabaseUnavailable(error)) throw serviceUnavailable();
      throw error;
    }
  }

  /**
   * Who the rest of this request acts for: set by the access-token guard with the token's session (checked by
   * the first transaction), or by a flow that proves who the user is otherwise (password sign-in, a mailed link).
   */
  async actAs(userId: string | null, session?: SessionClaim): Promise<void> {
    const known = this.cls.get<PendingSession | null>(SESSION);
    const same =
      known &&
      session &&
      this.actorId === userId &&
      known.id === session.id &&
      known.tokenVersion === session.tokenVersion;
    this.cls.set(ACTOR, userId);
    // Another root field of the same request keeps the check already made.
    if (!same) this.cls.set<PendingSession | null>(SESSION, userId && session ? { ...session, verified: false } : null);
    if (this.host.isTransactionActive()) {
      const pending = this.pendingSession();
      try {
        await this.host.tx.query(
          pending ? `SELECT ruche_act_for_session($1, $2, $3)` : `SELECT set_config('ruche.user_id', $1, true)`,
          pending ? [userId, pending.id, pending.tokenVersion] : [userId ?? ''],
        );
      } catch (error) {
        if ((error as { code?: unknown }).code === SESSION_NOT_LIVE) throw sessionEnded();
        throw error;
      }
      if (pending) pending.verified = true;
    }
  }

  /**
   * The session check for a request that has not opened a transaction (it is otherwise part of the first one):
   * UNAUTHENTICATED when the session was signed out, the user disabled or the token version changed.
   */
  async ensureSession(): Promise<void> {
    if (this.pendingSession()) await this.transaction(async () => undefined);
  }

  /** The acting user of this request, if any. */
  get actorId(): string | null {
    return this.cls.isActive() ? (this.cls.get<string | null>(ACTOR) ?? null) : null;
  }

  private pendingSession(): PendingSession | null {
    if (!this.cls.isActive()) return null;
    const session = this.cls.get<PendingSession | null>(SESSION);
    return session && !session.verified && this.actorId ? session : null;
  }

  private opening(session: PendingSession | null): string {
    const actor = uuidLiteral(this.actorId ?? '');
    let sql = `SELECT set_config('ruche.user_id', ${actor}, true)`;
    if (session) {
      if (!Number.isInteger(session.tokenVersion)) throw new Error('the token version must be an integer');
      sql = `SELECT ruche_act_for_session(${actor}, ${uuidLiteral(session.id)}, ${session.tokenVersion})`;
    }
    // The request's deadline bounds every statement of its transactions (PostgreSQL cancels them).
    const deadline = this.cls.isActive() ? this.cls.get<RequestDeadline | undefined>(REQUEST_DEADLINE) : undefined;
    if (deadline) {
      const left = Math.floor(deadline.at - Date.now());
      if (left <= 0) throw serviceUnavailable();
      if (left < deadline.statementTimeoutMs) sql = `SET LOCAL statement_timeout = ${left}; ${sql}`;
    }
    return sql;
  }
}

/** Makes `Db` injectable everywhere; needs the transactions plugin registered in the app's ClsModule. */
@Global()
@Module({ providers: [Db], exports: [Db] })
export class DbModule {}
