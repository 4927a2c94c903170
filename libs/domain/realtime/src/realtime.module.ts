import { Module } from '@nestjs/common';
import { SpacesModule } from '@ruche/spaces';
import { OutboxRelay } from './outbox-relay';
import { RealtimeGateway } from './realtime.gateway';

/** The socket.io gateway (`/rt`) and the outbox relay that feeds it. */
@Module({
  imports: [SpacesModule],
  providers: [OutboxRelay, RealtimeGateway],
})
export class RealtimeModule {}
