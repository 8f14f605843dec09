// Search on a harvest with long pages (fixtures/long-pages): a result shows the words around
// the match and links to the headings under which the words stand, and such a link leads to
// that heading on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useBuiltSite } from './lib/suite.js';
import { openPage } from './lib/browser.js';
import { axe, formatViolations } from './lib/checks.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const site = useBuiltSite('search-long-pages', async () => path.join(here, 'fixtures', 'long-pages'));

test('search: sub-results link to the headings under which the words stand', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(`${site.base}zoeken/?q=subsidieregeling`, { waitUntil: 'load' });
  await page.waitForSelector('#search-results .search-sub-link', { timeout: 10_000 });
  const subs = await page.$$eval('#search-results .search-sub-link', (els) => els.map((e) => [e.getAttribute('href'), e.textContent]));
  assert.deepEqual(
    subs.map(([href]) => href).sort(),
    ['/oogst/conclusies/lang-traject/#evaluatie', '/oogst/conclusies/lang-traject/#financiering'],
    `the two headings the word stands under: ${JSON.stringify(subs)}`,
  );
  const excerpt = await page.textContent('#search-results .search-result > .search-result-excerpt');
  assert.match(excerpt, /subsidieregeling/i);
  assert.ok(excerpt.length < 400, `an excerpt, not the whole text: ${excerpt.length} characters`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations('search page with sub-results', violations));

  await Promise.all([page.waitForURL(/#evaluatie$/), page.click('.search-sub-link[href$="#evaluatie"]')]);
  assert.ok(await page.locator('#evaluatie').isVisible(), 'the heading is there');
  assert.deepEqual(page.problems, [], page.problems.join('\n'));
  await page.context().close();
});
