import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { AppConfig } from '@ruche/config';
import { Clock } from '@ruche/kernel';
import { ACCESS_TOKEN_ALGORITHM, requiredSecret } from './access-token.key';
import type { AccessTokenClaims } from './viewer';

@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  issue(claims: AccessTokenClaims): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const exp = iat + this.config.jwt.accessTtlSeconds;
    const token = jwt.sign({ ...claims, iat, exp }, requiredSecret(this.config), {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }
}
