// Preloaded (`node --expose-gc --require probe.cjs …`) into each server the realtime benchmark measures, Ruche's
// and the bare socket.io one alike, so both are measured by the same code. Answers the benchmark over IPC:
//   { probe: 'mark' }  → event-loop busy time and socket.io local broadcasts since the previous mark
//   { probe: 'memory' } → RSS and heap after a full GC
// It only observes: it times socket.io's own in-memory `Adapter#broadcast` (the per-room serialize-and-write
// that every adapter ends in) and changes nothing it calls.
const { performance } = require('node:perf_hooks');
const { Adapter } = require(require.resolve('socket.io-adapter', { paths: [process.cwd()] }));

let broadcasts = 0;
let broadcastMs = 0;
let worstBroadcastMs = 0;
const original = Adapter.prototype.broadcast;
Adapter.prototype.broadcast = function timedBroadcast(packet, opts) {
  const started = performance.now();
  try {
    return original.call(this, packet, opts);
  } finally {
    const spent = performance.now() - started;
    broadcasts += 1;
    broadcastMs += spent;
    if (spent > worstBroadcastMs) worstBroadcastMs = spent;
  }
};

let lastElu = performance.eventLoopUtilization();
process.on('message', (message) => {
  if (!message || typeof message.probe !== 'string') return;
  if (message.probe === 'mark') {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    process.send({ probe: 'mark', activeMs: elu.active, idleMs: elu.idle, broadcasts, broadcastMs, worstBroadcastMs });
    broadcasts = 0;
    broadcastMs = 0;
    worstBroadcastMs = 0;
  } else if (message.probe === 'memory') {
    global.gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.send({ probe: 'memory', rss, heapUsed, external, arrayBuffers });
  }
});
// The IPC channel must not keep a server alive that was asked to stop.
process.channel?.unref();
