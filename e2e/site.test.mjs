// The site as a person meets it: no page scrolls sideways on a phone, every
// status reads as a word, the home page's provider picker leads to the
// answer and on to a working generator preset, pasted log lines find the
// diagnosis, and a screenshot of every route at desktop and phone widths,
// light and dark, for people to look at (not compared).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROUTES, arrived, hydrated, openPage, start } from './harness.mjs';

/** Where the screenshots go; the workflow uploads this folder. */
const SHOTS = resolve(process.env.PORT25_E2E_SCREENSHOTS ?? 'target/e2e-screenshots');

/** Every route, plus the 404 page and a provider whose facts are unknown. */
const PATHS = [...ROUTES.map((r) => r.path), 'providers/hetzner-dedicated', 'no/such/page'];

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** The elements wider than the viewport, for a failure message. */
const overflowing = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0) {
        const id = el.id ? `#${el.id}` : '';
        const cls = el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : '';
        out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8) };
  });

describe('phones', () => {
  for (const path of PATHS) {
    test(`/${path} does not scroll sideways at 360 px`, async () => {
      const { page, context } = await openPage(env.browser, { viewport: { width: 360, height: 740 } });
      await page.goto(env.url + path);
      await hydrated(page);
      const { scroll, width, out } = await overflowing(page);
      assert.ok(scroll <= width, `page is ${scroll} px wide at ${width} px: ${out.join(', ')}`);
      await context.close();
    });
  }
});

describe('statuses', () => {
  test('every badge on every route has a word beside its icon', async () => {
    const { page, context } = await openPage(env.browser);
    for (const path of PATHS) {
      await page.goto(env.url + path);
      const words = await page.locator('.badge').evaluateAll((badges) =>
        badges.map((b) => {
          const clone = b.cloneNode(true);
          clone.querySelector('.badge-icon')?.remove();
          return { word: clone.textContent.trim(), icon: b.querySelector('.badge-icon[aria-hidden="true"]')?.textContent };
        }),
      );
      for (const { word, icon } of words) {
        assert.ok(word.length > 1, `/${path}: a badge without a word`);
        assert.ok(['✓', '!', '✕', 'i', '?'].includes(icon), `/${path}: badge "${word}" has icon ${icon}`);
      }
    }
    await context.close();
  });

  test('every status cell of the providers table has a word and a badge', async () => {
    const { page, context } = await openPage(env.browser);
    await page.goto(env.url + 'providers');
    const rows = page.locator('table.providers tbody tr');
    const count = await rows.count();
    assert.ok(count > 40, `${count} rows`);
    const cells = page.locator('table.providers td[data-label^="Port"], table.providers td[data-label="Unblock"]');
    assert.equal(await cells.count(), count * 5);
    for (const text of await cells.allTextContents()) {
      assert.match(text, /^[✓!✕i?][A-Z][a-z]/, `status cell "${text}"`);
    }
    assert.equal(await page.locator('table.providers td .badge').count(), count * 5);
    await context.close();
  });
});

describe('the path onward', () => {
  test('"hetzner" on the home page reaches the answer, then a generator preset, in two clicks', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url);
    await hydrated(page);
    const field = page.getByLabel('Provider name');
    await field.fill('hetzner');
    const list = page.getByRole('list', { name: 'Providers' });
    const visible = await list.getByRole('link').evaluateAll((as) => as.filter((a) => a.checkVisibility()).map((a) => a.textContent));
    assert.ok(visible.length >= 1 && visible.length <= 3, `the list narrows to Hetzner: ${visible}`);
    assert.ok(visible.every((name) => /hetzner/i.test(name)), `${visible}`);
    // Click 1: the provider's answer.
    await list.getByRole('link', { name: 'Hetzner Cloud' }).click();
    await arrived(page, `${env.url}providers/hetzner-cloud`);
    const card = page.getByRole('region', { name: 'The answer for Hetzner Cloud' });
    for (const [port, word] of [['25', 'Blocked'], ['465', 'Blocked'], ['587', 'Open']]) {
      const item = card.getByRole('listitem').filter({ has: page.getByRole('link', { name: `Port ${port}`, exact: true }) });
      assert.match(await item.textContent(), new RegExp(word), `port ${port}`);
    }
    assert.match(await card.textContent(), /How to unblock.*On request/s);
    // Click 2: a relay that works there, on a port open there.
    await card.getByRole('link', { name: /^Configure .* on port 587$/ }).click();
    await page.waitForURL(/\/generator\?/);
    await hydrated(page);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('port'), '587');
    assert.equal(await page.locator('#gen-port').inputValue(), '587');
    assert.equal(await page.locator('#gen-relay').inputValue(), url.searchParams.get('relay'));
    assert.equal(await page.locator('.generator-unsupported').count(), 0);
    assert.match(await page.locator('.generator-output').textContent(), /:587/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Enter in the picker opens the only match', async () => {
    const { page, context } = await openPage(env.browser);
    await page.goto(env.url);
    await hydrated(page);
    await page.getByLabel('Provider name').fill('digitalocean');
    assert.match(await page.locator('#provider-find-count').textContent(), /1 provider matches/);
    await page.getByLabel('Provider name').press('Enter');
    await arrived(page, `${env.url}providers/digitalocean-droplets`);
    await context.close();
  });

  test('provider -> relay -> generator preset', async () => {
    const { page, context } = await openPage(env.browser);
    await page.goto(env.url + 'providers/digitalocean-droplets');
    await hydrated(page);
    const relays = page.locator('.routes');
    // DigitalOcean blocks 465 and 587; only 2525 presets are offered.
    const hrefs = await relays.locator('.route-ports a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length > 3 && hrefs.every((h) => h.includes('port=2525')), hrefs.join(' '));
    await relays.getByRole('link', { name: 'Twilio SendGrid', exact: true }).click();
    await arrived(page, `${env.url}relays/sendgrid`);
    await page.getByRole('link', { name: /Generate the configuration for/ }).click();
    await page.waitForURL(/\/generator\?/);
    await hydrated(page);
    assert.equal(await page.locator('#gen-relay').inputValue(), 'sendgrid');
    // And straight from the provider's list: SendGrid on 2525.
    await page.goBack();
    await page.goBack();
    await hydrated(page);
    await page.getByRole('list', { name: 'Configure Twilio SendGrid' }).getByRole('link', { name: 'Port 2525 for Twilio SendGrid' }).click();
    await page.waitForURL(/\/generator\?/);
    await hydrated(page);
    assert.equal(await page.locator('#gen-relay').inputValue(), 'sendgrid');
    assert.equal(await page.locator('#gen-port').inputValue(), '2525');
    await context.close();
  });

  test('a provider page links its diagnosis preset', async () => {
    const { page, context } = await openPage(env.browser);
    await page.goto(env.url + 'providers/hetzner-cloud');
    await page.getByRole('link', { name: 'Diagnose from Hetzner Cloud' }).click();
    await arrived(page, `${env.url}diagnose?provider=hetzner-cloud`);
    await context.close();
  });

  test('without JavaScript the home page lists every provider as a link', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    await page.goto(env.url);
    assert.equal(await page.getByLabel('Provider name').isVisible(), false);
    const links = page.getByRole('list', { name: 'Providers' }).getByRole('link');
    assert.ok((await links.count()) > 40);
    await links.filter({ hasText: 'Hetzner Cloud' }).click();
    await page.waitForURL(`${env.url}providers/hetzner-cloud`);
    await context.close();
  });

  test('a pasted Postfix log line finds the diagnosis', async () => {
    const { page, context } = await openPage(env.browser);
    await page.goto(env.url + 'faq');
    await hydrated(page);
    const box = page.getByRole('combobox', { name: 'Search the site' });
    await box.fill(
      'postfix/smtp[2211]: 4F1A2B3C4D: to=<ann@example.org>, relay=none, delay=30, status=deferred (connect to mx1.example.org[203.0.113.25]:25: Connection timed out)',
    );
    const first = page.getByRole('option').first();
    await first.waitFor();
    assert.match(await first.textContent(), /Deferred: connection timed out/);
    await box.press('Enter');
    await arrived(page, `${env.url}diagnose?p=deferred.timeout`);
    await context.close();
  });
});

describe('screenshots', () => {
  test(`every route at 1366 and 390 px, light and dark, saved in ${SHOTS}`, async () => {
    // Not emptied here: other suites (tester, egress) save theirs in the
    // same folder; scripts/test.sh empties it before the e2e step.
    mkdirSync(SHOTS, { recursive: true });
    let saved = 0;
    for (const colorScheme of ['light', 'dark']) {
      for (const [width, height] of [[1366, 900], [390, 844]]) {
        const { page, context } = await openPage(env.browser, { viewport: { width, height }, colorScheme });
        for (const path of PATHS) {
          await page.goto(env.url + path);
          await hydrated(page);
          const name = (path || 'home').replaceAll('/', '_');
          await page.screenshot({ path: `${SHOTS}/${name}-${width}-${colorScheme}.png`, fullPage: true });
          saved += 1;
        }
        await context.close();
      }
    }
    assert.equal(saved, PATHS.length * 4);
    console.log(`# screenshots: ${saved} in ${SHOTS}`);
  });
});
