// The knowledge base in the browser: the providers table (without JavaScript,
// sorted, filtered), a provider page opened from it, and the downloads.
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

/** The names in the visible rows of the providers table, in order. */
const visibleNames = (page) =>
  page.locator('table.providers tbody tr:not([hidden]) th').allTextContents();

describe('providers table', () => {
  test('is a complete table without JavaScript', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    await page.goto(env.url + 'providers');
    const { providers } = await source('providers');
    assert.equal(await page.locator('table.providers tbody tr').count(), providers.length);
    // The port 25 cell links to its citation on the provider's page (the
    // other cells are badges; the provider page cites every one).
    const hetzner = page.locator('table.providers tbody tr', { hasText: 'Hetzner Cloud' });
    const policyLink = hetzner.locator('td').nth(1).locator('a');
    assert.equal(await policyLink.getAttribute('href'), `${new URL(env.url).pathname}providers/hetzner-cloud#claim-port25`);
    await context.close();
  });

  test('a cell\'s citation is one click away: quote, source and checked date', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'providers');
    await hydrated(page);
    const hetzner = page.locator('table.providers tbody tr', { hasText: 'Hetzner Cloud' });
    await hetzner.locator('td').nth(1).locator('a').click();
    await arrived(page, env.url + 'providers/hetzner-cloud#claim-port25');
    const claim = page.locator('[id="claim-port25"]');
    assert.ok((await claim.locator('blockquote').textContent()).trim().length > 20);
    assert.match(await claim.locator('a[href^="https://docs.hetzner.com/"]').first().getAttribute('href'), /hetzner/);
    assert.match(await claim.locator('time').first().getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('sorts by a column both ways, and filters', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'providers');
    await hydrated(page);
    const initial = await visibleNames(page);
    assert.deepEqual(initial, [...initial].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));

    await page.getByRole('button', { name: 'Provider', exact: true }).click();
    const descending = await visibleNames(page);
    assert.deepEqual(descending, [...initial].reverse());
    assert.equal(
      await page.locator('th', { has: page.getByRole('button', { name: 'Provider', exact: true }) }).getAttribute('aria-sort'),
      'descending',
    );

    await page.getByRole('button', { name: 'Checked' }).click();
    const dates = await page.locator('table.providers tbody tr:not([hidden]) time').allTextContents();
    assert.deepEqual(dates, [...dates].sort());

    await page.getByLabel('Category').selectOption('residential-isp');
    const isps = await visibleNames(page);
    const { providers } = await source('providers');
    assert.equal(isps.length, providers.filter((p) => p.category === 'residential-isp').length);
    assert.ok(isps.includes('Comcast Xfinity (residential)'), isps.join());
    await page.getByLabel('Category').selectOption('');

    await page.getByLabel('Name').fill('hetzner');
    const hetzners = await visibleNames(page);
    assert.ok(hetzners.includes('Hetzner Cloud'), hetzners.join());
    for (const name of hetzners) assert.match(name, /hetzner/i);
    assert.equal(
      await page.locator('p.count').textContent(),
      `Showing ${hetzners.length} of ${providers.length} providers`,
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a provider page opens from the table', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'providers');
    await hydrated(page);
    await page.getByRole('link', { name: 'Hetzner Cloud' }).click();
    await arrived(page, env.url + 'providers/hetzner-cloud');
    await page.getByRole('heading', { level: 1, name: 'Hetzner Cloud' }).waitFor();
    await page.getByRole('heading', { name: 'Sources', exact: true }).waitFor();
    assert.match(await page.title(), /^Hetzner Cloud: outbound port 25 · Port25$/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('downloads', () => {
  for (const name of ['providers', 'relays', 'ports', 'glossary', 'faq']) {
    test(`${name}.json equals the source data`, async () => {
      const response = await fetch(env.url + `data/${name}.json`);
      assert.equal(response.status, 200);
      const download = await response.json();
      assert.equal(download.$schema, `schema/${name}.schema.json`);
      delete download.$schema;
      assert.match(download.license, /^CC-BY-4\.0 \(https:\/\/creativecommons\.org\/licenses\/by\/4\.0\/\)/);
      delete download.license;
      assert.deepEqual(download, await source(name));
      const schema = await fetch(env.url + `data/schema/${name}.schema.json`);
      assert.equal(schema.status, 200);
    });
  }

  test('the table page links its downloads, and the CSV holds the rows shown', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    await page.goto(env.url + 'providers');
    const href = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
    const bytes = new Uint8Array(await (await fetch(new URL(href, env.url))).arrayBuffer());
    // A UTF-8 byte order mark first, so Excel reads the file as UTF-8.
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
    const lines = csv.trimEnd().split('\r\n');
    assert.match(lines[0], /^id,name,category,port25,.*,license$/);
    assert.ok(csv.includes('Gerência da Porta 25'), 'non-ASCII names survive');
    const names = await page.locator('table.providers tbody th').allTextContents();
    const { providers } = await source('providers');
    assert.equal(names.length, providers.length);
    for (const p of providers) {
      assert.ok(names.includes(p.name), `${p.name} missing from the table`);
      assert.ok(csv.includes(`${p.id},`), `${p.id} missing from the CSV`);
    }
    await context.close();
  });
});
