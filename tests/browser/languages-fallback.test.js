// The shipped harvest with some English translations taken away (the home page's, a
// section intro's, a theme's, a recommendation's and a page's): the English site still has
// every page, the ones left in Dutch say so and link to the original, and every text of the
// Dutch original shown on an English page, wherever it is shown (lists, breadcrumbs, the
// menu, the matrix, the print edition, next/previous links), is marked `lang="nl"`, so a
// screen reader reads it in Dutch (WCAG 3.1.2). axe, html-validate and the link crawl as
// for every site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { siteSuite } from './lib/suite.js';
import { REPO, copySiteSources, urlOfFile } from './lib/site.js';
import { pagePool } from './lib/browser.js';

// The translation taken away → its source, the Dutch page and the English page left in Dutch.
const MISSING = [
  { file: 'content/_index.en.md', source: 'content/_index.md', nl: '', en: 'en/' },
  { file: 'content/conclusions/_index.en.md', source: 'content/conclusions/_index.md', nl: 'conclusies/', en: 'en/conclusions/' },
  { file: 'content/themes/instrumenten.en.md', source: 'content/themes/instrumenten.md', nl: 'themas/instrumenten/', en: 'en/themes/instrumenten/' },
  {
    file: 'content/recommendations/04-bredere-groep.en.md',
    source: 'content/recommendations/04-bredere-groep.md',
    nl: 'aanbevelingen/bredere-groep/',
    en: 'en/recommendations/bredere-groep/',
  },
  { file: 'content/over.en.md', source: 'content/over.md', nl: 'over/', en: 'en/over/' },
];

const site = siteSuite({
  name: 'harvest, translations missing',
  prepare: async (dir) => {
    const root = path.join(dir, 'site');
    await copySiteSources(REPO, root);
    for (const { file } of MISSING) await fs.rm(path.join(root, file));
    return root;
  },
  pageTypes: {
    'en home': 'en/',
    'en section': 'en/conclusions/',
    'en theme': 'en/themes/instrumenten/',
    'en recommendation': 'en/recommendations/bredere-groep/',
    'en page': 'en/over/',
    'en neighbour': 'en/recommendations/add-personal-coaching/',
    'en matrix': 'en/matrix/',
    'en print': 'en/print/',
    'en 404': 'en/does-not-exist/',
  },
  everyPage: false,
});

test('harvest, translations missing: a page not translated yet says so and links to its original', async () => {
  const pool = await pagePool(site.browser, 1, { width: 1280 });
  for (const { en, nl } of MISSING) {
    await pool.use(async (page) => {
      await page.goto(site.base + en, { waitUntil: 'load' });
      const notice = await page.$$eval('main .translation-notice', (ps) =>
        ps.map((p) => ({ text: p.textContent.trim(), href: p.querySelector('a')?.getAttribute('href'), lang: p.closest('[lang]').lang })),
      );
      assert.deepEqual(
        notice,
        [{ text: 'This page has not been translated yet: its text is shown in the original language. Nederlands', href: `/oogst/${nl}`, lang: 'en' }],
        `the notice on /${en}`,
      );
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    });
  }
});

/** Front matter's `title` and `summary` of a source file. */
async function frontMatter(file) {
  const text = await fs.readFile(path.join(REPO, file), 'utf8');
  const head = text.split(/^---$/m)[1];
  const field = (key) => head.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'))?.[1].replace(/^"(.*)"$/, '$1');
  return [field('title'), field('summary')].filter(Boolean);
}

test('harvest, translations missing: every Dutch text on an English page is marked lang="nl"', async (t) => {
  const pool = await pagePool(site.browser, 2, { width: 1280 });
  // What the originals say: their titles and summaries, and the sentences of their text.
  const dutch = new Set();
  for (const { source, nl } of MISSING) {
    for (const s of await frontMatter(source)) dutch.add(s);
    await pool.use(async (page) => {
      await page.goto(site.base + nl, { waitUntil: 'domcontentloaded' });
      const texts = await page.$$eval('main .prose', (proses) => {
        const out = [];
        for (const prose of proses) {
          const walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) out.push(walker.currentNode.textContent.trim());
        }
        return out;
      });
      for (const text of texts) if (text.length >= 25) dutch.add(text);
    });
  }
  const english = site.htmlFiles.filter((f) => f.startsWith('en/')).map((f) => urlOfFile(f, site.base));
  const unmarked = [];
  let found = 0;
  await Promise.all(
    english.map((url) =>
      pool.use(async (page) => {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        const hits = await page.evaluate((dutch) => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            const text = node.textContent.trim();
            if (!text || !dutch.some((d) => text.includes(d))) continue;
            const el = node.parentElement;
            out.push({ text: text.slice(0, 80), lang: el.closest('[lang]').lang, html: el.outerHTML.slice(0, 160) });
          }
          return out;
        }, [...dutch]);
        found += hits.length;
        for (const h of hits) if (h.lang !== 'nl') unmarked.push(`${url.slice(site.base.length - 1)}: "${h.text}" in lang ${h.lang}: ${h.html}`);
      }),
    ),
  );
  t.diagnostic(`${dutch.size} Dutch texts, shown ${found} times on ${english.length} English pages`);
  assert.ok(found >= dutch.size, 'each Dutch text is shown somewhere');
  assert.deepEqual(unmarked, [], `Dutch text not marked as Dutch:\n${unmarked.join('\n')}`);
});

test('harvest, translations missing: English search shows a Dutch result marked lang="nl"', async () => {
  const pool = await pagePool(site.browser, 1, { width: 1280 });
  await pool.use(async (page) => {
    // A word of the Dutch recommendation left untranslated, and an English word of a
    // translated one.
    await page.goto(`${site.base}en/search/?q=bredere`, { waitUntil: 'domcontentloaded' });
    const dutch = page.locator('.search-result', { hasText: 'Maak de groep breder' }).first();
    await dutch.waitFor({ timeout: 15000 });
    assert.equal(await dutch.locator('.search-result-title').getAttribute('lang'), 'nl');
    assert.equal(await dutch.locator('.search-result-kind').evaluate((e) => e.closest('[lang]').lang), 'en');
    await page.goto(`${site.base}en/search/?q=coaching`, { waitUntil: 'domcontentloaded' });
    const english = page.locator('.search-result').first();
    await english.waitFor({ timeout: 15000 });
    assert.equal(await english.locator('.search-result-title').getAttribute('lang'), null);
  });
});
