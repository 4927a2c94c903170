export * from './logger';
export * from './request-id';
export * from './http-logger';
export * from './health.module';
