// Deletes one JetStream stream through the NATS protocol ($JS.API.STREAM.DELETE.<name>), for
// scripts/benchmark.sh --real-services, which creates a stream of its own per run and has no NATS
// command-line tool to remove it with. Prints the server's answer; exits 1 without one in 10 s.
//
//   node nats-delete-stream.js 127.0.0.1:4222 BENCH_DIALOG_1234
'use strict';
const net = require('net');

const [address, stream] = process.argv.slice(2);
if (!address || !/^[A-Za-z0-9_-]+$/.test(stream || '')) {
  console.error('nats-delete-stream: usage: HOST:PORT STREAM_NAME');
  process.exit(2);
}
const [host, port] = address.split(':');
const inbox = `_INBOX.bench.${process.pid}`;
const socket = net.connect(Number(port), host);
let buffer = '';
const timer = setTimeout(() => {
  console.error(`nats-delete-stream: no answer from ${address} in 10 s`);
  process.exit(1);
}, 10000);

socket.on('connect', () => {
  socket.write('CONNECT {"verbose":false,"pedantic":false}\r\n');
  socket.write(`SUB ${inbox} 1\r\n`);
  socket.write(`PUB $JS.API.STREAM.DELETE.${stream} ${inbox} 0\r\n\r\n`);
});
socket.on('data', (data) => {
  buffer += data.toString();
  if (buffer.includes('PING\r\n')) socket.write('PONG\r\n');
  const msg = buffer.match(/MSG \S+ 1 (\d+)\r\n/);
  if (msg && buffer.length >= buffer.indexOf(msg[0]) + msg[0].length + Number(msg[1])) {
    const start = buffer.indexOf(msg[0]) + msg[0].length;
    console.log(buffer.slice(start, start + Number(msg[1])));
    clearTimeout(timer);
    socket.end();
  }
});
socket.on('error', (e) => {
  console.error(`nats-delete-stream: ${e.message}`);
  process.exit(1);
});
