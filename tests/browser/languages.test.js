// The shipped harvest in two languages, as a reader switches between them: the language
// switch by keyboard leads to the same page in the other language and back; every page's
// hreflang alternates and switch name the same pages, in pairs; each language has its own
// 404 page; the English search page finds a word by its English stem and leads to English
// pages; every English page says it is a translation and links to the Dutch original, and
// fits a phone with the switch in its header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { useBuiltSite } from './lib/suite.js';
import { REPO, ARTIFACTS, urlOfFile } from './lib/site.js';
import { openPage, pagePool } from './lib/browser.js';
import { axe, formatViolations, overflow } from './lib/checks.js';
import { ENGLISH_HARVEST_PAGES as EN, DUTCH_PAGES as NL } from './lib/pages.js';

const site = useBuiltSite('languages', async () => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  return REPO;
});

const noProblems = (page) => assert.deepEqual(page.problems, [], page.problems.join('\n'));
/** The built pages of one language: `nl` at the root, `en` under `en/`; 404 pages too. */
const pagesIn = (language) =>
  site.htmlFiles.filter((f) => f.startsWith('en/') === (language === 'en')).map((f) => urlOfFile(f, site.base));

/** What a page says about its languages: `<html lang>`, canonical, alternates, the switch. */
const languagesOf = (page) =>
  page.evaluate(() => ({
    lang: document.documentElement.lang,
    canonical: document.querySelector('link[rel="canonical"]')?.href ?? null,
    alternates: [...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => [l.hreflang, l.href]),
    switch: [...document.querySelectorAll('.site-header nav.language-switch a')].map((a) => ({
      lang: a.lang,
      hreflang: a.getAttribute('hreflang'),
      href: a.href,
      current: a.getAttribute('aria-current'),
      text: a.textContent.trim(),
    })),
    label: document.querySelector('nav.language-switch')?.getAttribute('aria-label') ?? null,
  }));

/** Tab until `selector` has the focus (at most 60 times); each stop must show a focus ring. */
async function tabTo(page, selector) {
  const stops = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate((selector) => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return {
        html: el.outerHTML.slice(0, 160),
        there: el.matches(selector),
        ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none'),
      };
    }, selector);
    stops.push(focus.html);
    if (focus.there) {
      assert.ok(focus.ring, `no visible focus indicator on ${focus.html}`);
      return stops.length;
    }
  }
  assert.fail(`Tab never reached ${selector}; focused:\n${stops.join('\n')}`);
}

test('languages: Tab and Enter on the switch open the same conclusion in English, and its switch leads back', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  const dutch = site.base + NL.conclusion;
  const english = site.base + EN['en conclusion'];
  await page.goto(dutch, { waitUntil: 'load' });
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  const dutchTitle = await page.textContent('main h1');

  await tabTo(page, '.language-switch a[hreflang="en"]');
  await Promise.all([page.waitForURL(english), page.keyboard.press('Enter')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getAttribute('body', 'class'), 'kind-conclusion', 'the conclusion, not the home page');
  assert.equal(await page.textContent('main h1'), 'The CoP as a place to learn');
  const there = await languagesOf(page);
  assert.equal(there.label, 'Language');
  assert.deepEqual(
    there.switch,
    [
      { lang: 'nl', hreflang: 'nl', href: dutch, current: null, text: 'Nederlands' },
      { lang: 'en', hreflang: null, href: english, current: 'true', text: 'English' },
    ],
    'the English page marks itself current and links to the Dutch one',
  );

  await tabTo(page, '.language-switch a[hreflang="nl"]');
  await Promise.all([page.waitForURL(dutch), page.keyboard.press('Enter')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  assert.equal(await page.textContent('main h1'), dutchTitle);
  noProblems(page);
  await page.context().close();
});

test('languages: every page names itself and its other-language page in pairs (canonical, hreflang, x-default, switch)', async (t) => {
  const pool = await pagePool(site.browser, 2, { width: 1280 });
  const seen = new Map();
  const urls = [...pagesIn('nl'), ...pagesIn('en')];
  await Promise.all(
    urls.map((url) =>
      pool.use(async (page) => {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        seen.set(url, await languagesOf(page));
      }),
    ),
  );
  const failures = [];
  for (const url of urls) {
    const own = url.startsWith(site.base + 'en/') ? 'en' : 'nl';
    const other = own === 'en' ? 'nl' : 'en';
    const p = seen.get(url);
    const where = url.slice(site.base.length - 1);
    const alt = Object.fromEntries(p.alternates);
    if (p.lang !== own) failures.push(`${where}: <html lang="${p.lang}">, expected ${own}`);
    if (p.alternates.length !== 3 || !alt.nl || !alt.en || !alt['x-default']) {
      failures.push(`${where}: alternates ${JSON.stringify(p.alternates)}, expected one each of nl, en and x-default`);
      continue;
    }
    if (p.canonical !== url) failures.push(`${where}: canonical ${p.canonical}`);
    if (alt[own] !== url) failures.push(`${where}: its own ${own} alternate is ${alt[own]}`);
    if (alt['x-default'] !== alt.nl) failures.push(`${where}: x-default ${alt['x-default']} is not the Dutch page ${alt.nl}`);
    // The other language's page exists and names this one as its alternate.
    const pair = seen.get(alt[other]);
    if (!pair) failures.push(`${where}: its ${other} alternate ${alt[other]} is not a built page`);
    else if (Object.fromEntries(pair.alternates)[own] !== url || pair.canonical !== alt[other]) {
      failures.push(`${where}: ${alt[other]} does not name it back (${JSON.stringify(pair.alternates)}, canonical ${pair.canonical})`);
    }
    // The switch links to the same pages as the alternates, itself marked current.
    const links = Object.fromEntries(p.switch.map((l) => [l.lang, l]));
    if (p.switch.length !== 2 || links[own]?.href !== url || links[own]?.current !== 'true' || links[other]?.href !== alt[other] || links[other]?.hreflang !== other || links[other]?.current !== null) {
      failures.push(`${where}: switch ${JSON.stringify(p.switch)}`);
    }
  }
  t.diagnostic(`${urls.length} pages (${pagesIn('nl').length} nl, ${pagesIn('en').length} en) checked in pairs`);
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.equal(pagesIn('nl').length, pagesIn('en').length, 'every Dutch page has its English one');
});

test('languages: a missing page answers the 404 page of its language', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  for (const [url, lang, home] of [
    [site.base + NL[404], 'nl', site.base],
    [site.base + EN['en 404'], 'en', site.base + EN['en home']],
  ]) {
    const response = await page.goto(url, { waitUntil: 'load' });
    assert.equal(response.status(), 404, url);
    assert.equal(await page.getAttribute('html', 'lang'), lang, url);
    const homeLink = await page.$eval('.site-title a', (a) => a.href);
    assert.equal(homeLink, home, `the 404 page at ${url} leads to the home page of its language`);
  }
  noProblems(page);
  await page.context().close();
});

test('languages: the English search page finds "coaches" by its stem in "coaching", with results in English', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(`${site.base}${EN['en search']}?q=coaches`, { waitUntil: 'load' });
  await page.waitForSelector('#search-results .search-result', { timeout: 10_000 });
  assert.match(await page.textContent('#search-status'), /^\d+ results?$/);
  const links = await page.$$eval('#search-results .search-result-link', (els) => els.map((e) => e.getAttribute('href')));
  assert.equal(links[0], '/oogst/en/recommendations/add-personal-coaching/', `the recommendation first: ${links}`);
  for (const href of links) assert.match(href, /^\/oogst\/en\/(themes|conclusions|recommendations)\/[^/]+\/$/, href);
  // No text says "coaches": what is marked is the word with the same stem.
  const marks = await page.$$eval('#search-results mark', (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.length > 0 && marks.every((m) => m === 'coaching'), `marked: ${marks}`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations('English search page with results', violations));

  // The header box of an English page searches the English index and leads to the English search page.
  await page.goto(site.base + EN['en home'], { waitUntil: 'load' });
  assert.equal(await page.getAttribute('form.site-search', 'action'), '/oogst/en/search/');
  await page.focus('#site-search-q');
  await page.keyboard.type('coaches', { delay: 20 });
  await page.waitForSelector('.site-search .search-panel:not([hidden]) .search-result-link', { timeout: 10_000 });
  const panel = await page.$$eval('.search-panel .search-result-link', (els) => els.map((e) => e.getAttribute('href')));
  assert.equal(panel[0], '/oogst/en/recommendations/add-personal-coaching/');
  for (const href of panel) assert.match(href, /^\/oogst\/en\//, href);
  noProblems(page);
  await page.context().close();
});

test('languages: every English page of an item says it is a translation and links to its Dutch original', async (t) => {
  const pool = await pagePool(site.browser, 2, { width: 1280 });
  const items = site.htmlFiles.filter((f) => /^en\/(themes|conclusions|recommendations)\/[^/]+\/index\.html$/.test(f) || f === 'en/about/index.html');
  assert.ok(items.length >= 16, `the English item pages: ${items}`);
  const failures = [];
  await Promise.all(
    items.map((file) =>
      pool.use(async (page) => {
        const url = urlOfFile(file, site.base);
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        const found = await page.evaluate(() => {
          const notices = [...document.querySelectorAll('.translation-notice')];
          const link = notices[0]?.querySelector('a');
          return {
            count: notices.length,
            inMain: notices.every((n) => n.closest('main')),
            beforeTitle: notices[0] ? !!(notices[0].compareDocumentPosition(document.querySelector('main h1')) & Node.DOCUMENT_POSITION_FOLLOWING) : false,
            text: notices[0]?.textContent.trim(),
            href: link?.href,
            hreflang: link?.getAttribute('hreflang'),
            lang: link?.lang,
            original: document.querySelector('link[rel="alternate"][hreflang="nl"]').href,
            titleLang: document.querySelector('main h1').closest('[lang]').lang,
          };
        });
        const where = url.slice(site.base.length - 1);
        if (found.count !== 1 || !found.inMain || !found.beforeTitle) failures.push(`${where}: ${found.count} notices, in main: ${found.inMain}, before the title: ${found.beforeTitle}`);
        else if (!/^This page is a translation\. The original: Nederlands$/.test(found.text)) failures.push(`${where}: notice says "${found.text}"`);
        else if (found.href !== found.original || found.hreflang !== 'nl' || found.lang !== 'nl') failures.push(`${where}: notice links to ${found.href} (hreflang ${found.hreflang}, lang ${found.lang}), the original is ${found.original}`);
        if (found.titleLang !== 'en') failures.push(`${where}: a translated title in lang ${found.titleLang}`);
      }),
    ),
  );
  t.diagnostic(`${items.length} English item pages`);
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('languages: English pages fit 375 px with the switch in the header, the notice and its link on screen', async (t) => {
  const page = await openPage(site.browser, { width: 375, height: 740 });
  const failures = [];
  for (const type of ['en home', 'en conclusion', 'en recommendation', 'en matrix', 'en search']) {
    await page.goto(site.base + EN[type], { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    const { scrollWidth, offenders } = await overflow(page, 375);
    if (scrollWidth > 375) failures.push(`${type}: scrollWidth ${scrollWidth}\n    ${offenders.join('\n    ')}`);
    const boxes = await page.evaluate(() => {
      const box = (el) => {
        if (!el) return null;
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        return { left: r.left, right: r.right, width: r.width, height: r.height, shown: cs.visibility !== 'hidden' && cs.display !== 'none' };
      };
      return {
        inHeader: !!document.querySelector('.site-header nav.language-switch'),
        links: [...document.querySelectorAll('nav.language-switch a')].map(box),
        notice: box(document.querySelector('.translation-notice a')),
      };
    });
    if (!boxes.inHeader) failures.push(`${type}: no language switch in the header`);
    // Generated pages (the matrix, search) have no text of their own to be a translation of.
    const hasText = !['en matrix', 'en search'].includes(type);
    for (const b of [...boxes.links, ...(hasText ? [boxes.notice] : [])]) {
      if (!b || !b.shown || b.width === 0 || b.left < 0 || b.right > 375) failures.push(`${type}: a switch or notice link off screen: ${JSON.stringify(b)}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, `harvest-${type.replace(' ', '-')}-375.png`), fullPage: false });
    if (page.problems.length) failures.push(`${type}: ${page.problems.join('; ')}`);
    page.problems.length = 0;
  }
  t.diagnostic(`screenshots in ${path.relative(REPO, ARTIFACTS)}/harvest-en-*-375.png`);
  await page.context().close();
  assert.deepEqual(failures, [], failures.join('\n'));
});
