// The tester page against real parts on loopback: a real Postfix with
// STARTTLS and a certificate from a test CA, the real probe service (built by
// `cargo test`, or PORT25_PROBE_BIN), and headless Chromium. Then the probe is
// stopped and the page must say that no probe is reachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { hydrated, openPage, start } from './harness.mjs';
import { startPostfix } from './postfix.mjs';

const PROBE_BIN =
  process.env.PORT25_PROBE_BIN ??
  `${process.env.CARGO_TARGET_DIR ?? `${homedir()}/.cache/port25/target`}/debug/port25-probe`;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startProbe({ origin, ca }) {
  if (!existsSync(PROBE_BIN)) throw new Error(`no probe binary at ${PROBE_BIN} (cargo build -p port25-probe)`);
  const port = await freePort();
  const child = spawn(PROBE_BIN, [
    'serve', '--listen', `127.0.0.1:${port}`, '--allow-loopback', '--cors-origin', origin,
    '--extra-roots', ca, '--cache-ttl', '0', '--ehlo-name', 'probe.port25.test',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
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

let env;
let postfix;
let probe;
before(async () => {
  env = await start();
  postfix = await startPostfix();
  probe = await startProbe({ origin: new URL(env.url).origin, ca: postfix.ca });
});
after(async () => {
  await probe?.stop();
  postfix?.stop();
  await env?.close();
});

/** Opens the tester, points it at `probeUrl` through its settings and fills the form. */
async function testerWith(probeUrl) {
  const opened = await openPage(env.browser);
  const { page } = opened;
  await page.goto(env.url + 'tester');
  await hydrated(page);
  await page.getByText('Probe service:').click();
  await page.getByLabel('Use another probe (your own, say)').fill(probeUrl);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(`Saved: tests now go to ${probeUrl}.`).waitFor();
  await page.getByLabel('Mail domain or host').fill(postfix.address);
  await page.getByLabel('this one host').check();
  await page.getByLabel('Port').selectOption('2525');
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
    const verdict = page.locator('.tester-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    assert.match(await verdict.innerText(), /^Reachable: 127\.25\.25\.25 answered on port 2525 at all 1 address tested\.$/);
    assert.ok(polls.length >= 1, 'the page polled the job');
    assert.match(polls[0], /\?since=0\b/);
    const details = page.locator('details.tester-address');
    assert.equal(await details.count(), 1);
    await details.locator('summary').click();
    const text = await details.innerText();
    assert.match(text, /^OK 127\.25\.25\.25 127\.25\.25\.25 \(IPv4, port 2525, \d+ ms\)/);
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
