export * from './viewer';
export * from './decorators';
export * from './access-token.guard';
export * from './access-token.issuer';
export { ACCESS_TOKEN_ALGORITHM } from './access-token.key';
export * from './auth.module';
export * from './access-token.verifier';
