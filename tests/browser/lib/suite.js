// The checks every site goes through, registered as node:test tests:
// axe-core on every page (every page type also in dark mode), html-validate on every
// HTML file, a full link/asset/fragment crawl that must reach every page, and no
// horizontal overflow at 375 px on any page. A site in several languages has a 404 page
// per language (`en/404.html`): page types named `404` or ending in ` 404` are missing
// URLs, answered with one of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStaticServer } from './server.js';
import fs from 'node:fs/promises';
import { buildSite, listFiles, tempDir, urlOfFile, ARTIFACTS } from './site.js';
import { launch, openPage, pagePool } from './browser.js';
import {
  axe,
  formatViolations,
  validateHtml,
  formatHtmlProblems,
  crawl,
  formatBroken,
  checkFragmentsOffline,
  overflow,
} from './checks.js';

/** A page type that is a missing URL, answered with a 404 page: `404`, `en 404`. */
const isNotFound = (type) => /(^|\s)404$/.test(type ?? '');
/** A built 404 page, of the site (`404.html`) or of one language (`en/404.html`). */
const isNotFoundFile = (rel) => rel === '404.html' || rel.endsWith('/404.html');

/**
 * Build a site (from the folder `prepare(tmpDir)` returns) for a sub-path base URL, serve
 * it on 127.0.0.1 with a random port, and launch Chromium. Registers before/after hooks;
 * the returned object is filled in before the first test: {base, out, files, htmlFiles, browser}.
 */
export function useBuiltSite(name, prepare, setup = async () => {}) {
  const ctx = {};
  let tmp, server;
  before(async () => {
    server = await startStaticServer();
    tmp = await tempDir(name.replace(/\W+/g, '-'));
    const root = await prepare(tmp.dir);
    ctx.out = path.join(tmp.dir, 'public');
    await buildSite({ root, out: ctx.out, baseUrl: server.base });
    server.setRoot(ctx.out);
    ctx.base = server.base;
    ctx.files = await listFiles(ctx.out);
    ctx.htmlFiles = ctx.files.filter((f) => f.endsWith('.html'));
    ctx.browser = await launch();
    // One hook only: Node 20 runs several root-level before() hooks concurrently.
    await setup(ctx);
  });
  after(async () => {
    await ctx.browser?.close();
    await server?.close();
    await tmp?.cleanup();
  });
  return ctx;
}

/**
 * @param {object} o
 * @param {string} o.name          label for the tests
 * @param {(tmpDir: string) => Promise<string>} o.prepare  returns the site's root folder (called in before(), with a temporary folder to use)
 * @param {Record<string,string> | ((htmlFiles: string[]) => Record<string,string>)} o.pageTypes
 *        page type → path below the base URL (or a function of the built HTML files)
 * @param {Array<{tool: 'axe'|'html-validate', rule: string, match?: RegExp, why: string}>} [o.knownIssues]
 *        problems whose cause is outside the theme (in oogst's Rust code) and is reported
 *        to its developers: each is split off into a `todo` test that shows whether it
 *        still occurs without failing the run; `match` is tried on the element's HTML and
 *        selector. Every other problem fails as usual.
 * @param {boolean} [o.everyPage]  axe and overflow on every page (true) or on the page types only
 * @param {{prefix: string, types: string[]}} [o.screenshots]  full-page screenshots of these
 *        page types at 375 and 1280 px, saved as artifacts/browser/<prefix>-<type>-<width>.png
 */
export function siteSuite({ name, prepare, pageTypes: types, knownIssues = [], everyPage = true, screenshots = null }) {
  const known = knownIssues.map((issue) => ({ ...issue, seen: [] }));
  const knownFor = (tool, rule, ...texts) =>
    known.find((k) => k.tool === tool && k.rule === rule && (!k.match || texts.some((t) => k.match.test(t))));
  let pageTypes = types;
  const ctx = useBuiltSite(name, prepare, async (ctx) => {
    if (typeof types === 'function') pageTypes = types(ctx.htmlFiles);
    ctx.pageTypes = pageTypes;
    ctx.light = await pagePool(ctx.browser, 2, { width: 1280 });
    ctx.dark = await pagePool(ctx.browser, 1, { width: 1280, colorScheme: 'dark' });
    ctx.narrow = await pagePool(ctx.browser, 2, { width: 375, height: 700 });
  });

  const typeOf = (url) => Object.entries(pageTypes).find(([, p]) => ctx.base + p === url)?.[0];

  // Every page of the build (404.html at a missing URL), each labelled with its type if it
  // has one; or only one page of each type.
  const allPages = () => {
    if (!everyPage) return Object.values(pageTypes).map((p) => ctx.base + p);
    const urls = ctx.htmlFiles.filter((f) => !isNotFoundFile(f)).map((f) => urlOfFile(f, ctx.base));
    for (const p of Object.values(pageTypes)) if (!urls.includes(ctx.base + p)) urls.push(ctx.base + p);
    return urls;
  };

  async function load(page, url) {
    const response = await page.goto(url, { waitUntil: 'load' });
    const expected = isNotFound(typeOf(url)) ? 404 : 200;
    assert.equal(response.status(), expected, `${url} answered ${response.status()}`);
    return response;
  }

  test(`${name}: the page types exist`, () => {
    for (const [type, p] of Object.entries(pageTypes)) {
      if (isNotFound(type)) continue;
      const rel = p === '' ? 'index.html' : p.endsWith('/') ? `${p}index.html` : p;
      assert.ok(ctx.htmlFiles.includes(rel), `no ${type} page: ${rel} is not in the build`);
    }
    assert.ok(ctx.htmlFiles.includes('404.html'), 'no 404.html in the build');
  });

  test(`${name}: axe-core finds no WCAG 2.2 AA violations on ${everyPage ? 'any page' : 'any page type'} (light and dark)`, async (t) => {
    const failures = [];
    const jobs = allPages().map((url) => ({ url, pool: ctx.light, scheme: 'light' }));
    for (const p of Object.values(pageTypes)) jobs.push({ url: ctx.base + p, pool: ctx.dark, scheme: 'dark' });
    await Promise.all(
      jobs.map(({ url, pool, scheme }) =>
        pool.use(async (page) => {
          await load(page, url);
          const label = `${typeOf(url) ?? 'page'} ${url.slice(ctx.base.length - 1)} (${scheme})`;
          const violations = [];
          for (const v of await axe(page)) {
            const nodes = v.nodes.filter((n) => {
              const issue = knownFor('axe', v.id, n.html, n.target);
              if (issue) issue.seen.push(`${label}: ${v.id} at ${n.target}: ${n.html}`);
              return !issue;
            });
            if (nodes.length) violations.push({ ...v, nodes });
          }
          if (violations.length) failures.push(formatViolations(label, violations));
          // Failed requests (a missing stylesheet or image) and script errors on the page.
          if (page.problems.length) failures.push(`${label}: ${page.problems.join('; ')}`);
        }),
      ),
    );
    t.diagnostic(`axe: ${jobs.length} page loads checked`);
    assert.equal(failures.length, 0, `axe violations and page errors:\n${failures.join('\n')}`);
  });

  test(`${name}: every HTML file passes html-validate (recommended)`, async (t) => {
    const problems = (await validateHtml(ctx.out, ctx.htmlFiles)).filter((p) => {
      const issue = knownFor('html-validate', p.ruleId, p.selector);
      if (issue) issue.seen.push(`${p.file}:${p.line}:${p.column}: ${p.ruleId}: ${p.message} at ${p.selector}`);
      return !issue;
    });
    t.diagnostic(`html-validate: ${ctx.htmlFiles.length} files`);
    assert.equal(problems.length, 0, `html-validate: ${formatHtmlProblems(problems)}`);
  });

  test(`${name}: links, assets and fragments all resolve, and every page is reachable from home`, async (t) => {
    const home = await crawl(ctx.base);
    const broken = [...home.broken];
    // A crawl from a missing URL starts at a 404 by design: only its page's links count.
    const missing = Object.entries(pageTypes).filter(([type]) => isNotFound(type));
    for (const [type, p] of missing) {
      const fromMissing = await crawl(ctx.base + p);
      const start = (l) => l.url === ctx.base + p && l.status === 404;
      assert.ok(fromMissing.checked.length > 0, `the ${type} page at ${p} links to nothing that was checked`);
      broken.push(...fromMissing.broken.filter((l) => !start(l)));
    }
    assert.equal(broken.length, 0, `broken links:\n${formatBroken(broken)}`);

    const expected = ctx.htmlFiles.filter((f) => !isNotFoundFile(f)).map((f) => urlOfFile(f, ctx.base));
    const unreached = expected.filter((u) => !home.pages.has(u));
    assert.deepEqual(unreached, [], `pages not reachable by links from the home page:\n${unreached.join('\n')}`);
    const assets = ctx.files.filter((f) => !f.endsWith('.html')).map((f) => ctx.base + f);
    const checkedUrls = new Set(home.checked.map((l) => l.url));
    const unusedAssets = assets.filter((u) => !checkedUrls.has(u));
    if (unusedAssets.length) t.diagnostic(`files no page links to: ${unusedAssets.join(', ')}`);

    const fragments = await checkFragmentsOffline(ctx.out, ctx.htmlFiles, ctx.base);
    assert.deepEqual(fragments.missing, [], `fragment links to missing ids:\n${fragments.missing.join('\n')}`);
    t.diagnostic(
      `links: ${home.checked.length} distinct URLs OK from home (${expected.length - unreached.length} of ${expected.length} pages reached), ` +
        `${home.skipped.length} external skipped, ${missing.length} 404 pages crawled, ${fragments.count} fragment links verified`,
    );
  });

  test(`${name}: no horizontal overflow at 375 px on ${everyPage ? 'any page' : 'any page type'}`, async () => {
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

  if (screenshots) {
    test(`${name}: full-page screenshots at 375 and 1280 px`, async (t) => {
      await fs.mkdir(ARTIFACTS, { recursive: true });
      for (const width of [375, 1280]) {
        const page = await openPage(ctx.browser, { width, height: width === 375 ? 740 : 900 });
        for (const type of screenshots.types) {
          await load(page, ctx.base + pageTypes[type]);
          await page.screenshot({ path: path.join(ARTIFACTS, `${screenshots.prefix}-${type}-${width}.png`), fullPage: true });
        }
        await page.context().close();
      }
      t.diagnostic(`artifacts/browser/${screenshots.prefix}-*.png`);
    });
  }

  // Known problems outside the theme: reported, not failed (node:test `todo`).
  for (const issue of known) {
    test(`${name}: known issue (${issue.tool} ${issue.rule}): ${issue.why}`, { todo: 'needs a change in oogst (Rust)' }, (t) => {
      if (!issue.seen.length) t.diagnostic('no longer occurs: remove it from knownIssues so it is checked again');
      assert.equal(issue.seen.length, 0, `still occurs ${issue.seen.length}×:\n${issue.seen.slice(0, 8).join('\n')}`);
    });
  }

  return ctx;
}
