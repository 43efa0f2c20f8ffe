import { start, openPage } from './harness.mjs';
const env = await start();
const out = '/tmp/relays/shots';
const pages = process.argv.slice(2);
for (const scheme of ['light', 'dark']) {
  for (const width of [1366, 360]) {
    const { page, context } = await openPage(env.browser, { viewport: { width, height: 900 }, colorScheme: scheme });
    for (const p of pages) {
      const [path, full] = p.split('!');
      await page.goto(env.url + path);
      await page.waitForTimeout(800);
      const name = `${path.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${width}-${scheme}.png`;
      await page.screenshot({ path: `${out}/${name}`, fullPage: full === 'full' });
    }
    await context.close();
  }
}
await env.close();
