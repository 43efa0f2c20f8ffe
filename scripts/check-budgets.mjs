#!/usr/bin/env node
// Prints every dist/ file's raw and gzip size and fails when a budget in
// budgets.json is exceeded.
//
//   node scripts/check-budgets.mjs [dist]
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const budgets = JSON.parse(await readFile(new URL('../budgets.json', import.meta.url), 'utf8'));

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

const kb = (n) => (n / 1024).toFixed(1).padStart(8);
const rows = [];
for await (const path of walk(dist)) {
  const raw = await readFile(path);
  rows.push({ file: relative(dist, path), raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length });
}
rows.sort((a, b) => a.file.localeCompare(b.file));

const failures = [];
console.log(`${'file'.padEnd(48)} ${'raw KiB'.padStart(8)} ${'gzip KiB'.padStart(8)}`);
for (const r of rows) {
  const over = extname(r.file) === '.html' && r.gzip > budgets.html_each_gzip;
  if (over) failures.push(`${r.file}: ${r.gzip} B gzip > ${budgets.html_each_gzip} B`);
  console.log(`${r.file.padEnd(48)} ${kb(r.raw)} ${kb(r.gzip)}${over ? '  OVER BUDGET' : ''}`);
}
const sum = (exts) => rows.filter((r) => exts.includes(extname(r.file))).reduce((s, r) => s + r.gzip, 0);
const byFile = new Map(rows.map((r) => [r.file, r]));

// What each page loads: the JS and wasm files its HTML names (module script,
// modulepreload, wasm preload), summed once each. Pages of one bundle load
// the same files, so they are reported by bundle: a file is `<bundle>.js` or
// `<bundle>-<hash>.js` (and its `_bg.wasm`), with an optional `?v=` query.
const scriptsOf = (html) =>
  [...new Set([...html.matchAll(/[\w./-]+?\.(?:js|wasm)\b/g)].map((m) => m[0].split('/').at(-1)))]
    .filter((name) => byFile.has(name))
    .sort();
const bundleOf = (file) => file.replace(/(?:-[0-9a-f]+)?(?:_bg\.wasm|\.js)$/, '');
// A module a page fetches on first use sits in a <script data-on-demand>:
// it is not part of what the page loads at start, and has its own budget.
const ON_DEMAND = /<script[^>]*\sdata-on-demand="([\w-]+)"[^>]*>([\s\S]*?)<\/script>/g;
const bundles = new Map();
const onDemand = new Map();
for (const r of rows.filter((r) => extname(r.file) === '.html')) {
  const html = await readFile(join(dist, r.file), 'utf8');
  for (const [, name, script] of html.matchAll(ON_DEMAND)) onDemand.set(name, scriptsOf(script));
  const files = scriptsOf(html.replace(ON_DEMAND, ''));
  const key = files.join(' + ') || '(no scripts)';
  if (!bundles.has(key)) bundles.set(key, { files, pages: [] });
  bundles.get(key).pages.push(r.file);
}
const limits = budgets.js_and_wasm_per_page_gzip;
for (const { files, pages } of bundles.values()) {
  const size = files.reduce((s, f) => s + byFile.get(f).gzip, 0);
  const names = [...new Set(files.map(bundleOf))];
  const label = `${names.join(' + ') || '(no scripts)'}: ${pages.length} page(s), e.g. ${pages[0]}`;
  // A page loads exactly one bundle, and every bundle has a budget.
  if (names.length !== 1 || !(names[0] in limits)) {
    failures.push(`${label}: loads ${files.join(', ') || 'no bundle'}, not one bundle of budgets.json`);
    console.log(`${label.padEnd(57)} ${kb(size)}  NOT ONE KNOWN BUNDLE`);
    continue;
  }
  const limit = limits[names[0]];
  const over = size > limit;
  if (over) failures.push(`${label}: ${size} B gzip > ${limit} B`);
  console.log(`${label.padEnd(57)} ${kb(size)}  (budget ${kb(limit).trim()} KiB)${over ? '  OVER BUDGET' : ''}`);
}
for (const [name, files] of onDemand) {
  const size = files.reduce((s, f) => s + byFile.get(f).gzip, 0);
  const limit = budgets.on_demand_gzip?.[name];
  const label = `${name} (fetched on first use)`;
  if (limit === undefined) failures.push(`${label}: no budget in budgets.json on_demand_gzip`);
  const over = limit !== undefined && size > limit;
  if (over) failures.push(`${label}: ${size} B gzip > ${limit} B`);
  console.log(`${label.padEnd(57)} ${kb(size)}  (budget ${limit === undefined ? 'none' : kb(limit).trim() + ' KiB'})${over ? '  OVER BUDGET' : ''}`);
}
console.log(`all JS + wasm, every bundle (not a budget)${' '.repeat(15)}${kb(sum(['.js', '.mjs', '.wasm']))}`);
const totals = [['CSS', sum(['.css']), budgets.css_total_gzip]];
for (const [name, size, budget] of totals) {
  const over = size > budget;
  if (over) failures.push(`${name}: ${size} B gzip > ${budget} B`);
  console.log(`total ${name.padEnd(42)} ${' '.repeat(8)} ${kb(size)}  (budget ${kb(budget).trim()} KiB)${over ? '  OVER BUDGET' : ''}`);
}
if (rows.length === 0) failures.push(`${dist} is empty`);
if (failures.length) {
  console.error(`size budget exceeded:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`budgets: ${rows.length} files within budget`);
