import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the API owns; everything else that asks for HTML is a client route of the web app. */
const API_PATHS = /^\/(graphql|rt|socket\.io|uploads|exports|health|graphiql)(\/|$|\?)/;

/**
 * The one style element react-aria injects (usePress: `touch-action` for pressable elements), allowed by its
 * hash rather than by 'unsafe-inline'. A react-aria upgrade that changes the text shows up as a CSP report in
 * the browser tests.
 */
const REACT_ARIA_PRESS_STYLE = "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='";

/**
 * The web app's Content-Security-Policy: scripts and styles only from this origin (Vite emits no inline
 * script), images from here plus blob: for images fetched with the access token and the composer's local
 * previews, sockets to this origin.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${REACT_ARIA_PRESS_STYLE}`,
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', WEB_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
}

/**
 * Serves the production web build (dist/web) at `/`: hashed assets with immutable caching, the service
 * worker and manifest never cached for long, and `index.html` for every client route (SPA fallback).
 * Without a build (API-only tests), nothing is served and `/` stays a 404.
 */
export function serveWebApp(
  app: INestApplication,
  { root = resolve(process.cwd(), 'dist/web'), graphiql }: { root?: string; graphiql: boolean },
): boolean {
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) return false;
  const index = readFileSync(indexPath);
  const graphiqlPath = join(root, 'graphiql.html');
  if (graphiql && existsSync(graphiqlPath)) {
    const page = readFileSync(graphiqlPath);
    // GraphiQL (a developer tool, outside production) from the local build; Monaco needs workers and
    // injects its own style elements, so this one page gets a looser style policy.
    app.use('/graphql', (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || req.path !== '/' || !req.accepts('html') || req.accepts(['json', 'html']) === 'json') {
        return next();
      }
      securityHeaders(res);
      res.setHeader('Content-Security-Policy', WEB_CSP.replace(`style-src 'self' ${REACT_ARIA_PRESS_STYLE}`, "style-src 'self' 'unsafe-inline'").replace("worker-src 'self'", "worker-src 'self' blob:"));
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(page);
    });
  }
  const assets = express.static(root, {
    index: false,
    fallthrough: true,
    setHeaders(res, path) {
      securityHeaders(res);
      if (path.includes(`${join(root, 'assets')}/`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  // The app's files travel compressed (a third of their size); API answers are left as they were.
  const compress = compression();
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path)) return next();
    compress(req, res, () => assets(req, res, () => {
      if (req.path.startsWith('/assets/') || !req.accepts('html')) return next();
      securityHeaders(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(index);
    }));
  });
  return true;
}
