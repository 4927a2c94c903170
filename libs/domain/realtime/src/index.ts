export { RealtimeModule } from './realtime.module';
export { RealtimeIoAdapter, MAX_MESSAGE_BYTES } from './io-adapter';
export type { RealtimeEvent } from './outbox-relay';
