import { createHash } from 'node:crypto';
import { Global, Injectable, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

const ACTOR = 'ruche.actorId';

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
    private readonly host: TransactionHost<TransactionalAdapterTypeOrm>,
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

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.host.isTransactionActive()) return fn();
    return this.host.withTransaction(async () => {
      await this.applyActor();
      return fn();
    });
  }

  /**
   * Who the rest of this request acts for: set by the access-token guard, or by a flow that proves who the
   * user is otherwise (password sign-in, a mailed link).
   */
  async actAs(userId: string | null): Promise<void> {
    this.cls.set(ACTOR, userId);
    if (this.host.isTransactionActive()) await this.applyActor();
  }

  /** The acting user of this request, if any. */
  get actorId(): string | null {
    return this.cls.isActive() ? (this.cls.get<string | null>(ACTOR) ?? null) : null;
  }

  private async applyActor(): Promise<void> {
    await this.host.tx.query(`SELECT set_config('ruche.user_id', $1, true)`, [this.actorId ?? '']);
  }
}

/** Makes `Db` injectable everywhere; needs the transactions plugin registered in the app's ClsModule. */
@Global()
@Module({ providers: [Db], exports: [Db] })
export class DbModule {}
