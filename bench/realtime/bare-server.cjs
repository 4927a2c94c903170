// The baseline: a bare socket.io server (same socket.io, in-memory adapter, no auth, no database) whose
// clients all sit in one room. On `{ emit: id }` over IPC it broadcasts an event shaped like Ruche's
// `post:created` and answers with the time just before `emit()`.
const { createServer } = require('node:http');
const { performance } = require('node:perf_hooks');
const { Server } = require('socket.io');

const port = Number(process.env.PORT);
const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'] });
// With ADAPTER_DATABASE_URL, the same PostgreSQL adapter as Ruche's (tells the adapter's cost from ours).
if (process.env.ADAPTER_DATABASE_URL) {
  const { Pool } = require('pg');
  const { createAdapter } = require('@socket.io/postgres-adapter');
  const pool = new Pool({ connectionString: process.env.ADAPTER_DATABASE_URL, max: 2 });
  pool.on('error', () => undefined);
  io.adapter(createAdapter(pool, { errorHandler: () => undefined }));
}
const nsp = io.of('/rt');
nsp.on('connection', (socket) => socket.join('space:bench'));

let seq = 0;
process.on('message', (message) => {
  if (!message || message.emit === undefined) return;
  seq += 1;
  const event = {
    stream: 'space:bench',
    seq,
    type: 'post:created',
    spaceId: 'U3BhY2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw',
    at: new Date().toISOString(),
    payload: {
      postId: message.emit,
      kind: 'DISCUSSION',
      authorId: 'VXNlcjowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=',
    },
  };
  const t0 = performance.timeOrigin + performance.now();
  nsp.to('space:bench').emit('post:created', event);
  process.send({ emitted: message.emit, t0 });
});

httpServer.listen(port, '127.0.0.1', () => process.stdout.write(`bare socket.io is ready on ${port}\n`));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
