import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@ruche/kernel';
import { AppConfig } from './app-config';

/** What the process gets from its environment: validated configuration and the clock. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useClass: SystemClock },
      ],
      exports: [AppConfig, Clock],
    };
  }
}
