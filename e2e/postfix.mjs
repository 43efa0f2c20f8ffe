// A throwaway Postfix with STARTTLS on a loopback address, for the tester's
// end-to-end test: its own config, queue and data directories in a temporary
// directory, one smtpd on ADDRESS:2525 (a port the probe may test), a
// certificate from a test CA made here with openssl; optionally more smtpd
// listeners on `plainPorts` with TLS off (they greet and answer EHLO but
// offer no STARTTLS). Never relays (every
// RCPT is rejected; the probe never sends one anyway). Needs root, or sudo.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
const run = (cmd, args, opts = {}) => execFileSync(sudo.length ? 'sudo' : cmd, sudo.length ? [cmd, ...args] : args, { stdio: 'pipe', encoding: 'utf8', ...opts });

/** Makes a test CA and a server certificate for `name` and `address`. */
function certificates(dir, name, address) {
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Port25 e2e test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key',
    '-out', 'server.csr', '-subj', `/CN=${name}`);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:${name},IP:${address}\nextendedKeyUsage=serverAuth\n`);
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'server.key'), 'utf8') + readFileSync(join(dir, 'server.pem'), 'utf8'));
  return { ca: join(dir, 'ca.pem'), chain: join(dir, 'chain.pem') };
}

const listening = (host, port) =>
  new Promise((resolve) => {
    const s = connect({ host, port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });

/** Starts Postfix on `address`:`port` (2525 unless told) and on `plainPorts` without TLS, and resolves to { ca, dir, stop(), log() }. */
export async function startPostfix({ address = '127.25.25.25', name = 'mx.port25.test', port = 2525, plainPorts = [] } = {}) {
  if (!existsSync('/usr/sbin/postfix')) throw new Error('Postfix is not installed (scripts/validate-relay-configs.sh --install-only installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'port25-e2e-postfix-'));
  const { ca, chain } = certificates(dir, name, address);
  // The postfix user must reach its data directory inside.
  run('chmod', ['755', dir]);
  run('mkdir', ['-p', join(dir, 'queue'), join(dir, 'data')]);
  run('chown', ['postfix', join(dir, 'data')]);
  writeFileSync(join(dir, 'main.cf'), [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'mail_owner = postfix',
    `myhostname = ${name}`,
    'mydestination =',
    'alias_maps =',
    'alias_database =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    `maillog_file_prefixes = ${dir}`,
    `maillog_file = ${dir}/maillog`,
    'smtpd_banner = $myhostname ESMTP Port25 e2e',
    'smtpd_tls_security_level = may',
    `smtpd_tls_chain_files = ${chain}`,
    'smtpd_relay_restrictions = reject',
    '',
  ].join('\n'));
  // Debian's master.cf without its port-25 listener and without chroot,
  // plus one smtpd on the test address.
  const master = readFileSync('/etc/postfix/master.cf', 'utf8').split('\n').flatMap((line) => {
    const f = line.trim().split(/\s+/);
    const service = !/^[\s#]/.test(line) && f.length >= 8;
    if (service && f[0] === 'smtp' && f[1] === 'inet') return [];
    if (service && f[4] === 'y') { f[4] = 'n'; return [f.join(' ')]; }
    return [line];
  });
  master.push(`${address}:${port} inet n - n - - smtpd`);
  for (const plain of plainPorts) master.push(`${address}:${plain} inet n - n - - smtpd -o smtpd_tls_security_level=none`);
  writeFileSync(join(dir, 'master.cf'), master.join('\n') + '\n');
  const log = () => { try { return readFileSync(join(dir, 'maillog'), 'utf8'); } catch { return ''; } };
  const stop = () => {
    try { run('/usr/sbin/postfix', ['-c', dir, 'stop']); } catch { /* not running */ }
    if (!process.env.PORT25_E2E_KEEP) try { run('rm', ['-rf', dir]); } catch { rmSync(dir, { recursive: true, force: true }); }
  };
  try {
    run('/usr/sbin/postfix', ['-c', dir, 'start']);
    const until = Date.now() + 10_000;
    for (const p of [port, ...plainPorts]) {
      while (!(await listening(address, p))) {
        if (Date.now() > until) throw new Error(`Postfix never listened on ${address}:${p}\n${log()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    stop();
    throw err;
  }
  return { address, name, ca, dir, stop, log };
}
