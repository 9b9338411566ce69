// Starts and stops the dialog server's jar for the browser test, on a free port.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

/** A port nothing listens on now (the OS picks it; it is released before the server binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The jar as `java -jar` runs it, its output appended to logFile. The returned object's stop()
 * ends it (SIGTERM, then SIGKILL after 20 s) and resolves once it has exited.
 */
export function startServer({ java, jar, port, args, logFile }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(java, ['-jar', jar, `--server.port=${port}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    base: `http://127.0.0.1:${port}`,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Resolves when /actuator/health answers 200; rejects if the server exits or timeoutMs passes. */
export async function waitHealthy(server, timeoutMs) {
  let exited = null;
  server.exited.then((how) => (exited = how));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`the server exited while starting: ${JSON.stringify(exited)} (see its log)`);
    }
    try {
      const response = await fetch(`${server.base}/actuator/health`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server did not become healthy within ${timeoutMs} ms (see its log)`);
}
