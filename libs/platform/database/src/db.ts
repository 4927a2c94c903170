import { Global, Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { EntityManager } from 'typeorm';

/**
 * The one way services reach the database: `manager` is the current transaction's EntityManager (or the
 * pool outside a transaction); `transaction` opens one, or joins the surrounding one.
 */
@Injectable()
export class Db {
  constructor(private readonly host: TransactionHost<TransactionalAdapterTypeOrm>) {}

  get manager(): EntityManager {
    return this.host.tx;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.host.withTransaction(fn);
  }
}

/** Makes `Db` injectable everywhere; needs the transactions plugin registered in the app's ClsModule. */
@Global()
@Module({ providers: [Db], exports: [Db] })
export class DbModule {}
