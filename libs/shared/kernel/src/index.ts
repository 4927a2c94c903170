export * from './errors';
export * from './clock';
export * from './tokens';
export * from './email';
export * from './global-id';
export * from './text';
