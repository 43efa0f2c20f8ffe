#!/usr/bin/env node
// Serves dist/ on loopback the way GitHub Pages serves a project site: under
// a base path, `/x` from `x.html` or `x/index.html`, 404.html with status 404
// for anything else, gzip for clients that accept it, and cache validators
// (ETag, Last-Modified; 304 for a matching If-None-Match or
// If-Modified-Since). Used by the run command, the end-to-end tests and
// Lighthouse, so they measure what visitors get.
//
//   node scripts/serve.mjs [--dir dist] [--base /] [--port 8080] [--host 127.0.0.1]
//
// Prints "serving <url>" once listening. No dependencies.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.md': 'text/markdown; charset=utf-8',
};

/** Types worth compressing (everything but images already compressed). */
const COMPRESSIBLE = /^(text\/|application\/(json|wasm|xml)|image\/svg)/;

/** Compressed bodies by file, kept while the file is unchanged. */
const gzipped = new Map();

/** Starts the server; resolves to { server, url } once it listens. */
export async function serve({ dir = 'dist', base = '/', port = 0, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  const prefix = '/' + base.replace(/^\/+|\/+$/g, '');
  const basePrefix = prefix === '/' ? '' : prefix;

  async function fileAt(rel) {
    // normalize() removes `..`; the startsWith check keeps us inside root.
    const full = normalize(join(root, rel));
    if (full !== root && !full.startsWith(root + sep)) return null;
    try {
      const s = await stat(full);
      return s.isFile() ? full : null;
    } catch {
      return null;
    }
  }

  async function locate(pathname) {
    if (!pathname.startsWith(basePrefix + '/') && pathname !== basePrefix) return null;
    let rel = decodeURIComponent(pathname.slice(basePrefix.length)) || '/';
    if (rel.endsWith('/')) return fileAt(rel + 'index.html');
    return (await fileAt(rel)) ?? (await fileAt(rel + '.html')) ?? (await fileAt(rel + '/index.html'));
  }

  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://localhost');
      if (basePrefix && pathname === basePrefix) {
        res.writeHead(301, { location: basePrefix + '/' }).end();
        return;
      }
      let file = await locate(pathname);
      let status = 200;
      if (!file) {
        file = await fileAt('404.html');
        status = 404;
      }
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const { mtimeMs, mtime } = await stat(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const gzip = COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      let entry = gzipped.get(file);
      if (!entry || entry.mtimeMs !== mtimeMs) {
        const raw = await readFile(file);
        const tag = createHash('sha1').update(raw).digest('hex').slice(0, 16);
        entry = { mtimeMs, raw, gzip: gzipSync(raw, { level: 9 }), tag };
        gzipped.set(file, entry);
      }
      const etag = `W/"${entry.tag}${gzip ? '-gz' : ''}"`;
      const headers = {
        'content-type': type,
        // Revalidate every time (a rebuild must show at once); the
        // validators make that a 304 when nothing changed.
        'cache-control': 'no-cache',
        etag,
        'last-modified': mtime.toUTCString(),
        vary: 'Accept-Encoding',
      };
      const since = Date.parse(req.headers['if-modified-since'] ?? '');
      const fresh = req.headers['if-none-match']
        ? req.headers['if-none-match'].split(/\s*,\s*/).includes(etag)
        : since >= Math.floor(mtimeMs / 1000) * 1000;
      if (status === 200 && fresh) {
        res.writeHead(304, headers).end();
        return;
      }
      const body = gzip ? entry.gzip : entry.raw;
      if (gzip) headers['content-encoding'] = 'gzip';
      headers['content-length'] = body.length;
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('server error\n');
      console.error(err);
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const { port: actual } = server.address();
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shownHost}:${actual}${basePrefix}/` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: 'dist' },
      base: { type: 'string', default: '/' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const { url } = await serve({ ...values, port: Number(values.port) });
  console.log(`serving ${url}`);
}
