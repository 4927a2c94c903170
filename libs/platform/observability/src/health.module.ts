import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, ShutdownState } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0, errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [ShutdownState],
})
export class HealthModule {}
