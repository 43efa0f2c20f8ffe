#!/usr/bin/env node
// Follows every internal link of the built site and fails on a miss: each
// href and src in every HTML file of dist/ that points into the site must
// name a file the static host would serve (as scripts/serve.mjs and GitHub
// Pages resolve `/x` to `x`, `x.html` or `x/index.html`), under the base
// path, and a `#fragment` must name an id on that page. A root-relative link
// outside the base path is a miss too: it lost the base path.
//
//   node scripts/check-links.mjs [dist] [base]     base defaults to /
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const base = '/' + (process.argv[3] ?? '/').replace(/^\/+|\/+$/g, '');
const prefix = base === '/' ? '' : base;

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The dist file serving `pathname` (under the base path), or null. */
async function fileFor(pathname) {
  if (!pathname.startsWith(prefix + '/')) return null;
  const rel = decodeURIComponent(pathname.slice(prefix.length));
  const candidates = rel.endsWith('/') ? [rel + 'index.html'] : [rel, rel + '.html', rel + '/index.html'];
  for (const c of candidates) if (await isFile(join(dist, c))) return join(dist, c);
  return null;
}

const ids = new Map();
/** The ids of the HTML file at `path`. */
async function idsOf(path) {
  if (!ids.has(path)) {
    const html = await readFile(path, 'utf8');
    ids.set(path, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  }
  return ids.get(path);
}

const misses = [];
let links = 0;
for await (const path of walk(dist)) {
  if (!path.endsWith('.html')) continue;
  const html = await readFile(path, 'utf8');
  const page = '/' + relative(dist, path).replace(/(index)?\.html$/, '');
  for (const [, attr, value] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
    const raw = value.replaceAll('&amp;', '&');
    if (/^(https?:|mailto:|data:|tel:)/.test(raw) || raw.startsWith('//')) continue;
    links += 1;
    const url = new URL(raw, `http://site${prefix}${page}`);
    const target = raw.startsWith('#') ? path : await fileFor(url.pathname);
    if (!target) {
      misses.push(`${relative(dist, path)}: ${attr}="${value}" names no file`);
      continue;
    }
    const fragment = decodeURIComponent(url.hash.slice(1));
    if (fragment && target.endsWith('.html') && !(await idsOf(target)).has(fragment)) {
      misses.push(`${relative(dist, path)}: ${attr}="${value}" names no id "${fragment}" on ${relative(dist, target)}`);
    }
  }
}
if (misses.length) {
  console.error(`broken links (${misses.length} of ${links}):\n  ${misses.join('\n  ')}`);
  process.exit(1);
}
console.log(`links: ${links} internal links resolve under ${base}`);
