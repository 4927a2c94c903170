/** The authenticated person behind a request, as established from a valid access token. */
export interface Viewer {
  userId: string;
  /** The refresh-token family (one sign-in on one device) the access token belongs to. */
  sessionId: string;
}

/** A Viewer read from a verified access token, before its session is checked (Db.actAs). */
export interface TokenViewer extends Viewer {
  tokenVersion: number;
}

/** Claims of our access tokens. `tv` is the user's token version: bumping it revokes every access token. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  tv: number;
}

/**
 * Port implemented by the identity domain: turns verified claims into a Viewer, or null when the user is
 * disabled, signed out everywhere (token version changed) or this session was signed out.
 */
export abstract class SessionValidator {
  abstract validate(claims: AccessTokenClaims): Promise<Viewer | null>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own way to type what a request carries
  namespace Express {
    interface Request {
      /** The access token's viewer, set by AccessTokenGuard (absent when anonymous). */
      user?: TokenViewer;
    }
  }
}
