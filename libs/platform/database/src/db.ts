import { Global, Injectable, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { EntityManager } from 'typeorm';

const ACTOR = 'ruche.actorId';

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
