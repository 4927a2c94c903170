import { createSecretKey, type KeyObject } from 'node:crypto';
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
      // passport-jwt hands the key to jsonwebtoken as it is; its types only list string | Buffer.
      secretOrKey: requiredSecret(config) as unknown as string,
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

const keys = new WeakMap<AppConfig, KeyObject>();

/**
 * The signing secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a PEM key
 * and throws, which costs ~0.35 ms per verification (~0.01 ms with the KeyObject).
 */
export function requiredSecret(config: AppConfig): KeyObject {
  if (!config.jwt.secret) throw new Error('JWT secret is not configured');
  let key = keys.get(config);
  if (!key) keys.set(config, (key = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'))));
  return key;
}
