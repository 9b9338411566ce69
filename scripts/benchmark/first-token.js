// First-token latency for scripts/benchmark.sh: starts --requests answers on /api/stream, one
// every --interval-ms (an open loop: a slow answer does not delay the next request), and times
// each from the request to its first "event:chunk" (headers alone do not count), reading every
// answer to its "event:done". Prints key=value lines: requests, ok, errors, the first chunk's
// p50/p90/p99/max in ms and the time to the response headers (p50). Bounded: each request gives
// up after --timeout seconds.
//
//   node first-token.js --url http://127.0.0.1:8080/api/stream --requests 100 --interval-ms 100
'use strict';
const http = require('http');
const { parseArgs, percentile } = require('./common');

const args = parseArgs(
  'first-token',
  process.argv.slice(2),
  { url: '', requests: '100', 'interval-ms': '100', timeout: '30' },
  'http://host:port/api/stream',
);

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const firstChunk = [];
const headers = [];
let errors = 0;
const reasons = {};

function fail(reason) {
  errors++;
  reasons[reason] = (reasons[reason] || 0) + 1;
}

function one() {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
    let body = '';
    let first = -1;
    const req = http.get(args.url, { agent, headers: { Accept: 'text/event-stream' } }, (res) => {
      headers.push(ms());
      if (res.statusCode !== 200) {
        fail(`status ${res.statusCode}`);
        res.resume();
        resolve();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (text) => {
        body += text;
        if (first < 0 && /event: ?chunk/.test(body)) first = ms();
      });
      res.on('end', () => {
        if (first < 0) fail('no chunk');
        else if (!/event: ?done/.test(body)) fail('no done event');
        else firstChunk.push(first);
        resolve();
      });
      res.on('error', () => { fail('read error'); resolve(); });
    });
    req.setTimeout(Number(args.timeout) * 1000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => { fail(e.message === 'timeout' ? 'timeout' : 'connect error'); resolve(); });
  });
}

function fixed(sorted, p) {
  const value = percentile(sorted, p, null);
  return value === null ? 'NA' : value.toFixed(1);
}

async function main() {
  const all = [];
  const n = Number(args.requests);
  for (let i = 0; i < n; i++) {
    all.push(one());
    if (i + 1 < n) await new Promise((r) => setTimeout(r, Number(args['interval-ms'])));
  }
  await Promise.all(all);
  firstChunk.sort((a, b) => a - b);
  headers.sort((a, b) => a - b);
  const out = {
    requests: n,
    ok: firstChunk.length,
    errors,
    error_reasons: Object.entries(reasons).map(([k, v]) => `${k}:${v}`).join(',') || 'none',
    first_chunk_p50_ms: fixed(firstChunk, 50),
    first_chunk_p90_ms: fixed(firstChunk, 90),
    first_chunk_p99_ms: fixed(firstChunk, 99),
    first_chunk_max_ms: fixed(firstChunk, 100),
    headers_p50_ms: fixed(headers, 50),
  };
  for (const [k, v] of Object.entries(out)) console.log(`${k}=${v}`);
}

main().catch((e) => {
  console.error(`first-token: ${e.message}`);
  process.exit(1);
});
