// The tester page against real parts on loopback: a real Postfix with
// STARTTLS and a certificate from a test CA (and a listener on 587 with TLS
// off), the real probe service (built by `cargo test`, or PORT25_PROBE_BIN),
// a DNS server on loopback that answers SERVFAIL, REFUSED or NXDOMAIN, and
// headless Chromium. A result's link reopens it in a fresh browser; the
// page is photographed at 1366 and 360 px, light and dark
// (target/e2e-screenshots/tester-*.png). Then the probe is stopped and the
// page must say that no probe is reachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import { hydrated, openPage, start } from './harness.mjs';
import { startPostfix } from './postfix.mjs';
import { startProbe as startRealProbe } from './probe.mjs';

/**
 * A DNS server on 127.0.0.1 (UDP) that answers every question by its first
 * label, with no records: `servfail.` SERVFAIL, `refused.` REFUSED, anything
 * else NXDOMAIN (RFC 1035 4.1.1 response codes 2, 5 and 3).
 */
async function startDns() {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    if (query.length < 12) return;
    let end = 12;
    while (end < query.length && query[end] !== 0) end += 1 + query[end];
    const first = query.subarray(13, 13 + query[12]).toString('latin1').toLowerCase();
    const rcode = { servfail: 2, refused: 5 }[first] ?? 3;
    // QR and RA set, the query's id, opcode and RD kept; the question echoed.
    const header = Buffer.from([query[0], query[1], 0x80 | (query[2] & 0x79), 0x80 | rcode, 0, 1, 0, 0, 0, 0, 0, 0]);
    socket.send(Buffer.concat([header, query.subarray(12, Math.min(end + 5, query.length))]), peer.port, peer.address);
  });
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${socket.address().port}`, close: () => new Promise((r) => socket.close(r)) };
}

/** The real probe (e2e/probe.mjs), greeting as probe.port25.test. */
const startProbe = ({ args = [], ...rest }) =>
  startRealProbe({ ...rest, args: ['--ehlo-name', 'probe.port25.test', ...args] });

let env;
let postfix;
let probe;
let dns;
let dnsProbe;
before(async () => {
  env = await start();
  postfix = await startPostfix({ plainPorts: [587] });
  probe = await startProbe({ origin: new URL(env.url).origin, ca: postfix.ca });
  dns = await startDns();
  dnsProbe = await startProbe({ origin: new URL(env.url).origin, ca: postfix.ca, args: ['--dns-resolver', dns.address] });
});
after(async () => {
  await probe?.stop();
  await dnsProbe?.stop();
  await dns?.close();
  postfix?.stop();
  await env?.close();
});

const SCREENSHOTS = process.env.PORT25_E2E_SCREENSHOTS ?? 'target/e2e-screenshots';

/** The verdict card's badge (class and word) and sentence. */
async function verdictOf(page) {
  const card = page.locator('.tester-verdict');
  await card.waitFor({ timeout: 60_000 });
  const badge = card.locator('.verdict-title .badge');
  return {
    badge: await badge.getAttribute('class'),
    title: (await badge.innerText()).replace(/^[✓!✕?i]\s*/, ''),
    headline: await card.locator('.verdict-headline').innerText(),
  };
}

/**
 * Opens `url` at 1366 and 360 px, light and dark, waits for `ready(page)`,
 * asserts that the page does not scroll sideways and saves a full-page
 * screenshot as SCREENSHOTS/tester-NAME-WIDTH-SCHEME.png.
 */
async function photograph(url, name, ready) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [width, height] of [[1366, 900], [360, 800]]) {
    for (const colorScheme of ['light', 'dark']) {
      const shot = await openPage(env.browser, { viewport: { width, height }, colorScheme });
      await shot.page.goto(url);
      await hydrated(shot.page);
      await ready(shot.page);
      const wide = await shot.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width, `${name}: the page is ${wide} px wide at ${width} px (${colorScheme})`);
      await shot.page.screenshot({ path: `${SCREENSHOTS}/tester-${name}-${width}-${colorScheme}.png`, fullPage: true });
      await shot.context.close();
    }
  }
}

/** Opens the tester, points it at `probeUrl` through its settings and fills the form. */
async function testerWith(probeUrl, { target = postfix.address, host = true, port = '2525', options } = {}) {
  const opened = await openPage(env.browser, options);
  const { page } = opened;
  await page.goto(env.url + 'tester');
  await hydrated(page);
  await page.getByText('Probe service:').click();
  await page.getByLabel('Use another probe (your own, say)').fill(probeUrl);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(`Saved: tests now go to ${probeUrl}.`).waitFor();
  await page.getByLabel('Mail domain or host').fill(target);
  await page.getByLabel(host ? 'this one host' : "the domain's mail servers (MX)").check();
  await page.getByLabel('Port').selectOption(port);
  return opened;
}

describe('tester', () => {
  test('probes a local Postfix through the local probe: banner, STARTTLS, certificate', async () => {
    const { page, context, problems } = await testerWith(probe.url);
    const polls = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${probe.url}/api/v1/probes/`)) polls.push(r.url());
    });
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    assert.deepEqual(await verdictOf(page), {
      badge: 'badge b-pass',
      title: 'Reachable',
      headline: '127.25.25.25 answered on port 2525 at the 1 address tested, with encryption and a valid certificate.',
    });
    assert.ok(polls.length >= 1, 'the page polled the job');
    assert.match(polls[0], /\?since=0\b/);
    const details = page.locator('details.tester-address');
    assert.equal(await details.count(), 1);
    await details.locator('summary').click();
    const text = await details.innerText();
    assert.match(text, /^✓\s*Works 127\.25\.25\.25 \(IPv4, port 2525, \d+ ms\)/);
    assert.equal(await details.locator('summary .badge').getAttribute('class'), 'badge b-pass');
    assert.match(text, /Greeting: mx\.port25\.test ESMTP Port25 e2e/);
    assert.match(text, /STARTTLS: offered/);
    assert.match(text, /TLS 1\.[23] with /);
    assert.match(text, /Chain verified: yes\. Name matches: yes\./);
    assert.match(text, /CN=mx\.port25\.test/);
    assert.match(text, /Port25 e2e test CA/);
    assert.match(text, /C: EHLO probe\.port25\.test/);
    assert.match(text, /C: STARTTLS/);
    assert.match(text, /S: 220 2\.0\.0 Ready to start TLS/);
    for (const step of ['Connect', 'Greeting', 'EHLO', 'STARTTLS', 'TLS handshake', 'EHLO after TLS', 'QUIT']) {
      assert.ok(await details.getByRole('rowheader', { name: step, exact: true }).count(), `step ${step}`);
    }
    // The setting is kept, and only the setting.
    assert.equal(await page.evaluate(() => localStorage.getItem('port25.probe-url')), probe.url);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a server that greets on 587 without STARTTLS answered, with no encryption; its link reopens the result', async () => {
    const { page, context, problems } = await testerWith(probe.url, { port: '587' });
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const verdict = await verdictOf(page);
    assert.deepEqual(verdict, {
      badge: 'badge b-warn',
      title: 'Answered, but offered no encryption',
      headline: '127.25.25.25 answered on port 587 at the 1 address tested, but offered no encryption (no STARTTLS): '
        + 'anything sent there, passwords included, would cross the network in clear text.',
    });
    const details = page.locator('details.tester-address');
    const text = await details.innerText();
    assert.match(text, /^!\s*No encryption 127\.25\.25\.25 /);
    assert.match(text, /Greeting: mx\.port25\.test ESMTP Port25 e2e/);
    assert.match(text, /STARTTLS: not offered/);
    assert.doesNotMatch(await page.locator('main').innerText(), /Not reachable|Unreachable/);

    // The link carries the report; the address bar holds it too.
    const link = page.getByLabel('Link to this result');
    await page.waitForFunction(() => document.querySelector('#tester-share-link')?.value.includes('#r=1'));
    const url = await link.inputValue();
    assert.match(url, new RegExp(`^${env.url.replace(/[.]/g, '\\.')}tester#r=1z[A-Za-z0-9_-]+$`));
    assert.equal(page.url(), url);
    assert.ok(url.length < 4000, `the link is ${url.length} characters`);
    assert.deepEqual(problems, []);
    await context.close();

    // A fresh browser (no settings, no probe asked) shows the same result.
    const fresh = await openPage(env.browser);
    const asked = [];
    fresh.page.on('request', (r) => { if (r.url().includes('/api/v1/')) asked.push(r.url()); });
    await fresh.page.goto(url);
    await hydrated(fresh.page);
    assert.deepEqual(await verdictOf(fresh.page), verdict);
    assert.match(await fresh.page.locator('.tester-shared').innerText(), /^Shared result, made \d{4}-\d\d-\d\d \d\d:\d\d UTC\. .*it did not test again/);
    assert.match(await fresh.page.locator('details.tester-address').innerText(), /STARTTLS: not offered/);
    assert.equal(await fresh.page.getByLabel('Mail domain or host').inputValue(), '127.25.25.25');
    assert.equal(await fresh.page.getByLabel('Port').inputValue(), '587');
    assert.equal(await fresh.page.getByLabel('Link to this result').inputValue(), url);
    assert.deepEqual(asked, []);
    assert.deepEqual(fresh.problems, []);
    await fresh.context.close();

    // A link cut short says so instead of showing half a result.
    const cut = await openPage(env.browser);
    await cut.page.goto(url.slice(0, -40));
    await hydrated(cut.page);
    assert.equal((await verdictOf(cut.page)).title, 'Could not test');
    assert.match(await cut.page.locator('.verdict-headline').innerText(), /could not be read: it may have been cut short/);
    await cut.context.close();

    // Photographs of the result; no sideways scroll on a phone.
    await photograph(url, 'result', (page) => page.locator('.tester-verdict').waitFor());
  });

  test("the probe's resolver failing reads as a failed lookup, not as a missing domain", async () => {
    const { page, context, problems } = await testerWith(dnsProbe.url, { target: 'servfail.e2e-port25.com', host: false, port: '25' });
    const test = page.getByRole('button', { name: 'Test', exact: true });
    await test.click();
    let verdict = await verdictOf(page);
    assert.equal(verdict.badge, 'badge b-unknown');
    assert.equal(verdict.title, 'DNS lookup failed');
    assert.match(verdict.headline, /^The probe's DNS resolver could not look up servfail\.e2e-port25\.com: it answered SERVFAIL \(server failure\)/);
    assert.match(verdict.headline, /This does not mean that servfail\.e2e-port25\.com does not exist; try again later\.$/);
    assert.doesNotMatch(verdict.headline, /does not exist in DNS/);

    await page.getByLabel('Mail domain or host').fill('refused.e2e-port25.com');
    await test.click();
    await page.getByText('refused to look up refused.e2e-port25.com').waitFor({ timeout: 30_000 });
    verdict = await verdictOf(page);
    assert.equal(verdict.title, 'DNS lookup failed');
    assert.match(verdict.headline, /\(REFUSED\)/);

    // NXDOMAIN, from the same resolver, is the one answer that says the
    // domain does not exist.
    await page.getByLabel('Mail domain or host').fill('nx.e2e-port25.com');
    await test.click();
    await page.getByText('nx.e2e-port25.com does not exist in DNS').waitFor({ timeout: 30_000 });
    verdict = await verdictOf(page);
    assert.equal(verdict.badge, 'badge b-fail');
    assert.equal(verdict.title, 'Domain not found');
    assert.equal(verdict.headline, "nx.e2e-port25.com does not exist in DNS: the probe's resolver answered NXDOMAIN. Check the spelling.");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the idle tester has no sideways scroll at 360 px, light or dark', async () => {
    await photograph(env.url + 'tester', 'idle', async () => {});
  });

  test('with the probe stopped, the page says no probe is reachable and how to run one', async () => {
    const url = probe.url;
    await probe.stop();
    const { page, context } = await testerWith(url);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'No probe reachable' });
    await alert.waitFor({ timeout: 15_000 });
    assert.match(await alert.innerText(), new RegExp(`Nothing answered at ${url.replace(/[.]/g, '\\.')}`));
    await alert.getByRole('link', { name: 'Run a probe yourself' }).click();
    assert.match(await page.locator('#run-a-probe').innerText(), /port25-probe -- serve/);
    // The button is usable again for the next try.
    assert.equal(await page.getByRole('button', { name: 'Test', exact: true }).isEnabled(), true);
    await context.close();
  });

  test('a bad target is refused in the page, before any request', async () => {
    const { page, context } = await openPage(env.browser);
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(env.url + 'tester');
    await hydrated(page);
    requests.length = 0;
    await page.getByLabel('Mail domain or host').fill('two words');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByText('Check the form: the target "two words" contains whitespace').waitFor();
    assert.deepEqual(requests, []);
    await context.close();
  });

  test('without JavaScript the page says what it needs and how to run a probe', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    await page.goto(env.url + 'tester');
    const notice = page.locator('main .notice').first();
    assert.match(await notice.textContent(), /needs JavaScript/);
    assert.equal(await page.getByRole('button', { name: 'Test', exact: true }).isDisabled(), true);
    await notice.getByRole('link', { name: 'Run a probe yourself' }).click();
    await page.waitForURL(/#run-a-probe$/);
    await page.getByRole('heading', { name: 'Run a probe yourself' }).waitFor();
    await context.close();
  });
});
