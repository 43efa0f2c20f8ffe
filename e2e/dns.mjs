// The DNS fixture (scripts/dns-fixture.sh: NSD and Unbound on loopback) for
// the e2e suites that need real DNS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts the DNS fixture with `zones` ({name: [mode, text]}); returns the resolver and stop(). */
export function startDns(zones) {
  const dir = mkdtempSync(join(tmpdir(), 'port25-e2e-dns-'));
  const specs = Object.entries(zones).map(([name, [mode, text]]) => {
    const file = join(dir, `${name}.in`);
    writeFileSync(file, text);
    return `${name}=${mode}:${file}`;
  });
  const out = execFileSync('bash', ['scripts/dns-fixture.sh', 'start', join(dir, 'run'), ...specs], {
    encoding: 'utf8',
    env: { ...process.env, PORT25_DNS_FIXTURE_OWNER: String(process.pid) },
  });
  const resolver = /^PORT25_DNS_RESOLVER=(.+)$/m.exec(out)[1];
  const stop = () => {
    try { execFileSync('bash', ['scripts/dns-fixture.sh', 'stop', join(dir, 'run')]); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  return { resolver, stop };
}
