import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { DataSource, DataSourceOptions } from 'typeorm';
import { OutboxWakeup, outboxWakeupOf } from './outbox-wakeup';
import { RucheTransactionAdapter } from './transaction-adapter';

const DATA_SOURCE_OPTIONS = Symbol('DATA_SOURCE_OPTIONS');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the initialized TypeORM DataSource, and the outbox relay's wakeup on it. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DataSourceOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATA_SOURCE_OPTIONS, useValue: options },
        {
          provide: DataSource,
          inject: [DATA_SOURCE_OPTIONS],
          useFactory: (opts: DataSourceOptions) => new DataSource(opts).initialize(),
        },
        { provide: OutboxWakeup, inject: [DataSource], useFactory: outboxWakeupOf },
        DataSourceCloser,
      ],
      exports: [DataSource, OutboxWakeup],
    };
  }
}

/** Plugs transactions into the request context (nestjs-cls) so `Db.transaction` propagates without arguments. */
export function transactionsPlugin(databaseModule: DynamicModule) {
  return new ClsPluginTransactional({
    imports: [databaseModule],
    adapter: new RucheTransactionAdapter(),
  });
}
