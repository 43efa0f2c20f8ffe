// The real probe service for end-to-end tests: the binary `cargo test`
// builds (or PORT25_PROBE_BIN), started on a free loopback port with the
// arguments a test gives, and stopped by the test.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';

export const PROBE_BIN =
  process.env.PORT25_PROBE_BIN ??
  `${process.env.CARGO_TARGET_DIR ?? `${homedir()}/.cache/port25/target`}/debug/port25-probe`;

/** A port nothing listens on at `host` right now. */
export const freePort = (host = '127.0.0.1') =>
  new Promise((resolve) => {
    const s = createServer().listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * Starts `port25-probe serve --listen 127.0.0.1:<free port>` with `args`;
 * resolves to { url, stop() } once /healthz answers.
 */
export async function spawnProbe(args = []) {
  if (!existsSync(PROBE_BIN)) throw new Error(`no probe binary at ${PROBE_BIN} (cargo build -p port25-probe)`);
  const port = await freePort();
  const child = spawn(PROBE_BIN, ['serve', '--listen', `127.0.0.1:${port}`, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`the probe did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { url, stop };
}

/**
 * Starts the probe with loopback allowed, CORS for `origin`, the test CA
 * `ca`, no cache, and `args` (see [spawnProbe]).
 */
export const startProbe = ({ origin, ca, args = [] }) =>
  spawnProbe([
    '--allow-loopback', '--cors-origin', origin, '--extra-roots', ca, '--cache-ttl', '0', ...args,
  ]);
