// Search in a real browser, on the shipped Dutch harvest built for a sub-path: the box in the
// site header shows highlighted results as you type (keyboard included), the search page
// finds words by their stem and keeps the query in its address, axe finds nothing wrong with
// the results showing, and without JavaScript the search page explains itself while the
// header box still leads there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBuiltSite } from './lib/suite.js';
import { REPO } from './lib/site.js';
import { openPage } from './lib/browser.js';
import { axe, formatViolations } from './lib/checks.js';

const site = useBuiltSite('search', async () => REPO);

const noProblems = (page) => assert.deepEqual(page.problems, [], page.problems.join('\n'));

test('search: the header box shows highlighted results as you type, reachable by keyboard', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(site.base, { waitUntil: 'load' });
  await page.focus('#site-search-q');
  await page.keyboard.type('competentie', { delay: 20 });
  await page.waitForSelector('.site-search .search-panel:not([hidden]) mark', { timeout: 10_000 });
  const marks = await page.$$eval('.search-panel mark', (els) => els.map((e) => e.textContent));
  assert.ok(marks.length > 0 && marks.every((m) => /^competenties$/i.test(m)), `marked: ${marks}`);
  const status = await page.textContent('.search-panel [role="status"]');
  assert.match(status, /^\d+ resulta(at|ten)$/, status);
  const links = await page.$$eval('.search-panel .search-result-link', (els) => els.map((e) => e.getAttribute('href')));
  assert.ok(links.length >= 1, 'at least one result');
  for (const href of links) assert.match(href, /^\/oogst\/(themas|conclusies|aanbevelingen)\/[^/]+\/$/, href);

  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations('home with search results', violations));

  // Down arrow to the first result, Escape back to the box with the panel closed.
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), links[0]);
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search-q');
  assert.equal(await page.isVisible('.search-panel'), false, 'Escape closes the panel');

  // Following a result leads to its page.
  await page.keyboard.type('s', { delay: 20 });
  await page.waitForSelector('.search-panel:not([hidden]) .search-result-link');
  await Promise.all([page.waitForURL(site.base.replace(/\/oogst\/$/, '') + links[0]), page.click('.search-panel .search-result-link')]);
  noProblems(page);
  await page.context().close();
});

test('search: the search page finds words by their stem and keeps the query in its address', async () => {
  const page = await openPage(site.browser, { width: 375, height: 740 });
  await page.goto(`${site.base}zoeken/?q=aanbeveling`, { waitUntil: 'load' });
  assert.equal(await page.isVisible('#search-note'), false, 'the note is for browsers without JavaScript');
  assert.equal(await page.inputValue('#search-q'), 'aanbeveling');
  await page.waitForSelector('#search-results .search-result', { timeout: 10_000 });
  const status = await page.textContent('#search-status');
  assert.match(status, /^\d+ resulta(at|ten)$/, status);

  // Another form of a word finds it by its stem: "persoonlijk" marks "persoonlijke".
  await page.fill('#search-q', 'persoonlijk ');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'persoonlijk');
  await page.waitForSelector('#search-results mark');
  const marks = await page.$$eval('#search-results mark', (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.includes('persoonlijke'), `"persoonlijk" marks "persoonlijke": ${marks}`);

  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations('search page with results', violations));
  const dark = await openPage(site.browser, { width: 1280, colorScheme: 'dark' });
  await dark.goto(`${site.base}zoeken/?q=persoonlijk`, { waitUntil: 'load' });
  await dark.waitForSelector('#search-results mark');
  const darkViolations = await axe(dark);
  assert.deepEqual(darkViolations, [], formatViolations('search page with results (dark)', darkViolations));
  await dark.context().close();

  await page.fill('#search-q', 'qqqzzz ');
  await page.waitForFunction(() => /qqqzzz/.test(document.getElementById('search-status').textContent));
  assert.equal(await page.$$eval('#search-results li', (els) => els.length), 0);
  noProblems(page);
  await page.context().close();
});

test('search: without JavaScript the header box leads to the search page, which explains itself', async () => {
  const context = await site.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(site.base, { waitUntil: 'load' });
  await page.fill('#site-search-q', 'coaching');
  await Promise.all([page.waitForURL(/\/oogst\/zoeken\/\?q=coaching$/), page.press('#site-search-q', 'Enter')]);
  assert.ok(await page.isVisible('#search-note'), 'the note shows');
  assert.match(await page.textContent('#search-note'), /JavaScript/);
  assert.equal(await page.isVisible('form.search-form'), false, 'no control that cannot work');
  await context.close();
});
