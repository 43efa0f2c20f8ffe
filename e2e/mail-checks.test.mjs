// The tester's mail-security sections against real parts on loopback: the
// DNS fixture (scripts/dns-fixture.sh: NSD serving zones signed now, Unbound
// validating them), a real Postfix with STARTTLS on 127.0.14.1:25 (root or
// sudo) whose certificate a DANE-EE record pins, an HTTPS server serving the
// domain's MTA-STS policy with a certificate from the same test CA, the real
// probe service pointed at that resolver, and headless Chromium. The page
// must show DANE, MTA-STS and TLS-RPT (and reverse DNS) for the domain and
// its mail server, with badges and glossary links.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { BASE, hydrated, openPage, start } from './harness.mjs';
import { startPostfix } from './postfix.mjs';
import { startDns } from './dns.mjs';
import { freePort, startProbe } from './probe.mjs';

const DOMAIN = 'checks.port25.example';
const MX = `mx.${DOMAIN}`;
const MX_ADDRESS = '127.0.14.1';
const POLICY_ADDRESS = '127.0.14.2';

/** SHA-256 of a PEM certificate's public key (a "3 1 1" TLSA record's data). */
function spkiSha256(pemPath) {
  const cert = new X509Certificate(readFileSync(pemPath));
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** A certificate for `name` from the Postfix helper's test CA in `dir`. */
function policyCertificate(dir, name) {
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'policy.key',
    '-out', 'policy.csr', '-subj', `/CN=${name}`);
  writeFileSync(join(dir, 'policy.cnf'), `subjectAltName=DNS:${name}\nextendedKeyUsage=serverAuth\n`);
  ossl('x509', '-req', '-in', 'policy.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'policy.pem', '-days', '2', '-extfile', 'policy.cnf');
  return { key: readFileSync(join(dir, 'policy.key')), cert: readFileSync(join(dir, 'policy.pem')) };
}

let env;
let postfix;
let dns;
let policy;
let probe;
before(async () => {
  env = await start();
  postfix = await startPostfix({ address: MX_ADDRESS, name: MX, port: 25 });
  const { key, cert } = policyCertificate(postfix.dir, `mta-sts.${DOMAIN}`);
  policy = createHttpsServer({ key, cert }, (req, res) => {
    if (req.url !== '/.well-known/mta-sts.txt') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`version: STSv1\r\nmode: enforce\r\nmx: ${MX}\r\nmax_age: 86400\r\n`);
  });
  const mtaStsPort = await freePort(POLICY_ADDRESS);
  await new Promise((ok) => policy.listen(mtaStsPort, POLICY_ADDRESS, ok));
  dns = startDns({
    'port25.example': ['signed', '@ TXT "the e2e fixture"\n'],
    [DOMAIN]: ['signed', [
      '@ MX 10 mx',
      `mx A ${MX_ADDRESS}`,
      `_25._tcp.mx TLSA 3 1 1 ${spkiSha256(join(postfix.dir, 'server.pem'))}`,
      '_mta-sts TXT "v=STSv1; id=e2e1"',
      `mta-sts A ${POLICY_ADDRESS}`,
      `_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls-reports@${DOMAIN}"`,
      '',
    ].join('\n')],
    '14.0.127.in-addr.arpa': ['unsigned', `1 PTR ${MX}.\n`],
  });
  probe = await startProbe({
    origin: new URL(env.url).origin,
    ca: postfix.ca,
    args: ['--ehlo-name', 'probe.port25.example', '--dns-resolver', dns.resolver, '--dnssec-trust-ad',
      '--mta-sts-port', String(mtaStsPort)],
  });
});
after(async () => {
  await probe?.stop();
  policy?.close();
  dns?.stop();
  postfix?.stop();
  await env?.close();
});

describe('tester: mail-security sections', () => {
  test('shows DANE, MTA-STS, TLS-RPT and reverse DNS for a fixture domain, with badges and glossary links', async () => {
    const { page, context, problems } = await openPage(env.browser);
    try {
      await page.goto(`${env.url}tester`);
      await hydrated(page);
      await page.getByText('Probe service:').click();
      await page.getByLabel('Use another probe (your own, say)').fill(probe.url);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText(`Saved: tests now go to ${probe.url}.`).waitFor();
      await page.getByLabel('Mail domain or host').fill(DOMAIN);
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      const section = page.getByRole('region', { name: /Mail security/ });
      await section.waitFor({ timeout: 30_000 });
      const text = await section.innerText();
      const row = (title) => section.locator('li.check').filter({ has: page.locator('strong', { hasText: new RegExp(`^${title}$`) }) });
      // Each mechanism with its badge word (never colour alone).
      for (const [title, word] of [['MTA-STS', 'Pass'], ['TLS-RPT', 'Pass'], ['DANE', 'Pass'], ['MTA-STS match', 'Pass'], ['Reverse DNS', 'Pass']]) {
        const badge = row(title).locator('.badge').first();
        assert.equal((await badge.innerText()).replace(/^\W+/, '').trim(), word, `${title}: ${await row(title).innerText()}`);
        assert.match(await badge.getAttribute('class'), /\bb-pass\b/);
      }
      assert.match(text, new RegExp(`Mail server ${MX.replace(/\./g, '\\.')}`));
      assert.match(text, /DANE-EE record \(3 1 1\)/);
      assert.match(text, /DNSSEC-authenticated/);
      assert.match(text, /mode enforce/);
      assert.match(text, new RegExp(`tls-reports@${DOMAIN.replace(/\./g, '\\.')}`));
      // Glossary links under the base path.
      for (const id of ['dane', 'mta-sts', 'tls-rpt', 'fcrdns']) {
        assert.ok(await section.locator(`a[href="${BASE}glossary#${id}"]`).count() > 0, `no glossary link to ${id}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
