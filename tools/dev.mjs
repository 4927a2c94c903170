// `npm run dev`: the API (built once, served on :3000 with its realtime gateway and jobs) and Vite's dev
// server with hot reload on :5173, which proxies /graphql, /uploads, /exports and the socket to the API.
// Open http://localhost:5173. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, env = {}) =>
  spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

const build = run(process.execPath, ['tools/build.mjs']);
build.on('exit', (code) => {
  if (code !== 0) process.exit(code ?? 1);
  const port = process.env.PORT ?? '3000';
  const children = [
    // The API accepts the Vite origin for sockets and CORS during development.
    run(process.execPath, ['dist/apps/api/src/main.js'], {
      PORT: port,
      CORS_ORIGINS: process.env.CORS_ORIGINS ?? `http://localhost:5173,http://localhost:${port}`,
    }),
    run(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'apps/web/vite.config.mts'], {
      RUCHE_API_URL: `http://localhost:${port}`,
    }),
  ];
  const stop = () => children.forEach((c) => c.kill('SIGTERM'));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const c of children) c.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
});
