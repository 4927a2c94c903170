/**
 * The browser session. The access token lives in memory only; the refresh token is an HttpOnly,
 * SameSite=Strict cookie scoped to /graphql that the server sets and rotates (the page never sees it).
 * A reload asks the server for a new access token with that cookie (`refreshSession` without a token).
 */
type Listener = (signedIn: boolean) => void;

let accessToken: string | null = null;
let expiresAt = 0;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<Listener>();

/** Tells the server to keep the refresh token in the cookie and leave it out of the answer. */
export const SESSION_HEADERS = { 'x-ruche-session': 'cookie' } as const;

export function setSession(token: string | null, expiresAtIso?: string): void {
  const was = accessToken !== null;
  accessToken = token;
  expiresAt = token && expiresAtIso ? Date.parse(expiresAtIso) : 0;
  if (was !== (token !== null)) for (const l of listeners) l(token !== null);
}

export function currentAccessToken(): string | null {
  return accessToken;
}

/** Calls `listener` now with the current state (a change may have happened before a component subscribed), then on every change. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  listener(accessToken !== null);
  return () => listeners.delete(listener);
}

const REFRESH = `mutation RefreshFromCookie { refreshSession(input: {}) { accessToken accessTokenExpiresAt } }`;

/**
 * Exchanges the refresh cookie for a new access token; false when there is no valid session. Tabs take turns
 * (a Web Lock): the cookie is single use, so two tabs spending it at once would look like a stolen token and
 * end the session; the second tab sends the cookie the first one received.
 */
export function refreshAccessToken(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      return await (locks ? locks.request('ruche-refresh', exchange) : exchange());
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function exchange(): Promise<boolean> {
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', ...SESSION_HEADERS },
      body: JSON.stringify({ query: REFRESH, operationName: 'RefreshFromCookie' }),
    });
    const body = (await res.json()) as {
      data?: { refreshSession?: { accessToken: string; accessTokenExpiresAt: string } | null };
      errors?: { extensions?: { code?: string } }[];
    };
    const session = body.data?.refreshSession;
    if (session) setSession(session.accessToken, session.accessTokenExpiresAt);
    // Only a refused session signs out; a busy or unreachable server leaves the state as it was.
    else if (isUnauthenticated(body)) setSession(null);
    return Boolean(session) || (accessToken !== null && !isUnauthenticated(body));
  } catch {
    return accessToken !== null;
  }
}

/** When the access token expires (ms since the epoch), 0 when there is none. */
export function accessTokenExpiresAt(): number {
  return expiresAt;
}

/** A valid access token, refreshed shortly before it expires. */
export async function freshAccessToken(): Promise<string | null> {
  if (accessToken && Date.now() < expiresAt - 30_000) return accessToken;
  if (accessToken || expiresAt === 0) await refreshAccessToken();
  return accessToken;
}

function isUnauthenticated(body: unknown): boolean {
  const errors = (body as { errors?: { extensions?: { code?: string } }[] } | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/**
 * `fetch` for Apollo's HttpLink: adds the access token, and when the server answers UNAUTHENTICATED for a
 * token it sent (expired, rotated elsewhere), refreshes once and retries.
 */
export async function authFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const send = (token: string | null) => {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(SESSION_HEADERS)) headers.set(k, v);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers, credentials: 'same-origin' });
  };
  const token = await freshAccessToken();
  const res = await send(token);
  if (!token) return res;
  const body: unknown = await res
    .clone()
    .json()
    .catch(() => null);
  if (!isUnauthenticated(body)) return res;
  // Refresh sets the new token, or signs out if the session itself is refused.
  return (await refreshAccessToken()) ? send(accessToken) : res;
}

let boot: Promise<boolean> | null = null;

/** The page's first refresh, started once at load (in parallel with the language bundle) and shared. */
export function firstRefresh(): Promise<boolean> {
  boot ??= refreshAccessToken();
  return boot;
}
