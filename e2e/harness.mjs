// Shared set-up for the end-to-end suites: serves dist/ (or the directory in
// PORT25_E2E_DIST) under the base path the build used (as GitHub Pages would)
// and drives Debian's Chromium through playwright-core. Nothing here talks to
// anything but 127.0.0.1.
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';

export const BASE = process.env.PORT25_E2E_BASE ?? '/port25/';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The site's routes and the heading each must show (the spec, written out). */
export const ROUTES = [
  { path: '', h1: 'Port 25 blocked? Your mail can still go out.' },
  { path: 'providers', h1: 'Which providers block outbound port 25' },
  { path: 'relays', h1: 'SMTP relay services for blocked port 25' },
  { path: 'diagnose', h1: 'Diagnose outbound SMTP' },
  { path: 'generator', h1: 'Relay configuration generator' },
  { path: 'tester', h1: 'SMTP connectivity tester' },
  { path: 'egress', h1: 'Is outbound port 25 blocked on my server?' },
  { path: 'guide', h1: 'Guide to blocked port 25' },
  { path: 'glossary', h1: 'Mail delivery glossary' },
  { path: 'faq', h1: 'Port 25 FAQ' },
  { path: 'ports', h1: 'SMTP ports: 25, 465, 587 and 2525' },
  { path: 'about', h1: 'About Port25' },
  { path: 'corrections', h1: 'Corrections to the original article' },
  { path: 'providers/hetzner-cloud', h1: 'Hetzner Cloud' },
  { path: 'relays/sendgrid', h1: 'Twilio SendGrid' },
  { path: 'guide/why-port-25-is-blocked', h1: 'Why port 25 is blocked' },
];

/** Pages with a browser bundle of their own (port25_core::site::Bundle); every other page loads `site`. */
export const TOOLS = ['diagnose', 'generator', 'tester', 'egress'];

/** The header navigation, in order: label and route. */
export const NAV = [
  ['Providers', 'providers'],
  ['Relays', 'relays'],
  ['Diagnose', 'diagnose'],
  ['Generator', 'generator'],
  ['Tester', 'tester'],
  ['Egress test', 'egress'],
  ['Guide', 'guide'],
  ['Glossary', 'glossary'],
  ['FAQ', 'faq'],
  ['About', 'about'],
];

/** Starts the static server and the browser; returns them with a `close`. */
export async function start() {
  const { server, url } = await serve({ dir: process.env.PORT25_E2E_DIST ?? 'dist', base: BASE, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/**
 * Opens a page that records every console error or warning and uncaught
 * exception in `problems`.
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    // A 404 page is served with status 404 on purpose (as GitHub Pages does);
    // Chromium logs that for the document itself. Any other failed load counts.
    const isDocument404 = msg.text().includes('status of 404') && msg.location().url === page.url();
    if (!isDocument404) problems.push(`${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { page, context, problems };
}

/** Waits until the wasm has hydrated the page (the app marks <html>). */
export async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated]', { timeout: 30_000 });
}

/**
 * Asserts that the page on screen arrived by a document load of its own URL
 * (every link is a plain page load: there is no client-side router), and
 * waits until its bundle has started.
 */
export async function arrived(page, url) {
  await page.waitForURL(url);
  const loaded = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.name);
  if (loaded !== url) throw new Error(`expected a page load of ${url}, the document was loaded from ${loaded}`);
  await hydrated(page);
}
