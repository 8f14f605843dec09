// The checks every built site goes through: axe-core, html-validate, links, overflow.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';
import { LinkChecker, LinkState } from 'linkinator';
import { urlOfFile } from './site.js';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const AXE_SOURCE = require.resolve('axe-core/axe.min.js');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// ---------------------------------------------------------------- axe-core

/** Run axe-core on the loaded page; returns its violations. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE_SOURCE });
  }
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html.length > 200 ? n.html.slice(0, 200) + '…' : n.html,
        summary: n.failureSummary,
      })),
    }));
  }, AXE_TAGS);
}

/** Violations as a readable block: one heading per rule, one line per element. */
export function formatViolations(label, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`${label}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      lines.push(`    at ${n.target}\n      ${n.html}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- html-validate

/**
 * Validate every file with html-validate and tests/browser/.htmlvalidate.json.
 * Returns one {file, line, column, ruleId, message, selector} per problem.
 */
export async function validateHtml(outDir, files) {
  const configFile = path.join(here, '..', '.htmlvalidate.json');
  const config = JSON.parse(await fs.readFile(configFile, 'utf8'));
  const htmlvalidate = new HtmlValidate(new StaticConfigLoader(config));
  const problems = [];
  for (const rel of files) {
    const source = await fs.readFile(path.join(outDir, rel), 'utf8');
    const report = await htmlvalidate.validateString(source, rel);
    for (const result of report.results) {
      for (const m of result.messages) {
        problems.push({ file: rel, line: m.line, column: m.column, ruleId: m.ruleId, message: m.message, selector: m.selector ?? '' });
      }
    }
  }
  return problems;
}

export function formatHtmlProblems(problems) {
  const rules = new Map();
  for (const p of problems) rules.set(p.ruleId, (rules.get(p.ruleId) || 0) + 1);
  return (
    `${problems.length} problems (${[...rules].map(([r, n]) => `${r} ×${n}`).join(', ')}):\n` +
    problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.ruleId}: ${p.message}\n    at ${p.selector}`).join('\n')
  );
}

// ---------------------------------------------------------------- links

const EXTERNAL = /^https?:\/\/(?!(localhost|127\.0\.0\.1)[:/])/;

/**
 * Crawl from `start` with linkinator: every link, asset (CSS included) and fragment.
 * Returns {broken, checked, pages} where pages are the HTML URLs that were crawled.
 */
export async function crawl(start) {
  const checker = new LinkChecker();
  const pages = new Set();
  checker.on('pagestart', (url) => pages.add(String(url)));
  const result = await checker.check({
    path: start,
    recurse: true,
    checkFragments: true,
    checkCss: true,
    concurrency: 8,
    timeout: 10_000,
    redirects: 'error', // every link must point at the final URL (trailing slash included)
    linksToSkip: async (link) => EXTERNAL.test(link),
  });
  const broken = result.links.filter((l) => l.state === LinkState.BROKEN);
  const checked = result.links.filter((l) => l.state === LinkState.OK);
  return { broken, checked, skipped: result.links.filter((l) => l.state === LinkState.SKIPPED), pages };
}

export function formatBroken(broken) {
  return broken
    .map((l) => {
      const why = (l.failureDetails || [])
        .map((d) => (d instanceof Error ? d.message : d && d.status ? `HTTP ${d.status}` : JSON.stringify(d)))
        .join('; ');
      return `  ${l.url} (status ${l.status}) linked from ${l.parent}${why ? `: ${why}` : ''}`;
    })
    .join('\n');
}

const decodeEntities = (s) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Every fragment link in every built page, resolved against the build folder, must name an
 * id on its target page. linkinator checks fragments only on pages it has not fetched yet
 * when it meets the link, so this closes that gap. Returns {missing, count}.
 */
export async function checkFragmentsOffline(outDir, files, base) {
  const ids = new Map();
  const sources = new Map();
  for (const rel of files) {
    const html = await fs.readFile(path.join(outDir, rel), 'utf8');
    sources.set(rel, html);
    const set = new Set();
    for (const m of html.matchAll(/\s(?:id|name)="([^"]*)"/g)) set.add(decodeEntities(m[1]));
    ids.set(urlOfFile(rel, base), set);
  }
  const missing = [];
  let count = 0;
  for (const [rel, html] of sources) {
    const pageUrl = urlOfFile(rel, base);
    for (const m of html.matchAll(/\shref="([^"]*#[^"]*)"/g)) {
      const target = new URL(decodeEntities(m[1]), pageUrl);
      if (target.origin !== new URL(base).origin) continue;
      const fragment = decodeURIComponent(target.hash.slice(1));
      if (!fragment || fragment === 'top') continue;
      target.hash = '';
      count++;
      const targetIds = ids.get(target.href);
      if (!targetIds) missing.push(`${rel}: ${m[1]} → no such page ${target.href}`);
      else if (!targetIds.has(fragment)) missing.push(`${rel}: ${m[1]} → no id="${fragment}" on ${target.href}`);
    }
  }
  return { missing, count };
}

// ---------------------------------------------------------------- layout

/** Horizontal overflow: the document's scroll width and the elements that stick out past `width`. */
export async function overflow(page, width) {
  return page.evaluate((width) => {
    const scrollWidth = document.documentElement.scrollWidth;
    const offenders = [];
    if (scrollWidth > width) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > width + 0.5) {
          // Report the outermost offenders only.
          if (offenders.some((o) => o.el.contains(el))) continue;
          offenders.push({ el, right: Math.round(r.right) });
        }
      }
    }
    const describe = (el) =>
      el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    return {
      scrollWidth,
      offenders: offenders.slice(0, 10).map((o) => `${describe(o.el)} (right edge at ${o.right}px): ${o.el.outerHTML.slice(0, 120)}`),
    };
  }, width);
}
