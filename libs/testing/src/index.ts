export * from './test-database';
export * from './test-clock';
export * from './mailbox';
export * from './local-redis';
