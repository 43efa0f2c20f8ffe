// The egress test page against the real probe (its egress listeners on
// loopback) in headless Chromium: the page creates a test, the e2e runs the
// bash and curl commands the page displays, for real, and the page shows
// both arrivals and a verdict. Who is sending: the probe looks 127.0.0.1 up
// through the DNS fixture (its PTR resolves back; a test list lists it with
// a reason), and the page shows those findings. Then a pasted foreign
// greeting is read as an interceptor. With an egress domain, the page shows
// the test's mail address, curl delivers a real mail to it over STARTTLS,
// and the page shows the report, its SPF and DMARC checked against the DNS
// fixture's records.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDns } from './dns.mjs';
import { hydrated, openPage, start } from './harness.mjs';
import { freePort, spawnProbe } from './probe.mjs';

const run = promisify(execFile);
const SCREENSHOTS = process.env.PORT25_E2E_SCREENSHOTS ?? 'target/e2e-screenshots';
let env;
let probe;
let ports;
let dns;
before(async () => {
  env = await start();
  dns = startDns({
    'sender.example': ['unsigned', 'client A 127.0.0.1\n'],
    '0.0.127.in-addr.arpa': ['unsigned', '1 PTR client.sender.example.\n'],
    'bl.dnsbl.example': ['unsigned', '1.0.0.127 A 127.0.0.2\n1.0.0.127 TXT "Listed by the e2e list"\n'],
  });
  ports = [await freePort(), await freePort()];
  probe = await spawnProbe([
    '--dns-resolver', dns.resolver, '--dnsbl', 'bl.dnsbl.example',
    '--cors-origin', new URL(env.url).origin,
    '--egress-name', 'egress.port25.test', '--egress-host', '127.0.0.1',
    '--egress-bind', '127.0.0.1', '--egress-port', ports.join(','), '--egress-implicit-tls-port', '0',
  ]);
});
after(async () => {
  await probe?.stop();
  dns?.stop();
  await env?.close();
});

test('the page creates a test, the displayed bash and curl commands arrive, and a verdict follows', async () => {
  const { page, context, problems } = await openPage(env.browser);
  // The page uses the probe saved in the tester's setting.
  await page.addInitScript((url) => localStorage.setItem('port25.probe-url', url), probe.url);
  await page.goto(env.url + 'egress');
  await hydrated(page);
  await page.getByRole('button', { name: 'Start a test' }).click();
  await page.getByRole('heading', { name: 'Run one of these on your server' }).waitFor();
  const [bashPort, curlPort] = ports;
  const command = async (port, tool) =>
    page
      .locator('h3', { hasText: `Port ${port}` })
      .locator('xpath=following-sibling::ul[1]')
      .locator('li', { hasText: tool })
      .locator('code')
      .first()
      .textContent();
  const bash = await command(bashPort, 'bash (nothing to install)');
  const curl = await command(curlPort, 'curl');
  assert.match(bash, /\/dev\/tcp\/127\.0\.0\.1\//);
  assert.match(curl, /^curl -v --max-time 15 smtp:\/\/127\.0\.0\.1:\d+\/[a-z2-7]{16}$/);
  const bashOut = await run('bash', ['-c', bash], { timeout: 30_000 }).catch((e) => e);
  const curlOut = await run('bash', ['-c', curl], { timeout: 30_000 }).catch((e) => e);
  const code = (await page.locator('section code').first().textContent()).trim();
  assert.match(`${bashOut.stdout}`, new RegExp(code));
  assert.match(`${curlOut.stderr}`, new RegExp(code));

  // Both arrive, per port; only IPv4 on loopback.
  const rows = page.locator('table.egress-arrivals tbody tr');
  await page.waitForFunction(
    () => document.querySelectorAll('table.egress-arrivals tbody tr td:nth-child(2) .b-pass').length === 2,
    null,
    { timeout: 15_000 },
  );
  assert.equal(await rows.count(), 2);
  await page.getByText('Your server reached the probe from 127.0.0.1.').waitFor();
  await page.getByText(`Every port reaches the internet from your server: ${[...ports].sort((a, b) => a - b).join(', ')}.`).waitFor();
  assert.equal(await page.locator('.egress-verdict .badge').first().textContent(), '✓open');

  // Who is sending: 127.0.0.1, looked up through the fixture.
  await page.getByRole('heading', { name: 'Who is sending' }).waitFor({ timeout: 15_000 });
  const sender = page.locator('.egress-senders');
  await sender.getByRole('heading', { name: 'From 127.0.0.1' }).waitFor();
  const row = (title) => sender.locator('li.check', { hasText: title });
  assert.equal(await row('Reverse DNS (PTR)').locator('.badge').textContent(), '✓found');
  assert.match(await row('Forward-confirmed (FCrDNS)').textContent(), /client\.sender\.example resolves back to 127\.0\.0\.1/);
  assert.equal(await row('EHLO name').locator('.badge').textContent(), '?not applicable');
  assert.equal(await row('bl.dnsbl.example').locator('.badge').textContent(), '✕listed');
  assert.match(await row('bl.dnsbl.example').textContent(), /Listed by the e2e list/);
  await row('Forward-confirmed (FCrDNS)').getByRole('link', { name: 'What is FCrDNS?' }).waitFor();
  assert.match(
    await page.locator('.egress-verdict .egress-sender-summary li').first().textContent(),
    /^✕problem 127\.0\.0\.1: reverse DNS client\.sender\.example resolves back; listed on bl\.dnsbl\.example\.$/,
  );

  // A greeting without the test code: something else answered.
  await page.getByLabel('Paste its output to check who answered').fill('< 220 smtp.isp.example ESMTP Postfix\n> EHLO x');
  await page.getByText('Something else answered:').waitFor();
  await page.getByLabel('Paste its output to check who answered').fill(`< 220 egress.port25.test ESMTP Port25 egress test ${code}`);
  await page.getByText("The greeting is the probe's").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('without JavaScript the page explains the test with generic commands', async () => {
  const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
  await page.goto(env.url + 'egress');
  await page.getByRole('heading', { name: 'How the test works' }).waitFor();
  const text = await page.locator('main').textContent();
  assert.match(text, /curl -v --max-time 15 smtp:\/\/HOST:25\/TOKEN/);
  // printf's escapes are shown as escapes, one command a line.
  assert.match(text, /printf 'EHLO TOKEN\\r\\nQUIT\\r\\n' \| nc -w 15 HOST 587\n/);
  await context.close();
});

test('with an egress domain the page shows the mail address and the report of a mail sent to it', async () => {
  // The DNS fixture serves the sender's SPF and DMARC (and `example`, so
  // DMARC's tree walk gets NXDOMAIN above them, as on the internet), and
  // the reverse DNS of 127.0.0.1, so that who is sending can match the EHLO
  // name the mail arrived with.
  const dir = mkdtempSync(join(tmpdir(), 'port25-e2e-mail-'));
  const mailDns = startDns({
    example: ['unsigned', ''],
    'sender.example': ['unsigned', '@ TXT "v=spf1 ip4:127.0.0.1 -all"\n_dmarc TXT "v=DMARC1; p=none"\nmail A 127.0.0.1\n'],
    '0.0.127.in-addr.arpa': ['unsigned', '1 PTR mail.sender.example.\n'],
  });
  const port = await freePort();
  const mailProbe = await spawnProbe([
    '--cors-origin', new URL(env.url).origin, '--dns-resolver', mailDns.resolver, '--no-dnsbl',
    '--egress-name', 'egress.port25.test', '--egress-host', '127.0.0.1', '--egress-domain', 'mail.port25.test',
    '--egress-bind', '127.0.0.1', '--egress-port', String(port), '--egress-implicit-tls-port', '0',
  ]);
  try {
    const { page, context, problems } = await openPage(env.browser);
    await page.addInitScript((url) => localStorage.setItem('port25.probe-url', url), mailProbe.url);
    await page.goto(env.url + 'egress');
    await hydrated(page);
    await page.getByRole('button', { name: 'Start a test' }).click();
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Send a real mail' }) });
    await section.waitFor();
    await section.getByRole('button', { name: "Copy the test's mail address" }).waitFor();
    const address = (await section.locator('code').first().textContent()).trim();
    assert.match(address, /^[a-z2-7]{16}@mail\.port25\.test$/);
    // curl sends the URL path as its EHLO name.
    const message = join(dir, 'message.txt');
    writeFileSync(message, 'From: <someone@sender.example>\r\nTo: <' + address + '>\r\nSubject: e2e\r\n\r\nHello.\r\n');
    await run('curl', ['-sS', '--max-time', '30', '--ssl-reqd', '-k', `smtp://127.0.0.1:${port}/mail.sender.example`,
      '--mail-from', 'someone@sender.example', '--mail-rcpt', address, '--upload-file', message], { timeout: 40_000 });
    await section.getByRole('heading', { name: 'Mail from 127.0.0.1 (mail.sender.example)' }).waitFor({ timeout: 15_000 });
    await section.getByText("sender.example's SPF record authorises 127.0.0.1 to send its mail.").waitFor();
    await section.getByText('DMARC passes for sender.example').waitFor();
    const text = await section.textContent();
    assert.match(text, /✓pass TLS: Delivered over TLS \(TLSv1\.3\)/);
    assert.match(text, /✓pass SPF: /);
    assert.match(text, /!none DKIM: The message carries no DKIM signature/);
    assert.match(text, /MAIL FROM <someone@sender\.example>/);
    assert.match(text, /✓direct Route: /);
    assert.doesNotMatch(text, /Received chain, newest first/, 'curl adds no Received field, so no chain is shown');
    await section.locator('li.check', { hasText: 'DMARC' }).getByRole('link', { name: 'What is DMARC?' }).waitFor();
    // The verdict says a mail came (no one-liner ran, so it is still waiting).
    await page.locator('.egress-verdict').getByText("Mail arrived at the test's address; its checks are under Send a real mail.").waitFor();
    // Who is sending: the delivering host, with the EHLO name it announced.
    const sender = page.locator('.egress-senders');
    await sender.getByRole('heading', { name: 'From 127.0.0.1' }).waitFor({ timeout: 15_000 });
    const ehlo = sender.locator('li.check', { hasText: 'EHLO name' });
    await ehlo.locator('.badge', { hasText: '✓' }).waitFor({ timeout: 15_000 });
    assert.match(await ehlo.textContent(), /mail\.sender\.example is the address's reverse DNS name and resolves to it\./);
    // The finished page, photographed (target/e2e-screenshots/egress-mail-*.png)
    // at desktop and phone widths, light and dark; nothing scrolls sideways.
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const width of [1366, 360]) {
      for (const colorScheme of ['light', 'dark']) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width, `the page is ${wide} px wide at ${width} px (${colorScheme})`);
        await page.screenshot({ path: `${SCREENSHOTS}/egress-mail-${width}-${colorScheme}.png`, fullPage: true });
      }
    }
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await mailProbe.stop();
    mailDns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
