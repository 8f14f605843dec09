// The shipped Dutch harvest as a reader sees it: full-page screenshots at 375 and 1280 px,
// the print edition as PDF, and keyboard access to the skip link and the main navigation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { useBuiltSite } from './lib/suite.js';
import { REPO, ARTIFACTS } from './lib/site.js';
import { openPage } from './lib/browser.js';
import { overflow } from './lib/checks.js';
import { DUTCH_PAGES } from './lib/pages.js';

const site = useBuiltSite('harvest-visual', async () => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  return REPO;
});

const SHOTS = ['home', 'theme', 'conclusion', 'recommendation', 'matrix', 'print'];

for (const width of [375, 1280]) {
  test(`harvest (nl): full-page screenshots at ${width} px`, async (t) => {
    const page = await openPage(site.browser, { width, height: width === 375 ? 740 : 900 });
    const failures = [];
    for (const type of SHOTS) {
      const response = await page.goto(site.base + DUTCH_PAGES[type], { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      await page.evaluate(() => document.fonts.ready);
      const file = path.join(ARTIFACTS, `nl-${type}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const { scrollWidth, offenders } = await overflow(page, width);
      if (scrollWidth > width) failures.push(`${type}: scrollWidth ${scrollWidth}\n    ${offenders.join('\n    ')}`);
      if (page.problems.length) failures.push(`${type}: ${page.problems.join('; ')}`);
      page.problems.length = 0;
    }
    t.diagnostic(`screenshots in ${path.relative(REPO, ARTIFACTS)}/nl-*-${width}.png`);
    await page.context().close();
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}

test('harvest (nl): the print edition prints to PDF without the site chrome', async (t) => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(site.base + DUTCH_PAGES.print, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  const hidden = await page.evaluate(() =>
    ['.site-header', '.site-footer', '.skip-link', '.breadcrumbs', '.no-print']
      .flatMap((sel) => [...document.querySelectorAll(sel)].map((el) => [sel, getComputedStyle(el).display]))
      .filter(([, display]) => display !== 'none')
      .map(([sel]) => sel),
  );
  assert.deepEqual(hidden, [], `shown in print: ${hidden.join(', ')}`);
  const file = path.join(ARTIFACTS, 'nl-print.pdf');
  const pdf = await page.pdf({ path: file, format: 'A4', printBackground: true, outline: true, tagged: true });
  await page.context().close();
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  t.diagnostic(`${path.relative(REPO, file)}: ${pages} pages, ${pdf.length} bytes`);
  assert.ok(pages >= 3, `the print edition should take several pages, got ${pages}`);
});

test('harvest (nl): Tab reaches the skip link first, then every main-menu link (and search), each with a visible focus indicator', async () => {
  const page = await openPage(site.browser, { width: 1280 });
  await page.goto(site.base, { waitUntil: 'load' });
  const targets = await page.evaluate(() =>
    [...document.querySelectorAll('nav.site-nav a, input[type=search]')].map((el) => el.outerHTML),
  );
  assert.ok(targets.length >= 4, `expected the main menu links, found ${targets.length}`);

  const describeFocus = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        html: el.outerHTML,
        text: el.textContent.trim(),
        skip: el.classList.contains('skip-link'),
        outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
        visibleIndicator:
          (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none'),
        inViewport: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
      };
    });

  const visited = [];
  const problems = [];
  const remaining = new Set(targets);
  for (let i = 0; i < 40 && remaining.size; i++) {
    await page.keyboard.press('Tab');
    const f = await describeFocus();
    assert.ok(f, `Tab ${i + 1} focused nothing`);
    if (i === 0) assert.ok(f.skip, `the first Tab should focus the skip link, focused ${f.html}`);
    if (!f.visibleIndicator) problems.push(`no visible focus indicator on ${f.html} (outline: ${f.outline})`);
    if (!f.inViewport) problems.push(`focused element is not on screen: ${f.html}`);
    visited.push(f.html);
    remaining.delete(f.html);
  }
  assert.deepEqual([...remaining], [], `not reached by Tab:\n${[...remaining].join('\n')}\nreached:\n${visited.join('\n')}`);
  // In the order of the menu.
  const order = targets.map((html) => visited.indexOf(html));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), `menu links focused out of order: ${order}`);
  assert.deepEqual(problems, [], problems.join('\n'));

  // The skip link moves focus to the main content.
  await page.goto(site.base, { waitUntil: 'load' });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const active = await page.evaluate(() => document.activeElement?.id);
  assert.equal(active, 'main', 'Enter on the skip link should move focus to <main id="main">');
  await page.context().close();
});
