// Search in a real browser, on the shipped Dutch harvest built for a sub-path: a page loads
// no script until the search box is focused; the box in the site header shows highlighted
// results as you type (keyboard included); the search page finds words by their stem, a
// word with a typo by the word one edit away, narrows by kind and theme, and keeps all of it
// in its address (back button included); axe finds nothing wrong with the results showing;
// without JavaScript the search page explains itself while the header box still leads there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBuiltSite } from './lib/suite.js';
import { REPO } from './lib/site.js';
import { openPage } from './lib/browser.js';
import { axe, formatViolations } from './lib/checks.js';

const site = useBuiltSite('search', async () => REPO);

const noProblems = (page) => assert.deepEqual(page.problems, [], page.problems.join('\n'));

test('search: a page without search loads no script; focusing the box loads it', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  const scripts = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  for (const path of ['', 'conclusies/cop-als-leerplek/', 'aanbevelingen/']) {
    await page.goto(site.base + path, { waitUntil: 'load' });
    assert.equal(await page.locator('script').count(), 0, `no script element on /${path}`);
  }
  assert.deepEqual(scripts, [], 'no script requested on loading a page');
  await page.focus('#site-search-q');
  await page.waitForFunction(() => globalThis.oogstSearch !== undefined);
  assert.equal(scripts.length, 1, scripts.join('\n'));
  assert.match(scripts[0], /\/oogst\/search\.[0-9a-f]{8}\.js$/);
  noProblems(page);
  await page.context().close();
});

test('search: the header box shows highlighted results as you type, reachable by keyboard', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(site.base, { waitUntil: 'load' });
  await page.focus('#site-search-q');
  await page.keyboard.type('competentie', { delay: 20 });
  await page.waitForSelector('.site-search .search-panel:not([hidden]) mark', { timeout: 10_000 });
  // The panel answers the whole word, not a beginning of it answered while typing went on.
  await page.waitForSelector('.search-panel-all[href$="?q=competentie"]', { state: 'attached', timeout: 10_000 });
  const marks = await page.$$eval('.search-panel mark', (els) => els.map((e) => e.textContent));
  assert.ok(marks.length > 0 && marks.every((m) => /^competenties$/i.test(m)), `marked: ${marks}`);
  const excerpts = await page.$$eval('.search-panel .search-result-excerpt', (els) => els.map((e) => e.textContent));
  assert.ok(excerpts.some((e) => /competenties/i.test(e)), `an excerpt shows the words around the match: ${excerpts}`);
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
  // It stays closed: giving the focus back to the box does not search again.
  await page.waitForTimeout(400);
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

test('search: a word with a typo finds the right recommendation, and says what it searched for', async () => {
  const page = await openPage(site.browser, { width: 375, height: 740 });
  await page.goto(`${site.base}zoeken/?q=coahcing`, { waitUntil: 'load' });
  await page.waitForSelector('#search-results .search-result', { timeout: 10_000 });
  const first = await page.getAttribute('#search-results .search-result-link', 'href');
  assert.equal(first, '/oogst/aanbevelingen/persoonlijke-coaching/');
  assert.match(await page.textContent('#search-status'), /^Resultaten voor ‘coaching’ · \d+ resulta(at|ten)$/);
  const marks = await page.$$eval('#search-results mark', (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.includes('coaching'), `the word found is marked: ${marks}`);
  // The filters, filled with the themes' titles, fit a phone's width.
  await page.waitForSelector('#search-theme option[value="instrumenten"]', { state: 'attached' });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no horizontal overflow at 375 px');
  noProblems(page);
  await page.context().close();
});

test('search: a filter by kind leaves only that kind, with counts, in the address, undone by the back button', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(`${site.base}zoeken/?q=persoonlijke`, { waitUntil: 'load' });
  await page.waitForSelector('#search-results .search-result');
  const kindsOf = () => page.$$eval('#search-results .search-result', (els) => els.map((e) => e.className.match(/kind-(\w+)/)[1]));
  const before = await kindsOf();
  assert.ok(new Set(before).size > 1, `several kinds at first: ${before}`);
  const option = await page.textContent('#search-kind option[value="recommendation"]');
  const count = Number(option.match(/\((\d+)\)$/)[1]);
  await page.selectOption('#search-kind', 'recommendation');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('kind') === 'recommendation');
  await page.waitForFunction(() => [...document.querySelectorAll('#search-results .search-result')].every((e) => e.classList.contains('kind-recommendation')));
  const after = await kindsOf();
  assert.equal(after.length, count, `the count beside the kind (${option}) is what it leaves`);
  assert.ok(after.length > 0 && after.every((k) => k === 'recommendation'), `${after}`);
  assert.match(await page.textContent('#search-status'), new RegExp(`^${count} resulta(at|ten)$`));

  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('kind'));
  await page.waitForFunction((n) => document.querySelectorAll('#search-results .search-result').length === n, before.length);
  assert.equal(await page.inputValue('#search-kind'), '');
  assert.deepEqual(await kindsOf(), before, 'back to every kind');

  // A filtered search can be linked to: kind and theme from the address.
  await page.goto(`${site.base}zoeken/?q=coaching&kind=recommendation&theme=instrumenten`, { waitUntil: 'load' });
  await page.waitForSelector('#search-results .search-result');
  assert.deepEqual(await kindsOf(), ['recommendation']);
  assert.equal(await page.inputValue('#search-theme'), 'instrumenten');
  assert.match(await page.textContent('#search-theme option:checked'), /^Instrumenten \(1\)$/);
  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations('search page with filters', violations));
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
