// Preloaded (`node -r`) into the Ruche server for the statements-per-request phase of `npm run bench:api`
// only: counts the statements each pg Client sends (a multi-statement simple query counts as one round trip
// and is also split on ';' for statements). SIGUSR2 writes the counts since the last signal to
// $COUNT_SQL_FILE as JSON and resets them.
'use strict';
const { writeFileSync } = require('node:fs');
const { Client } = require('pg');

let stats = new Map();
const original = Client.prototype.query;
Client.prototype.query = function (...args) {
  const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
  if (typeof text === 'string') {
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 100);
    const s = stats.get(key) ?? { roundTrips: 0, statements: 0 };
    s.roundTrips += 1;
    s.statements += text.split(';').filter((t) => t.trim()).length;
    stats.set(key, s);
  }
  return original.apply(this, args);
};
process.on('SIGUSR2', () => {
  writeFileSync(process.env.COUNT_SQL_FILE, JSON.stringify([...stats.entries()]));
  stats = new Map();
});
