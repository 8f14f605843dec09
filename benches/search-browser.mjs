// The browser half of benches/search.sh: the same 20 queries against oogst's search page and
// against Pagefind 1.5 on the same built site, in headless Chromium, each query in a fresh
// browser context (empty cache). Both show the first 10 results with their excerpts; the
// figures are the bytes of the search engine's requests (script, index, excerpts) until the
// first results show, as sent (gzip for text, as static hosts serve it), and the time from
// navigation to the first results.
//
//   node benches/search-browser.mjs PORT OOGST_SITE PAGEFIND_SITE BUILDS_JSON
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repo, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

const [port, oogstSite, pagefindSite, buildsFile] = process.argv.slice(2);

export const QUERIES = [
  'samenwerking', 'toezicht', 'eigenaarschap', 'opschaling', 'handreiking', 'begroting',
  'capaciteit', 'werkwijze', 'provincie', 'digitaal', 'knelpunt', 'vernieuwing', 'draagvlak',
  'verantwoording', 'toezicht ministerie', 'digitaal signaal', 'regie middelen',
  'kwaliteit rapportage', 'sessie bijeenkomst', 'bewoners wijk',
];
const SHOWN = 10;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.pf_meta': 'application/octet-stream',
};
// Text is sent gzipped, as static hosts do; files that are compressed already are sent as they are.
const COMPRESS = new Set(['.html', '.css', '.js', '.json']);

/** One server for both sites: `/oogst/...` and `/pagefind/...` would clash, so by port offset. */
function serve(root, listenPort) {
  const cache = new Map();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    try {
      const ext = path.extname(file);
      const gzip = COMPRESS.has(ext) && /gzip/.test(req.headers['accept-encoding'] || '');
      const key = `${file} ${gzip}`;
      if (!cache.has(key)) {
        const body = await fs.readFile(file);
        cache.set(key, gzip ? zlib.gzipSync(body, { level: 6 }) : body);
      }
      const body = cache.get(key);
      const headers = { 'content-type': TYPES[ext] || 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-store' };
      if (gzip) headers['content-encoding'] = 'gzip';
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve(server)));
}

// Pagefind's own API, showing what oogst's search page shows: title and excerpt of 10 results.
const PAGEFIND_PAGE = `<!DOCTYPE html><html lang="nl"><meta charset="utf-8"><title>Pagefind</title>
<ol id="results"></ol>
<script type="module">
const q = new URLSearchParams(location.search).get('q');
const pagefind = await import('/pagefind/pagefind.js');
const search = await pagefind.search(q);
const data = await Promise.all(search.results.slice(0, ${SHOWN}).map((r) => r.data()));
const list = document.getElementById('results');
for (const d of data) {
  const li = document.createElement('li');
  li.className = 'search-result';
  li.innerHTML = '<a href="' + d.url + '">' + d.meta.title + '</a><p>' + d.excerpt + '</p>';
  list.append(li);
}
document.body.dataset.total = search.results.length;
</script>`;

async function measure(browser, url, engine) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (request) => {
    if (engine(new URL(request.url()).pathname)) requests.push({ request, at: performance.now() });
  });
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  const firstResults = await (await page.waitForFunction(
    () => document.querySelector('.search-result') && performance.now(),
    null,
    { polling: 'raf', timeout: 60_000 },
  )).jsonValue();
  const shownAt = performance.now();
  let bytes = 0;
  for (const { request, at } of requests) {
    if (at > shownAt) continue;
    const response = await request.response();
    if (!response) continue;
    await response.finished();
    const sizes = await request.sizes();
    bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  }
  const count = await page.locator('.search-result').count();
  await context.close();
  return { ms: firstResults, bytes, requests: requests.filter((r) => r.at <= shownAt).length, shown: count, wall: shownAt - started };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

await fs.writeFile(path.join(pagefindSite, 'pagefind-search.html'), PAGEFIND_PAGE);
const oogstServer = await serve(oogstSite, Number(port));
const pagefindServer = await serve(pagefindSite, 0);
const pagefindBase = `http://127.0.0.1:${pagefindServer.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const engines = {
  oogst: {
    url: (q) => `http://127.0.0.1:${port}/zoeken/?q=${encodeURIComponent(q)}`,
    engine: (p) => p.startsWith('/search-index/') || /^\/search\.[0-9a-f]+\.js$/.test(p),
  },
  pagefind: {
    url: (q) => `${pagefindBase}pagefind-search.html?q=${encodeURIComponent(q)}`,
    engine: (p) => p.startsWith('/pagefind/'),
  },
};
const rows = {};
for (const [name, { url, engine }] of Object.entries(engines)) {
  await measure(browser, url(QUERIES[0]), engine); // warm-up
  rows[name] = [];
  for (const q of QUERIES) rows[name].push({ q, ...(await measure(browser, url(q), engine)) });
}
await browser.close();
oogstServer.close();
pagefindServer.close();

const builds = JSON.parse(await fs.readFile(buildsFile, 'utf8'));
console.log(`\n${QUERIES.length} queries, first ${SHOWN} results with excerpts, each with an empty cache; medians`);
console.log('| | oogst | Pagefind 1.5.2 |');
console.log('| --- | ---: | ---: |');
const kb = (b) => `${(b / 1024).toFixed(1)} kB`;
const line = (label, f) => console.log(`| ${label} | ${f('oogst')} | ${f('pagefind')} |`);
line('bytes fetched until first results', (e) => kb(median(rows[e].map((r) => r.bytes))));
line('requests until first results', (e) => String(median(rows[e].map((r) => r.requests))));
line('time to first results', (e) => `${median(rows[e].map((r) => r.ms)).toFixed(0)} ms`);
line('index build time', (e) => `${builds[e].build_s.toFixed(1)} s (${builds[e].what})`);
line('index build peak memory', (e) => `${builds[e].peak_mib.toFixed(0)} MiB`);
line('total index size', (e) => `${(builds[e].bytes / 1e6).toFixed(1)} MB`);
line('index files', (e) => String(builds[e].files));
console.log('\nper query: bytes (kB) / ms, oogst vs Pagefind');
QUERIES.forEach((q, n) => {
  const [a, b] = [rows.oogst[n], rows.pagefind[n]];
  console.log(`  ${q.padEnd(22)} ${kb(a.bytes).padStart(9)} ${String(a.ms.toFixed(0)).padStart(5)} ms   ${kb(b.bytes).padStart(9)} ${String(b.ms.toFixed(0)).padStart(5)} ms  (${a.shown} / ${b.shown} shown)`);
});
