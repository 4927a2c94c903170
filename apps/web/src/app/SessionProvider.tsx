import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { currentAccessToken, firstRefresh, onSessionChange, setSession } from '../lib/session';

export const VIEWER_QUERY = graphql(`
  query Viewer {
    me {
      id
      displayName
      email
      emailVerified
      organizations {
        id
        name
        viewerRole
        viewerCan {
          readAnalytics
        }
      }
    }
  }
`);

export type SessionViewer = ViewerQuery['me'];

interface SessionState {
  /** undefined while the first refresh runs; null when signed out. */
  viewer: SessionViewer | null | undefined;
  /** Why the viewer could not be loaded (network, SERVICE_UNAVAILABLE), so the frame can offer a retry. */
  viewerError: unknown;
  signedIn(accessToken: string, expiresAt: string): Promise<void>;
  signOut(): Promise<void>;
  refetchViewer(): Promise<unknown>;
}

const SessionContext = createContext<SessionState | null>(null);

const SIGN_OUT = graphql(`
  mutation SignOut {
    signOut {
      ok
    }
  }
`);

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useApolloClient();
  const [ready, setReady] = useState(false);
  const [hasToken, setHasToken] = useState(currentAccessToken() !== null);
  useEffect(() => onSessionChange(setHasToken), []);
  useEffect(() => {
    void firstRefresh().finally(() => setReady(true));
  }, []);
  const { data, error, refetch } = useQuery(VIEWER_QUERY, { skip: !ready || !hasToken, fetchPolicy: 'network-only' });

  const signedIn = useCallback(
    async (accessToken: string, expiresAt: string) => {
      setSession(accessToken, expiresAt);
      // clearStore, not resetStore: resetStore refetches the active queries and can wait forever for one
      // that the re-render caused by signing in cancels. Screens query again as they mount.
      await client.clearStore();
    },
    [client],
  );
  const signOut = useCallback(async () => {
    await client.mutate({ mutation: SIGN_OUT }).catch(() => undefined);
    setSession(null);
    await client.clearStore();
  }, [client]);

  const viewer = !ready ? undefined : !hasToken ? null : data ? data.me : undefined;
  return (
    <SessionContext.Provider value={{ viewer, viewerError: error, signedIn, signOut, refetchViewer: refetch }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
