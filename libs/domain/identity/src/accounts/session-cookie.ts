import type { Request, Response } from 'express';
import type { AppConfig } from '@ruche/config';

/**
 * Browser sessions keep the refresh token in an HttpOnly, SameSite=Strict cookie scoped to /graphql, set
 * and rotated by the server, so page scripts never hold it. A client opts in with `x-ruche-session: cookie`
 * (the web app does); API clients keep receiving the token in the answer as before.
 */
export const REFRESH_COOKIE = 'ruche_refresh';
const COOKIE_PATH = '/graphql';

export function wantsCookieSession(req: Request): boolean {
  return req.headers['x-ruche-session'] === 'cookie';
}

export function refreshTokenFromCookie(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function setRefreshCookie(res: Response, config: AppConfig, token: string): void {
  res.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.http.publicUrl.startsWith('https:'),
    path: COOKIE_PATH,
    maxAge: config.sessions.refreshTtlDays * 86_400_000,
  });
}

export function clearRefreshCookie(res: Response, config: AppConfig): void {
  res.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.http.publicUrl.startsWith('https:'),
    path: COOKIE_PATH,
  });
}
