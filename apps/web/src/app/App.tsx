import { useMemo } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { RouterProvider } from 'react-router';
import { createApolloClient } from '../lib/apollo';
import { RealtimeProvider } from '../lib/realtime';
import { router } from './routes';
import { SessionProvider } from './SessionProvider';

export function App() {
  const client = useMemo(() => createApolloClient(), []);
  return (
    <ApolloProvider client={client}>
      <SessionProvider>
        <RealtimeProvider>
          <RouterProvider router={router} />
        </RealtimeProvider>
      </SessionProvider>
    </ApolloProvider>
  );
}
