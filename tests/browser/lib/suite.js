// The checks every site goes through, registered as node:test tests:
// axe-core on every page (every page type also in dark mode), html-validate on every
// HTML file, a full link/asset/fragment crawl that must reach every page, and no
// horizontal overflow at 375 px on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStaticServer } from './server.js';
import { buildSite, listFiles, tempDir, urlOfFile } from './site.js';
import { launch, pagePool } from './browser.js';
import {
  axe,
  formatViolations,
  validateHtml,
  crawl,
  formatBroken,
  checkFragmentsOffline,
  overflow,
} from './checks.js';

/**
 * @param {object} o
 * @param {string} o.name          label for the tests
 * @param {() => Promise<string>} o.prepare  returns the site's root folder (called in before())
 * @param {Record<string,string>} o.pageTypes  page type → path below the base URL
 * @param {(ctx) => void} [o.extra]  registers more tests; gets {base, out, files, pool}
 */
export function siteSuite({ name, prepare, pageTypes, extra }) {
  const ctx = {};
  let tmp, server, browser;

  before(async () => {
    server = await startStaticServer();
    tmp = await tempDir(name);
    const root = await prepare(tmp.dir);
    ctx.out = path.join(tmp.dir, 'public');
    await buildSite({ root, out: ctx.out, baseUrl: server.base });
    server.setRoot(ctx.out);
    ctx.base = server.base;
    ctx.files = await listFiles(ctx.out);
    ctx.htmlFiles = ctx.files.filter((f) => f.endsWith('.html'));
    browser = await launch();
    ctx.browser = browser;
    ctx.light = await pagePool(browser, 2, { width: 1280 });
    ctx.dark = await pagePool(browser, 1, { width: 1280, colorScheme: 'dark' });
    ctx.narrow = await pagePool(browser, 2, { width: 375, height: 700 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await tmp?.cleanup();
  });

  const typeOf = (url) => Object.entries(pageTypes).find(([, p]) => ctx.base + p === url)?.[0];

  // Every page of the build (404.html at a missing URL), each labelled with its type if it has one.
  const allPages = () => {
    const urls = ctx.htmlFiles.filter((f) => f !== '404.html').map((f) => urlOfFile(f, ctx.base));
    for (const p of Object.values(pageTypes)) if (!urls.includes(ctx.base + p)) urls.push(ctx.base + p);
    return urls;
  };

  async function load(page, url) {
    const response = await page.goto(url, { waitUntil: 'load' });
    const expected = typeOf(url) === '404' ? 404 : 200;
    assert.equal(response.status(), expected, `${url} answered ${response.status()}`);
    return response;
  }

  test(`${name}: the page types exist`, () => {
    for (const [type, p] of Object.entries(pageTypes)) {
      if (type === '404') continue;
      const rel = p === '' ? 'index.html' : p.endsWith('/') ? `${p}index.html` : p;
      assert.ok(ctx.htmlFiles.includes(rel), `no ${type} page: ${rel} is not in the build`);
    }
    assert.ok(ctx.htmlFiles.includes('404.html'), 'no 404.html in the build');
  });

  test(`${name}: axe-core finds no WCAG 2.2 AA violations on any page (light and dark)`, async (t) => {
    const failures = [];
    const jobs = allPages().map((url) => ({ url, pool: ctx.light, scheme: 'light' }));
    for (const p of Object.values(pageTypes)) jobs.push({ url: ctx.base + p, pool: ctx.dark, scheme: 'dark' });
    await Promise.all(
      jobs.map(({ url, pool, scheme }) =>
        pool.use(async (page) => {
          await load(page, url);
          const violations = await axe(page);
          const label = `${typeOf(url) ?? 'page'} ${url.slice(ctx.base.length - 1)} (${scheme})`;
          if (violations.length) failures.push(formatViolations(label, violations));
        }),
      ),
    );
    t.diagnostic(`axe: ${jobs.length} page loads checked`);
    assert.equal(failures.length, 0, `axe violations:\n${failures.join('\n')}`);
  });

  test(`${name}: every HTML file passes html-validate (recommended)`, async (t) => {
    const { problems, rules } = await validateHtml(ctx.out, ctx.htmlFiles);
    t.diagnostic(`html-validate: ${ctx.htmlFiles.length} files`);
    assert.equal(
      problems.length,
      0,
      `html-validate: ${problems.length} problems (${[...rules].map(([r, n]) => `${r} ×${n}`).join(', ')}):\n${problems.join('\n')}`,
    );
  });

  test(`${name}: links, assets and fragments all resolve, and every page is reachable from home`, async (t) => {
    const home = await crawl(ctx.base);
    const fromMissing = await crawl(ctx.base + pageTypes['404']);
    // The crawl from a missing URL starts at a 404 by design: only its links count.
    const missingStart = (l) => l.url === ctx.base + pageTypes['404'] && l.status === 404;
    const broken = [...home.broken, ...fromMissing.broken.filter((l) => !missingStart(l))];
    assert.equal(broken.length, 0, `broken links:\n${formatBroken(broken)}`);

    const expected = ctx.htmlFiles.filter((f) => f !== '404.html').map((f) => urlOfFile(f, ctx.base));
    const unreached = expected.filter((u) => !home.pages.has(u));
    assert.deepEqual(unreached, [], `pages not reachable by links from the home page:\n${unreached.join('\n')}`);
    const assets = ctx.files.filter((f) => !f.endsWith('.html')).map((f) => ctx.base + f);
    const checkedUrls = new Set(home.checked.map((l) => l.url));
    const unusedAssets = assets.filter((u) => !checkedUrls.has(u));
    if (unusedAssets.length) t.diagnostic(`files no page links to: ${unusedAssets.join(', ')}`);

    const fragments = await checkFragmentsOffline(ctx.out, ctx.htmlFiles, ctx.base);
    assert.deepEqual(fragments.missing, [], `fragment links to missing ids:\n${fragments.missing.join('\n')}`);
    t.diagnostic(
      `links: ${home.checked.length} URLs OK from home (${home.pages.size} pages crawled of ${expected.length}), ` +
        `${home.skipped.length} external skipped, ${fragments.count} fragment links verified`,
    );
    ctx.linkCounts = { ok: home.checked.length, pages: home.pages.size, fragments: fragments.count };
  });

  test(`${name}: no horizontal overflow at 375 px on any page`, async () => {
    const failures = [];
    await Promise.all(
      allPages().map((url) =>
        ctx.narrow.use(async (page) => {
          await load(page, url);
          const { scrollWidth, offenders } = await overflow(page, 375);
          if (scrollWidth > 375) failures.push(`${typeOf(url) ?? 'page'} ${url}: scrollWidth ${scrollWidth}\n    ${offenders.join('\n    ')}`);
        }),
      ),
    );
    assert.deepEqual(failures, [], `horizontal overflow at 375 px:\n${failures.join('\n')}`);
  });

  extra?.(ctx);
}
