// The load generator of `npm run bench:api`, run as its own process so it does not share an event loop with
// the orchestrator: node:http with keep-alive connections. One JSON argument (or @file holding it):
//   { port, path, token, work, connections, seconds, rate? }
// work: { kind: 'fixed', body } | { kind: 'react', posts: [globalId], query } | { kind: 'vote', ideas, vote, unvote }
// Closed loop (no rate): `connections` loops, each sending its next request when the previous answer is in.
// Open loop (rate): requests scheduled on a clock at `rate` per second over at most `connections` sockets
// (more wait in the agent's queue); latency runs from the scheduled time, so a stall counts in full.
// An answer counts as an error unless it is HTTP 200 without `"errors"`. Prints one JSON line.
'use strict';
const http = require('node:http');
const { performance } = require('node:perf_hooks');

const arg = process.argv[2];
const o = JSON.parse(arg.startsWith('@') ? require('node:fs').readFileSync(arg.slice(1), 'utf8') : arg);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
const headers = {
  'content-type': 'application/json',
  'apollo-require-preflight': '1',
  authorization: `Bearer ${o.token}`,
};
const KINDS = ['LIKE', 'CURIOUS'];

/** The next body of one loop (state per loop: a vote is followed by the unvote of the same idea). */
function bodies() {
  const w = o.work;
  if (w.kind === 'fixed') return () => w.body;
  if (w.kind === 'react')
    return () =>
      JSON.stringify({
        query: w.query,
        variables: {
          input: { postId: w.posts[(Math.random() * w.posts.length) | 0], kind: KINDS[(Math.random() * 2) | 0] },
        },
      });
  let idea = null;
  return () => {
    if (idea === null) {
      idea = w.ideas[(Math.random() * w.ideas.length) | 0];
      return JSON.stringify({ query: w.vote, variables: { ideaId: idea } });
    }
    const body = JSON.stringify({ query: w.unvote, variables: { ideaId: idea } });
    idea = null;
    return body;
  };
}

function send(body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: o.port,
        path: o.path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return resolve(`HTTP ${res.statusCode}`);
          if (text.includes('"errors"')) {
            const m = /"code":"(\w+)"/.exec(text);
            return resolve(m ? m[1] : text.slice(0, 80));
          }
          resolve(null);
        });
      },
    );
    req.on('error', (e) => resolve(e.code || 'request error'));
    req.end(body);
  });
}

const latencies = [];
const codes = {};
let errors = 0;
const record = (t0, error) => {
  latencies.push(performance.now() - t0);
  if (error) {
    errors += 1;
    codes[error] = (codes[error] ?? 0) + 1;
  }
};

async function closed() {
  const end = performance.now() + o.seconds * 1000;
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      const next = bodies();
      while (performance.now() < end) {
        const t0 = performance.now();
        record(t0, await send(next()));
      }
    }),
  );
}

async function open() {
  const start = performance.now();
  const total = Math.round(o.rate * o.seconds);
  const next = bodies();
  const inflight = [];
  let sent = 0;
  await new Promise((done) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * o.rate) + 1);
      for (; sent < due; sent++) {
        const scheduled = start + (sent / o.rate) * 1000;
        inflight.push(send(next()).then((e) => record(scheduled, e)));
      }
      if (sent < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(inflight);
}

process.stdout.write('start\n');
const t0 = performance.now();
(o.rate ? open() : closed()).then(() => {
  const seconds = (performance.now() - t0) / 1000;
  const s = Float64Array.from(latencies).sort();
  const pct = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  process.stdout.write(
    `${JSON.stringify({ n: s.length, seconds, perSecond: s.length / (o.rate ? o.seconds : seconds), errors, codes, p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: s[s.length - 1] })}\n`,
  );
  agent.destroy();
});
