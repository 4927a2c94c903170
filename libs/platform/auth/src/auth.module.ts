import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier } from './access-token.verifier';
import { SessionCheckInterceptor } from './session-check.interceptor';

/**
 * Authentication plumbing: the global deny-by-default guard and access tokens. `imports` must export a
 * `SessionValidator` (the identity domain provides it), keeping this library free of domain code.
 */
@Module({})
export class AuthModule {
  static register(options: { imports: ModuleMetadata['imports'] }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        AccessTokenIssuer,
        AccessTokenVerifier,
        { provide: APP_GUARD, useClass: AccessTokenGuard },
        { provide: APP_INTERCEPTOR, useClass: SessionCheckInterceptor },
      ],
      exports: [AccessTokenIssuer, AccessTokenVerifier],
    };
  }
}
