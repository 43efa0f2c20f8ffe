// The site shell: prerendered pages, hydration, client-side navigation, the
// 404 page and keyboard access, in real headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAV, ROUTES, TOOLS, hydrated, openPage, start } from './harness.mjs';

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

  test('links within a bundle change the route without a full reload', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url);
    await hydrated(page);
    await page.evaluate(() => {
      window.__port25NoReload = true;
    });
    const nav = page.getByRole('navigation', { name: 'Main' });
    const sameBundle = NAV.filter(([, path]) => !TOOLS.includes(path));
    for (const [label, path] of sameBundle) {
      await nav.getByRole('link', { name: label, exact: true }).click();
      await page.waitForURL(env.url + path);
      const route = ROUTES.find((r) => r.path === path);
      await page.getByRole('heading', { level: 1, name: route.h1 }).waitFor();
      assert.equal(await page.evaluate(() => window.__port25NoReload), true, `${label} reloaded the page`);
      assert.equal(await nav.getByRole('link', { name: label, exact: true }).getAttribute('aria-current'), 'page');
      assert.match(await page.title(), new RegExp(`^${route.h1.replace(/[?.]/g, '\\$&')} · Port25$`));
    }
    await page.goBack();
    await page.waitForURL(env.url + sameBundle.at(-2)[1]);
    assert.equal(await page.evaluate(() => window.__port25NoReload), true, 'Back reloaded the page');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('each tool loads its own bundle, and only that one', async () => {
    const { page, context, problems } = await openPage(env.browser);
    const wasm = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').at(-1));
    });
    await page.goto(env.url + 'providers');
    await hydrated(page);
    assert.equal(wasm.length, 1);
    assert.match(wasm[0], /^port25-site-[0-9a-f]+_bg\.wasm$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const tool of TOOLS) {
      const [label] = NAV.find(([, path]) => path === tool);
      const link = nav.getByRole('link', { name: label, exact: true });
      assert.equal(await link.getAttribute('rel'), 'external', `${label} is a full page load`);
      wasm.length = 0;
      await link.click();
      await page.waitForURL(env.url + tool);
      await hydrated(page);
      await page.getByRole('heading', { level: 1, name: ROUTES.find((r) => r.path === tool).h1 }).waitFor();
      assert.deepEqual(wasm.map((f) => f.replace(/-[0-9a-f]+_bg\.wasm$/, '')), [tool]);
      assert.equal(await link.getAttribute('aria-current'), 'page');
    }
    // A link back into the site bundle from a tool page, then Back.
    await nav.getByRole('link', { name: 'FAQ', exact: true }).click();
    await page.waitForURL(env.url + 'faq');
    await hydrated(page);
    await page.getByRole('heading', { level: 1, name: 'Port 25 FAQ' }).waitFor();
    await page.goBack();
    await page.waitForURL(env.url + TOOLS.at(-1));
    await hydrated(page);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a link in prose to another bundle\'s page still lands there', async () => {
    const { page, context, problems } = await openPage(env.browser);
    await page.goto(env.url + 'about');
    await hydrated(page);
    // Any in-app link the router takes to a page of another bundle: the
    // stand-in reloads the URL, which brings that page's own bundle.
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.id = 'cross-bundle';
      a.textContent = 'to the diagnosis';
      document.querySelector('main').append(a);
    }, env.url + 'diagnose');
    await page.click('#cross-bundle');
    await page.waitForURL(env.url + 'diagnose');
    await page.getByRole('heading', { level: 1, name: 'Diagnose outbound SMTP' }).waitFor();
    await hydrated(page);
    assert.match(
      await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).join(' ')),
      /diagnose-[0-9a-f]+_bg\.wasm/,
    );
    assert.deepEqual(problems, []);
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
