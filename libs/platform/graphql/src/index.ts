export * from './format-error';
export * from './validation';
export * from './connection';
export * from './loaders';
export * from './graphql-context';
export * from './throttler.guard';
export * from './domain-error.filter';
export * from './node';
