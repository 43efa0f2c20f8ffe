// The site search in the header: `/` focuses it, the index loads on first
// use, typing finds entries, the arrow keys move the active option, Enter or a
// click goes there through the router, and it works from any page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arrived, hydrated, openPage, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Opens `path` hydrated, counting requests for the search index. */
async function open(path) {
  const opened = await openPage(env.browser);
  const indexRequests = [];
  opened.page.on('request', (r) => {
    if (r.url().endsWith('/search-index.txt')) indexRequests.push(r.url());
  });
  await opened.page.goto(env.url + path);
  await hydrated(opened.page);
  return { ...opened, indexRequests };
}

const box = (page) => page.getByRole('combobox', { name: 'Search the site' });

/** Focuses the box with `/` and types `query`; waits for the results. */
async function searchFor(page, query) {
  await page.keyboard.press('/');
  await page.keyboard.type(query);
  await page.locator('#search-results:not([hidden]) [role="option"]').first().waitFor();
}

/** Waits until the element with `id` exists and its top is in the viewport. */
async function inView(page, id) {
  await page.waitForFunction((id) => {
    const el = document.getElementById(id);
    if (!el) return false;
    const top = el.getBoundingClientRect().top;
    // Scrolled to: at the top, give or take a sub-pixel, or below it on screen.
    return top > -2 && top < window.innerHeight;
  }, id, { timeout: 10_000 });
}

describe('search', () => {
  test('"/" focuses the box, and the index loads on first use, not at start-up', async () => {
    const { page, context, problems, indexRequests } = await open('');
    assert.equal(await box(page).isVisible(), true);
    assert.deepEqual(indexRequests, []);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input');
    assert.equal(await box(page).inputValue(), '', 'the "/" itself is not typed');
    await page.keyboard.type('hetzner');
    await page.getByRole('option').first().waitFor();
    assert.equal(indexRequests.length, 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('"hetzner" then Enter loads the Hetzner provider page', async () => {
    const { page, context, problems } = await open('');
    await searchFor(page, 'hetzner');
    const first = page.getByRole('option').first();
    assert.match(await first.textContent(), /^Provider\s+Hetzner Cloud/);
    assert.equal(await box(page).getAttribute('aria-expanded'), 'true');
    assert.equal(await box(page).getAttribute('aria-activedescendant'), await first.getAttribute('id'));
    await page.keyboard.press('Enter');
    await arrived(page, env.url + 'providers/hetzner-cloud');
    await page.getByRole('heading', { level: 1, name: 'Hetzner Cloud' }).waitFor();
    await page.getByRole('heading', { name: 'Sources', exact: true }).waitFor();
    assert.equal(await box(page).inputValue(), '');
    assert.equal(await box(page).getAttribute('aria-expanded'), 'false');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('"starttls" lands on the STARTTLS glossary entry, from another page', async () => {
    const { page, context, problems } = await open('faq');
    await searchFor(page, 'starttls');
    assert.match(await page.getByRole('option').first().textContent(), /^Glossary\s+STARTTLS/);
    await page.keyboard.press('Enter');
    await arrived(page, env.url + 'glossary#starttls');
    await inView(page, 'starttls');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('"465" lands on port 465 on the ports page, from a provider page', async () => {
    const { page, context, problems } = await open('providers/hetzner-cloud');
    await searchFor(page, '465');
    assert.match(await page.getByRole('option').first().textContent(), /^Port\s+Port 465/);
    await page.keyboard.press('Enter');
    await page.waitForURL(env.url + 'ports#465');
    await inView(page, '465');
    assert.match(await page.locator('[id="465"]').textContent(), /Port 465/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the arrow keys move the active option, and Enter follows it', async () => {
    const { page, context, problems } = await open('about');
    await searchFor(page, 'relay');
    const options = page.getByRole('option');
    const count = await options.count();
    assert.ok(count >= 3, `only ${count} results`);
    const active = () => box(page).getAttribute('aria-activedescendant');
    const selected = () => page.locator('[role="option"][aria-selected="true"]').getAttribute('id');
    assert.equal(await active(), 'search-option-0');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'search-option-1');
    assert.equal(await selected(), 'search-option-1');
    await page.keyboard.press('ArrowUp');
    assert.equal(await active(), 'search-option-0');
    await page.keyboard.press('ArrowUp');
    assert.equal(await active(), `search-option-${count - 1}`, 'wraps to the last');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(), 'search-option-1');
    const href = await options.nth(1).locator('a').getAttribute('href');
    await page.keyboard.press('Enter');
    await page.waitForURL(new URL(href, env.url).href);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a click on a result goes there; Escape closes; no results says so', async () => {
    const { page, context, problems } = await open('relays');
    await page.keyboard.press('/');
    await page.keyboard.type('zzqx');
    await page.getByText('No results for “zzqx”').waitFor();
    assert.equal(await box(page).getAttribute('aria-expanded'), 'false');
    await box(page).fill('');
    await page.keyboard.type('sendgrid');
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await box(page).getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#search-results').isVisible(), false);
    await page.keyboard.press('ArrowDown');
    assert.equal(await box(page).getAttribute('aria-expanded'), 'true', 'ArrowDown reopens');
    await page.getByRole('option', { name: /Twilio SendGrid/ }).click();
    await arrived(page, env.url + 'relays/sendgrid');
    await page.getByRole('heading', { level: 1, name: 'Twilio SendGrid' }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('"/" typed into another field stays there', async () => {
    const { page, context, problems } = await open('providers');
    await page.getByLabel('Name').click();
    await page.keyboard.type('a/b');
    assert.equal(await page.getByLabel('Name').inputValue(), 'a/b');
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'search-input');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript the control is hidden, not dead', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    await page.goto(env.url + 'glossary');
    assert.equal(await page.locator('#search').isVisible(), false);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), true);
    await context.close();
  });
});
