// Dashboard load for scripts/benchmark.sh: opens N WebSocket subscribers on /dashboard, each
// sending the guide's {"type":"subscribe","domain":"all"}, counts the frames each receives over a
// measurement window, and prints key=value lines: frames/s per connection (p50, p10, min, mean,
// max), connections that dropped (closed or failed before the end) or never connected, the peaks
// seen in the frames (open streams, active dialogs, events/s) and this client's own CPU.
//
// The server sends a frame only when something changed (and every 250 ms): with --drive-rps R the
// client also posts R dialog messages a second (Authorization from $TOKEN), so the dashboard has
// something to show at its full 60 frames/s. Bounded: it ends after --warmup + --duration seconds.
//
//   node dashboard-load.js --url ws://127.0.0.1:8080/dashboard --connections 100 --duration 20 \
//        [--warmup 2] [--drive http://127.0.0.1:8080 --drive-rps 150]
'use strict';
const http = require('http');
const WebSocket = require('ws');
const { parseArgs, percentile } = require('./common');

const args = parseArgs('dashboard-load', process.argv.slice(2), {
  url: '', connections: '100', duration: '20', warmup: '2', domain: 'all',
  drive: '', 'drive-rps': '0', 'drive-dialogs': '10', 'connect-timeout': '30',
}, 'ws://host:port/dashboard');
const connections = Number(args.connections);
const durationMs = Number(args.duration) * 1000;
const warmupMs = Number(args.warmup) * 1000;
const subscribe = JSON.stringify({ type: 'subscribe', domain: args.domain });

const sockets = [];
let windowStart = 0;
let ending = false;
const peaks = { activeStreams: 0, activeDialogs: 0, eventsPerSecond: 0 };
const drive = { sent: 0, ok: 0, failed: 0, began: 0 };
const cpuStart = process.cpuUsage();
const wallStart = process.hrtime.bigint();

function open(index) {
  return new Promise((resolve) => {
    const state = { frames: 0, connected: false, dropped: false, failed: false };
    sockets.push(state);
    const ws = new WebSocket(args.url, { handshakeTimeout: Number(args['connect-timeout']) * 1000 });
    state.ws = ws;
    ws.on('open', () => {
      state.connected = true;
      ws.send(subscribe);
      resolve();
    });
    ws.on('message', (data) => {
      if (windowStart === 0 || ending) return;
      state.frames++;
      // One connection reads the frames' contents; the others only count them.
      if (index === 0) {
        const frame = JSON.parse(data.toString());
        for (const key of Object.keys(peaks)) {
          if (typeof frame[key] === 'number' && frame[key] > peaks[key]) peaks[key] = frame[key];
        }
      }
    });
    ws.on('close', () => {
      if (!ending && state.connected) state.dropped = true;
      resolve();
    });
    ws.on('error', () => {
      if (!state.connected) state.failed = true;
      resolve();
    });
  });
}

async function startDriver() {
  const rps = Number(args['drive-rps']);
  if (!args.drive || rps <= 0) return () => {};
  const token = process.env.TOKEN || '';
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const post = (path, body) => new Promise((resolve) => {
    const req = http.request(args.drive + path, {
      method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(JSON.stringify(body));
  });
  const dialogs = [];
  for (let i = 0; i < Number(args['drive-dialogs']); i++) {
    const created = await post('/api/dialogs', { title: `dashboard load ${i}` });
    if (created.status !== 201) {
      console.error(`dashboard-load: creating a dialog answered ${created.status}`);
      process.exit(1);
    }
    dialogs.push(JSON.parse(created.text).id);
  }
  // Requests spread evenly over each second: a tick every 5 ms sends what the rate owes.
  const began = Date.now();
  drive.began = began;
  const timer = setInterval(() => {
    const owed = Math.floor(((Date.now() - began) * rps) / 1000) - drive.sent;
    for (let i = 0; i < owed; i++) {
      const dialog = dialogs[drive.sent % dialogs.length];
      drive.sent++;
      post(`/api/dialogs/${dialog}/messages`, { content: `load message ${drive.sent}` })
        .then((r) => { if (r.status === 201) drive.ok++; else drive.failed++; });
    }
  }, 5);
  return () => { clearInterval(timer); agent.destroy(); };
}

async function main() {
  const connectStart = Date.now();
  const pending = [];
  // At most 50 handshakes at once, as a browser fleet reconnecting would rather not.
  for (let i = 0; i < connections; i++) {
    pending.push(open(i));
    if (pending.length % 50 === 0) await Promise.all(pending.slice(-50));
  }
  await Promise.all(pending);
  const connectSeconds = (Date.now() - connectStart) / 1000;
  const stopDriver = await startDriver();
  await new Promise((r) => setTimeout(r, warmupMs));
  const began = process.hrtime.bigint();
  windowStart = Date.now();
  await new Promise((r) => setTimeout(r, durationMs));
  ending = true;
  const windowEnd = Date.now();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  stopDriver();
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e3;

  const live = sockets.filter((s) => s.connected && !s.dropped);
  const rates = live.map((s) => s.frames / seconds).sort((a, b) => a - b);
  const mean = rates.reduce((a, b) => a + b, 0) / (rates.length || 1);
  const out = {
    connections,
    connected: sockets.filter((s) => s.connected).length,
    connect_failed: sockets.filter((s) => s.failed).length,
    dropped: sockets.filter((s) => s.dropped).length,
    connect_s: connectSeconds.toFixed(1),
    window_s: seconds.toFixed(1),
    window_start_ms: windowStart,
    window_end_ms: windowEnd,
    frames_total: sockets.reduce((a, s) => a + s.frames, 0),
    fps_p50: percentile(rates, 50, 0).toFixed(1),
    fps_p10: percentile(rates, 10, 0).toFixed(1),
    fps_min: (rates[0] || 0).toFixed(1),
    fps_mean: mean.toFixed(1),
    fps_max: (rates[rates.length - 1] || 0).toFixed(1),
    max_active_streams: peaks.activeStreams,
    max_active_dialogs: peaks.activeDialogs,
    max_events_per_second: peaks.eventsPerSecond,
    drive_requests: drive.sent,
    drive_ok: drive.ok,
    drive_failed: drive.failed,
    drive_rps: drive.began ? ((drive.sent * 1000) / (Date.now() - drive.began)).toFixed(1) : '0.0',
    client_cpu_pct: (((cpu.user + cpu.system) / wall) * 100).toFixed(1),
  };
  for (const [k, v] of Object.entries(out)) console.log(`${k}=${v}`);
  for (const s of sockets) s.ws.terminate();
  process.exit(0);
}

main().catch((e) => {
  console.error(`dashboard-load: ${e.message}`);
  process.exit(1);
});
