// One client process of the realtime benchmark: holds `count` socket.io connections to one server and records,
// for every `post:created`, when each socket got it. The orchestrator talks to it over IPC:
//   { connect: { url, count, token?, spaceId? } } → { connected, failed }
//   { collect: { <postId>: t0 } } → per-event delivery counts and latencies since the previous collect
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';

const sockets = [];
/** postId → receive times (ms, same clock as the orchestrator's t0: timeOrigin + now). */
let received = new Map();
let total = 0;

const now = () => performance.timeOrigin + performance.now();

function onEvent(event) {
  const at = now();
  const id = event.payload.postId;
  let times = received.get(id);
  if (!times) received.set(id, (times = []));
  times.push(at);
  total += 1;
}

async function connectOne({ url, token, spaceId }) {
  const socket = io(`${url}/rt`, {
    transports: ['websocket'],
    reconnection: false,
    timeout: 60_000,
    ...(token ? { auth: { token } } : {}),
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  if (spaceId) {
    const ack = await socket.timeout(60_000).emitWithAck('subscribe', { spaceId });
    if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  }
  socket.on('post:created', onEvent);
  sockets.push(socket);
}

async function connect(options) {
  let next = 0;
  let failed = 0;
  let firstError;
  const worker = async () => {
    while (next < options.count) {
      next += 1;
      await connectOne(options).catch((error) => {
        failed += 1;
        firstError ??= String(error?.message ?? error);
      });
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return { connected: sockets.length, failed, firstError };
}

function collect(t0s) {
  const events = {};
  const latencies = [];
  for (const [id, t0] of Object.entries(t0s)) {
    const times = received.get(id) ?? [];
    let last = -Infinity;
    for (const at of times) {
      const ms = at - t0;
      latencies.push(Math.round(ms * 100) / 100);
      if (ms > last) last = ms;
    }
    events[id] = { count: times.length, lastMs: times.length ? last : null };
  }
  received = new Map();
  total = 0;
  return { events, latencies };
}

process.on('message', async (message) => {
  if (message.connect) process.send({ connected: await connect(message.connect) });
  else if (message.collect) process.send({ collected: collect(message.collect) });
  else if (message.count) process.send({ total });
  else if (message.close) {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  }
});
