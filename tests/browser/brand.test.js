// The shipped harvest in an organisation's look: `brand:` with a typical dark corporate
// blue (#154273) and a logo, and `edit_url`. axe-core runs on every page in light mode and
// on every page type in dark mode (the suite); here also: the accent the browser applies
// in light, dark and print, and the logo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { siteSuite } from './lib/suite.js';
import { REPO, copySiteSources } from './lib/site.js';
import { openPage } from './lib/browser.js';
import { DUTCH_PAGES } from './lib/pages.js';

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" rx="4" fill="#154273"/>' +
  '<text x="60" y="26" font-family="sans-serif" font-size="16" fill="#fff" text-anchor="middle">CoP</text></svg>';

const site = siteSuite({
  name: 'brand (nl)',
  prepare: async (tmp) => {
    const root = path.join(tmp, 'site');
    await copySiteSources(REPO, root);
    await fs.mkdir(path.join(root, 'static'), { recursive: true });
    await fs.writeFile(path.join(root, 'static', 'logo.svg'), LOGO);
    const yaml = await fs.readFile(path.join(root, 'site.yaml'), 'utf8');
    await fs.writeFile(
      path.join(root, 'site.yaml'),
      yaml +
        'edit_url: https://gitlab.example.org/cop/oogst/-/edit/main/\n' +
        'brand:\n  accent: "#154273"\n  logo: static/logo.svg\n  logo_alt: Community of Practice Ondergrond\n',
    );
    return root;
  },
  pageTypes: DUTCH_PAGES,
  screenshots: { prefix: 'brand', types: ['home', 'conclusion'] },
});

/** The accent as the page's root element has it, and the colour of a link in `selector`. */
async function applied(page, selector) {
  return page.evaluate((selector) => {
    const accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();
    const link = document.querySelector(selector);
    return { accent, link: link ? getComputedStyle(link).color : null };
  }, selector);
}

test('brand (nl): the accent is applied in light mode, a lighter shade of it in dark mode, and in print', async () => {
  const url = site.base + DUTCH_PAGES.conclusion;
  const light = await openPage(site.browser, { width: 1280 });
  await light.goto(url);
  const inLight = await applied(light, '.cite a');
  assert.equal(inLight.accent, '#154273');
  assert.equal(inLight.link, 'rgb(21, 66, 115)');
  const logo = await light.$eval('.site-title img.site-logo', (img) => ({
    alt: img.alt,
    loaded: img.complete && img.naturalWidth > 0,
  }));
  assert.deepEqual(logo, { alt: 'Community of Practice Ondergrond', loaded: true });
  const edit = await light.$eval('.edit-link a', (a) => [a.textContent, a.href]);
  assert.deepEqual(edit, [
    'Bewerk deze pagina',
    'https://gitlab.example.org/cop/oogst/-/edit/main/content/conclusions/01-cop-als-leerplek.md',
  ]);

  await light.emulateMedia({ media: 'print' });
  assert.equal((await applied(light, 'a')).accent, '#154273', 'print keeps the light accent');
  await light.context().close();

  const dark = await openPage(site.browser, { width: 1280, colorScheme: 'dark' });
  await dark.goto(url);
  await dark.screenshot({ path: path.join(REPO, 'artifacts', 'browser', 'brand-conclusion-dark-1280.png'), fullPage: true });
  const inDark = await applied(dark, '.cite a');
  assert.match(inDark.accent, /^#[0-9a-f]{6}$/);
  assert.notEqual(inDark.accent, '#154273', 'dark mode has its own shade');
  const [r, g, b] = inDark.link.match(/\d+/g).map(Number);
  assert.ok(b > r && b > g, `still blue: ${inDark.link}`);
  await dark.context().close();
});
