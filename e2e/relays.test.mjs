// The relay comparison (without JavaScript, filtered, "works from provider
// X", sorted, on a phone), the FAQ's and glossary's indexes, and the footer's
// links. Expected rows are computed here from content/data, independently of
// port25_core::kb::compare, so a wrong filter cannot agree with itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { arrived, hydrated, openPage, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const source = async (name) => JSON.parse(await readFile(new URL(`../content/data/${name}.json`, import.meta.url)));
const byName = (a, b) => a.toLowerCase().localeCompare(b.toLowerCase());

/** The names in the visible rows of the relays table, in order. */
const visibleNames = (page) =>
  page.locator('table.relays tbody tr:not([hidden]) th > a').allTextContents();

/** The ports a provider row leaves open, as its data says (25 when its policy is open). */
const openPorts = (p) => {
  const ports = [];
  if (['open', 'open-with-limits', 'open-with-monitoring'].includes(p.port25)) ports.push(25);
  for (const n of [465, 587, 2525]) if (p.other_ports[String(n)] === 'open') ports.push(n);
  return ports;
};

async function relaysPage(query = '') {
  const opened = await openPage(env.browser);
  await opened.page.goto(env.url + 'relays' + query);
  await hydrated(opened.page);
  return opened;
}

describe('relay comparison', () => {
  test('is a complete table without JavaScript, and the filters stay hidden', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    await page.goto(env.url + 'relays');
    const { relays } = await source('relays');
    assert.equal(await page.locator('table.relays tbody tr').count(), relays.length);
    assert.equal(await page.locator('#relays-filters').isVisible(), false);
    // Every badge carries its word, not only a colour.
    for (const badge of await page.locator('table.relays .badge').all()) {
      assert.match((await badge.textContent()).trim(), /(Yes|No|Unknown)$/);
    }
    // A cited HTTPS API cell links to its citation on the relay's page.
    const sendgrid = page.locator('table.relays tbody tr[data-id="sendgrid"]');
    const api = sendgrid.locator('td[data-label="HTTPS API"] a');
    assert.equal(await api.getAttribute('href'), `${new URL(env.url).pathname}relays/sendgrid#claim-https-api`);
    await context.close();
  });

  test('"works from" a provider keeps the relays with a port open there', async () => {
    const { page, context, problems } = await relaysPage();
    const { relays } = await source('relays');
    const { providers } = await source('providers');
    const hetzner = providers.find((p) => p.id === 'hetzner-cloud');
    const open = openPorts(hetzner);
    const expected = relays.filter((r) => r.ports.some((p) => open.includes(p.port))).map((r) => r.name).sort(byName);
    // The data makes this a real narrowing: some relay is left out.
    assert.ok(expected.length > 0 && expected.length < relays.length, `${expected.length} of ${relays.length}`);

    await page.getByLabel('Works from').selectOption('hetzner-cloud');
    assert.deepEqual(await visibleNames(page), expected);
    const status = await page.locator('#relays-count').textContent();
    assert.match(status, new RegExp(`^Showing ${expected.length} of ${relays.length} relays that work from Hetzner Cloud \\(open there: ${open.join(', ')}\\)$`));

    // Back to any provider shows every relay again.
    await page.getByLabel('Works from').selectOption('');
    assert.equal((await visibleNames(page)).length, relays.length);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('?from=<provider> preselects the provider', async () => {
    const { page, context, problems } = await relaysPage('?from=hetzner-cloud');
    assert.equal(await page.getByLabel('Works from').inputValue(), 'hetzner-cloud');
    const { relays } = await source('relays');
    assert.ok((await visibleNames(page)).length < relays.length);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('filters by HTTPS API, EU region, port with its TLS mode, free tier and user name', async () => {
    const { page, context, problems } = await relaysPage();
    const { relays } = await source('relays');
    const names = (pred) => relays.filter(pred).map((r) => r.name).sort(byName);

    await page.getByLabel('Has an HTTPS API').check();
    assert.deepEqual(await visibleNames(page), names((r) => r.https_api === 'yes'));
    await page.getByLabel('Has an EU region').check();
    const both = names((r) => r.https_api === 'yes' && r.eu_region === 'yes');
    assert.ok(both.length > 0);
    assert.deepEqual(await visibleNames(page), both);
    await page.getByLabel('Has an HTTPS API').uncheck();
    await page.getByLabel('Has an EU region').uncheck();

    await page.getByLabel('Port', { exact: true }).selectOption('465');
    await page.getByLabel('TLS on that port').selectOption('implicit-tls');
    assert.deepEqual(await visibleNames(page), names((r) => r.ports.some((p) => p.port === 465 && p.tls === 'implicit-tls')));
    await page.getByLabel('Port', { exact: true }).selectOption('');
    await page.getByLabel('TLS on that port').selectOption('');

    await page.getByLabel('Free tier').selectOption('ongoing');
    assert.deepEqual(await visibleNames(page), names((r) => r.free_tier.kind === 'ongoing'));
    await page.getByLabel('Free tier').selectOption('');

    await page.getByLabel('User name').selectOption('literal');
    assert.deepEqual(await visibleNames(page), names((r) => r.credentials.username === 'literal'));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('sorts by a column from its header and from "Sort by"', async () => {
    const { page, context, problems } = await relaysPage();
    const { relays } = await source('relays');
    const rank = { yes: 0, no: 1, unknown: 2 };
    await page.getByRole('button', { name: 'HTTPS API', exact: true }).click();
    const order = await page.locator('table.relays tbody tr:not([hidden])').evaluateAll((rows) => rows.map((r) => r.dataset.https));
    assert.deepEqual(order, [...order].sort((a, b) => rank[a] - rank[b]));
    assert.equal(order[0], 'yes');
    assert.equal(await page.locator('th', { has: page.getByRole('button', { name: 'HTTPS API', exact: true }) }).getAttribute('aria-sort'), 'ascending');
    assert.equal(await page.getByLabel('Sort by').inputValue(), '2');

    await page.getByLabel('Sort by').selectOption({ label: 'Service' });
    assert.deepEqual(await visibleNames(page), relays.map((r) => r.name).sort(byName));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('uses the width on a desktop, and becomes cards without sideways scroll at 360 px', async () => {
    const wide = await openPage(env.browser, { viewport: { width: 1366, height: 900 } });
    await wide.page.goto(env.url + 'relays');
    const tableWidth = await wide.page.locator('table.relays').evaluate((t) => t.getBoundingClientRect().width);
    assert.ok(tableWidth > 1000, `table ${tableWidth}px wide`);
    const rowHeight = await wide.page.locator('table.relays tbody tr[data-id="sendgrid"]').evaluate((r) => r.getBoundingClientRect().height);
    assert.ok(rowHeight < 300, `a row is ${rowHeight}px tall`);
    await wide.context.close();

    const { page, context } = await openPage(env.browser, { viewport: { width: 360, height: 800 } });
    await page.goto(env.url + 'relays');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls ${overflow}px sideways`);
    // A card names each value's column.
    const label = await page.locator('tr[data-id="sendgrid"] td[data-label="EU region"]').evaluate((td) => getComputedStyle(td, '::before').content);
    assert.match(label, /EU region/);
    await context.close();
  });
});

describe('indexes', () => {
  test('the FAQ has a table of contents that reaches every entry, and every entry a visible link', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'faq');
    await hydrated(page);
    const { entries } = await source('faq');
    const toc = page.getByRole('navigation', { name: 'Questions' });
    assert.deepEqual(await toc.getByRole('link').allTextContents(), entries.map((e) => e.question));
    const last = entries[entries.length - 1];
    await toc.getByRole('link', { name: last.question }).click();
    await page.waitForURL(env.url + `faq#${last.id}`);
    for (const e of entries) {
      const link = page.locator(`[id="${e.id}"] a.permalink`);
      assert.equal(await link.getAttribute('href'), `#${e.id}`);
      assert.ok(await link.isVisible(), e.id);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the glossary has an A-Z index: letters with terms link to their section', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'glossary');
    await hydrated(page);
    const { terms } = await source('glossary');
    const az = page.getByRole('navigation', { name: 'Glossary A to Z' });
    const initials = new Set(terms.map((t) => t.term[0].toUpperCase()));
    for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
      const link = az.getByRole('link', { name: letter, exact: true });
      assert.equal(await link.count(), initials.has(letter) ? 1 : 0, letter);
    }
    await az.getByRole('link', { name: 'S', exact: true }).click();
    await page.waitForURL(env.url + 'glossary#az-s');
    const section = page.locator('section[aria-labelledby="az-s"]');
    const inS = terms.filter((t) => t.term[0].toUpperCase() === 'S').map((t) => t.id).sort();
    assert.deepEqual((await section.locator('dt').evaluateAll((dts) => dts.map((d) => d.id))).sort(), inS);
    for (const t of terms) {
      assert.equal(await page.locator(`[id="${t.id}"] a.permalink`).getAttribute('href'), `#${t.id}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('footer', () => {
  test('links the repository, a pre-filled "report a wrong fact" issue and both licences', async () => {
    const cargo = await readFile(new URL('../Cargo.toml', import.meta.url), 'utf8');
    const repository = cargo.match(/^repository = "([^"]+)"/m)[1];
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    for (const path of ['providers/hetzner-cloud', 'faq']) {
      await page.goto(env.url + path);
      const footer = page.locator('footer');
      assert.equal(await footer.getByRole('link', { name: 'Source code and data on GitHub' }).getAttribute('href'), repository);
      const report = new URL(await footer.getByRole('link', { name: 'Report a wrong fact on this page' }).getAttribute('href'));
      assert.equal(report.origin + report.pathname, `${repository}/issues/new`);
      const title = (await page.title()).replace(/ · Port25$/, '');
      assert.equal(report.searchParams.get('title'), `Wrong fact on "${title}"`);
      assert.ok(report.searchParams.get('body').includes(`URL: ${new URL(env.url).pathname}${path}\n`), report.searchParams.get('body'));
      assert.equal(await footer.getByRole('link', { name: 'MIT License' }).getAttribute('href'), 'https://opensource.org/license/mit');
      assert.equal(await footer.getByRole('link', { name: 'CC BY 4.0' }).getAttribute('href'), 'https://creativecommons.org/licenses/by/4.0/');
    }
    await context.close();
  });

  test('the relays CSV starts with a byte order mark and states the licence in its last column', async () => {
    const bytes = new Uint8Array(await (await fetch(env.url + 'data/relays.csv')).arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
    const [header, first] = text.split('\r\n');
    assert.match(header, /,license$/);
    assert.match(first, /,"?CC-BY-4\.0 \(https:\/\/creativecommons\.org\/licenses\/by\/4\.0\/\)/);
  });
});
