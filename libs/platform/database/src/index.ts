export * from './data-source-options';
export * from './database.module';
export * from './database-bootstrap';
export * from './db';
export * from './embedded-postgres';
export * from './outbox-wakeup';
export * from './snake-naming.strategy';
export * from './transaction-adapter';
