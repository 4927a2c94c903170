import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@ruche/config';
import { SessionValidator, type AccessTokenClaims, type Viewer } from './viewer';

export const ACCESS_TOKEN_ALGORITHM = 'HS256';

/** Verifies `Authorization: Bearer <jwt>`: signature, allowlisted algorithm, issuer, audience, expiry. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, 'access-token') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionValidator,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: requiredSecret(config),
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: 5 },
    });
  }

  async validate(payload: Partial<AccessTokenClaims>): Promise<Viewer | false> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.tv !== 'number') {
      return false;
    }
    return (await this.sessions.validate({ sub: payload.sub, sid: payload.sid, tv: payload.tv })) ?? false;
  }
}

export function requiredSecret(config: AppConfig): string {
  if (!config.jwt.secret) throw new Error('JWT secret is not configured');
  return config.jwt.secret;
}
