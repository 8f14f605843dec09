// Chromium from the system (apt's /usr/bin/chromium) driven by playwright-core.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Flags that keep Chromium quiet on a closed network (see /work/shared/BROWSER-TESTING.md).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A new page in its own context, `width` CSS px wide. */
export async function openPage(browser, { width = 1280, height = 800, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    colorScheme,
    reducedMotion: 'reduce',
    locale: 'nl-NL',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Failed loads are reported with their URL by the response handler below.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    // Chromium asks for /favicon.ico by itself; the site does not link one.
    if (response.status() >= 400 && url.pathname !== '/favicon.ico' && response.request().resourceType() !== 'document') {
      problems.push(`${response.status()} for ${response.url()}`);
    }
  });
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText;
    // A lazy image still loading when the tab goes on to the next page is cancelled, not broken:
    // a missing image answers 404, which the response check above reports.
    if (error === 'net::ERR_ABORTED' && request.resourceType() === 'image') return;
    problems.push(`request failed: ${request.url()} (${error})`);
  });
  page.problems = problems;
  return page;
}

/** A few reusable tabs: `use(fn)` lends one to `fn(page)` and takes it back. */
export async function pagePool(browser, size, options) {
  const free = await Promise.all(Array.from({ length: size }, () => openPage(browser, options)));
  const waiting = [];
  return {
    async use(fn) {
      const page = free.pop() || (await new Promise((resolve) => waiting.push(resolve)));
      page.problems.length = 0;
      try {
        return await fn(page);
      } finally {
        const next = waiting.shift();
        if (next) next(page);
        else free.push(page);
      }
    },
  };
}
