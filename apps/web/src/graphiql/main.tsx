// GraphiQL for developers, served at GET /graphql outside production, built from npm packages so it works
// offline (no CDN). Sign in with the signIn mutation, then put the access token in the Headers tab:
// {"authorization": "Bearer <accessToken>"}.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';

const fetcher = createGraphiQLFetcher({ url: '/graphql' });

document.body.classList.add('graphiql-body');
createRoot(document.getElementById('graphiql')!).render(
  <div style={{ height: '100vh' }}>
    <GraphiQL fetcher={fetcher} defaultHeaders={'{\n  "authorization": "Bearer "\n}'} />
  </div>,
);
