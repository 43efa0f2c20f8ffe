// The site shell: prerendered pages, their bundles, navigation by page loads
// (Back/Forward, deep links, the sub-path), the 404 page and keyboard access,
// in real headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAV, ROUTES, TOOLS, arrived, hydrated, openPage, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

describe('without JavaScript', () => {
  for (const route of ROUTES) {
    test(`/${route.path} is prerendered with its content and metadata`, async () => {
      const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
      const response = await page.goto(env.url + route.path);
      assert.equal(response.status(), 200);
      assert.equal(await page.locator('h1').textContent(), route.h1);
      assert.match(await page.title(), / · Port25$/);
      const description = await page.locator('meta[name="description"]').getAttribute('content');
      assert.ok(description && description.length >= 50, `meta description: ${description}`);
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count(), NAV.length);
      await context.close();
    });
  }

  test('an unknown path answers 404 with the not-found page', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    const response = await page.goto(env.url + 'no/such/page');
    assert.equal(response.status(), 404);
    assert.equal(await page.locator('h1').textContent(), 'Page not found');
    // Assets resolve from a deep path too: the stylesheet applied.
    const css = await page.locator('link[rel="stylesheet"]').getAttribute('href');
    assert.ok(css.startsWith(new URL(env.url).pathname), `stylesheet ${css} outside the base path`);
    await context.close();
  });
});

describe('with JavaScript', () => {
  for (const route of [...ROUTES, { path: 'no/such/page', h1: 'Page not found' }]) {
    test(`/${route.path} hydrates with no console errors or warnings`, async () => {
      const { page, context, problems } = await openPage(env.browser);
      await page.goto(env.url + route.path);
      await hydrated(page);
      assert.equal(await page.locator('h1').textContent(), route.h1);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('every navigation link loads its page, marked current; Back and Forward return', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url);
    await hydrated(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const [label, path] of NAV) {
      await nav.getByRole('link', { name: label, exact: true }).click();
      await arrived(page, env.url + path);
      const route = ROUTES.find((r) => r.path === path);
      await page.getByRole('heading', { level: 1, name: route.h1 }).waitFor();
      assert.equal(await nav.getByRole('link', { name: label, exact: true }).getAttribute('aria-current'), 'page');
      assert.equal(await nav.locator('[aria-current]').count(), 1, `${label}: one current link`);
      assert.match(await page.title(), new RegExp(`^${route.h1.replace(/[?.]/g, '\\$&')} · Port25$`));
    }
    // Back and Forward bring the previous pages back, hydrated.
    await page.goBack();
    await page.waitForURL(env.url + NAV.at(-2)[1]);
    await hydrated(page);
    await page.getByRole('heading', { level: 1, name: ROUTES.find((r) => r.path === NAV.at(-2)[1]).h1 }).waitFor();
    await page.goForward();
    await page.waitForURL(env.url + NAV.at(-1)[1]);
    await hydrated(page);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('each page loads one bundle: its tool\'s, or the small site bundle', async () => {
    const { page, context, problems } = await openPage(env.browser);
    const wasm = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/').at(-1));
    });
    await page.goto(env.url + 'providers');
    await hydrated(page);
    assert.equal(wasm.length, 1);
    assert.match(wasm[0], /^site-[0-9a-f]+_bg\.wasm$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const tool of TOOLS) {
      const [label] = NAV.find(([, path]) => path === tool);
      wasm.length = 0;
      await nav.getByRole('link', { name: label, exact: true }).click();
      await arrived(page, env.url + tool);
      await page.getByRole('heading', { level: 1, name: ROUTES.find((r) => r.path === tool).h1 }).waitFor();
      assert.deepEqual(wasm, [`${tool}_bg.wasm`]);
      // The tool's island is running: its controls are enabled.
      assert.equal(await page.locator('leptos-island').count(), 1);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('deep links with a query and a fragment load under the sub-path', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'glossary#starttls');
    await hydrated(page);
    assert.ok(await page.evaluate(() => {
      const r = document.getElementById('starttls').getBoundingClientRect();
      return r.top >= -1 && r.top < innerHeight;
    }), 'the entry is in view');
    await page.goto(env.url + 'generator?v=1&mta=msmtp');
    await hydrated(page);
    await page.getByText('/etc/msmtprc').first().waitFor();
    // Every asset the pages asked for came from under the base path.
    const outside = await page.evaluate((base) =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => !p.startsWith(base)),
    new URL(env.url).pathname);
    assert.deepEqual(outside, []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the about page\'s data links open their files with JavaScript on', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'about');
    await hydrated(page);
    const hrefs = await page.locator('main a[href*="/data/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length >= 16, hrefs.join('\n'));
    for (const href of hrefs) {
      const [response] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === href),
        page.locator(`main a[href="${href}"]`).click(),
      ]);
      assert.equal(response.status(), 200, href);
      assert.doesNotMatch(await page.content(), /Page not found/, href);
      await page.goto(env.url + 'about');
      await hydrated(page);
    }
    // Chromium asks for /favicon.ico when it shows a file that is not HTML;
    // the site's icon is linked from its pages, and that request is not theirs.
    assert.deepEqual(problems.filter((p) => !p.includes('/favicon.ico')), []);
    await context.close();
  });

  test('keyboard: the skip link comes first, then every navigation link in order', async () => {
    const { page, context } = await openPage(env.browser);
    await page.goto(env.url);
    await hydrated(page);
    const focused = async () =>
      page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), id: document.activeElement?.id }));

    await page.keyboard.press('Tab');
    assert.equal((await focused()).text, 'Skip to content');
    const reached = [];
    for (let i = 0; i < NAV.length + 1; i += 1) {
      await page.keyboard.press('Tab');
      reached.push((await focused()).text);
    }
    assert.deepEqual(reached, [':25 Port25', ...NAV.map(([label]) => label)]);

    // The skip link moves focus to the main content.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.down('Shift');
    for (let i = 0; i < NAV.length; i += 1) await page.keyboard.press('Tab');
    await page.keyboard.up('Shift');
    assert.equal((await focused()).text, 'Skip to content');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await context.close();
  });
});
