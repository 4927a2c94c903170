import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';

// GraphiQL (served at GET /graphql outside production) from npm packages, so it works offline. A build of
// its own: sharing chunks with the app would pull all of graphql-js into the app's first load.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: false,
    manifest: 'graphiql-manifest.json',
    chunkSizeWarningLimit: 5000,
    rolldownOptions: { input: { graphiql: fileURLToPath(new URL('graphiql.html', import.meta.url)) } },
  },
  logLevel: 'warn',
});
