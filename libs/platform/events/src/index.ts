export * from './contracts';
export * from './event-stream';
