#!/usr/bin/env node
// Lighthouse (mobile, its default) on the built site, served as GitHub Pages
// serves it (scripts/serve.mjs: gzip, validators) under the e2e base path, in
// the machine's headless Chromium. Prints score, LCP, TBT and CLS per page,
// writes each report to target/lighthouse/, and fails below the thresholds.
//
//   node scripts/lighthouse.mjs [dist] [base]
//   PORT25_LIGHTHOUSE_PAGES=relays,faq node scripts/lighthouse.mjs   (only these pages)
import { mkdir, writeFile } from 'node:fs/promises';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { serve } from './serve.mjs';

const dist = process.argv[2] ?? 'dist';
const base = process.argv[3] ?? '/port25/';
const PAGES = process.env.PORT25_LIGHTHOUSE_PAGES?.split(',') ??
  ['', 'providers', 'providers/hetzner-cloud', 'relays', 'glossary', 'diagnose', 'generator', 'tester', 'egress'];
/** The thresholds: scores are 0-100. */
const MIN = { performance: 98, accessibility: 100, 'best-practices': 100, seo: 100 };
const MAX_CLS = 0.02;
const OUT = 'target/lighthouse';

const { server, url } = await serve({ dir: dist, base, port: 0 });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
await mkdir(OUT, { recursive: true });
const failures = [];
const row = (cells) => console.log(cells.map((c, i) => String(c).padEnd(i === 0 ? 26 : 9)).join(' '));
row(['page', 'perf', 'a11y', 'best', 'seo', 'LCP ms', 'TBT ms', 'CLS']);
try {
  for (const path of PAGES) {
    const result = await lighthouse(url + path, {
      port: chrome.port,
      output: 'html',
      logLevel: 'error',
      onlyCategories: Object.keys(MIN),
    });
    const { categories, audits } = result.lhr;
    const score = (id) => Math.round((categories[id]?.score ?? 0) * 100);
    const lcp = audits['largest-contentful-paint'].numericValue;
    const tbt = audits['total-blocking-time'].numericValue;
    const cls = audits['cumulative-layout-shift'].numericValue;
    const name = path || 'home';
    row([name, ...Object.keys(MIN).map(score), Math.round(lcp), Math.round(tbt), cls.toFixed(3)]);
    await writeFile(`${OUT}/${name.replaceAll('/', '_')}.html`, result.report);
    for (const [id, min] of Object.entries(MIN)) {
      if (score(id) < min) {
        const failed = Object.values(audits)
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
          .filter((a) => (categories[id]?.auditRefs ?? []).some((r) => r.id === a.id && r.weight > 0))
          .map((a) => a.id);
        failures.push(`${name}: ${id} ${score(id)} < ${min} (${failed.join(', ')})`);
      }
    }
    if (cls > MAX_CLS) failures.push(`${name}: CLS ${cls.toFixed(3)} > ${MAX_CLS}`);
  }
} finally {
  await chrome.kill();
  await new Promise((ok) => server.close(ok));
}
console.log(`reports in ${OUT}/`);
if (failures.length) {
  console.error(`Lighthouse below the thresholds:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
