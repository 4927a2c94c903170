import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { gqlDocuments } from './vite-plugin-gql-documents.mts';

// `npm run dev`: Vite with hot reload on :5173, proxying the API (started with `npm start` on :3000).
// `npm run build:web`: the production build in dist/web, served by the API process at `/`.
const api = globalThis.process?.env.RUCHE_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [gqlDocuments(fileURLToPath(new URL('src/gql/graphql.ts', import.meta.url))), react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    // Read by tools/web-budget.mjs to weigh the JavaScript each route loads first.
    manifest: true,
    chunkSizeWarningLimit: 1000,
    // No inline scripts or data: URLs for modules, so the strict Content-Security-Policy holds.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: api, changeOrigin: false },
      '/uploads': { target: api },
      '/exports': { target: api },
      '/rt': { target: api, ws: true },
      '/socket.io': { target: api, ws: true },
    },
  },
});
