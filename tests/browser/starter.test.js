// The English starter site of `oogst new`: the same checks as the shipped harvest, and
// not one Dutch UI string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { siteSuite } from './lib/suite.js';
import { oogst, REPO } from './lib/site.js';
import { englishPages } from './lib/pages.js';

const site = siteSuite({
  name: 'starter (en)',
  prepare: async (tmp) => {
    const root = path.join(tmp, 'site');
    await oogst(['new', root]);
    return root;
  },
  pageTypes: englishPages,
  screenshots: { prefix: 'en', types: ['home', 'conclusion', 'matrix'] },
});

// Dutch UI strings: the ones named in the brief, and every string of the Dutch UI file
// that is a distinct word or phrase (not shared with English, like "Thema" in "Themas").
async function dutchStrings() {
  const named = ['Conclusies', 'Aanbevelingen', 'Naar de inhoud', 'Printversie', 'Relatieoverzicht'];
  const nl = await fs.readFile(path.join(REPO, 'themes/default/i18n/nl.yaml'), 'utf8');
  const en = await fs.readFile(path.join(REPO, 'themes/default/i18n/en.yaml'), 'utf8');
  const values = (yaml) =>
    new Map(
      [...yaml.matchAll(/^(\w+):\s*"?([^"\n[]+?)"?\s*$/gm)].map((m) => [m[1], m[2].replace(/:$/, '').trim()]),
    );
  const nlValues = values(nl);
  const enValues = values(en);
  const fromFile = [...nlValues]
    .filter(([key, value]) => value.length >= 5 && value !== enValues.get(key))
    .map(([, value]) => value);
  const months = nl.match(/^months:\s*\[(.*)\]/m)?.[1].split(',').map((m) => m.trim()) ?? [];
  return [...new Set([...named, ...fromFile, ...months.filter((m) => m.length >= 5)])];
}

test('starter (en): no Dutch UI strings and lang="en" on every page', async () => {
  const words = await dutchStrings();
  assert.ok(words.length > 20, `expected many Dutch UI strings, found ${words.length}`);
  const found = [];
  for (const rel of site.htmlFiles) {
    const html = await fs.readFile(path.join(site.out, rel), 'utf8');
    assert.match(html, /<html lang="en">/, `${rel}: not lang="en"`);
    for (const word of words) {
      const re = new RegExp(`(^|[^\\p{L}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u');
      if (re.test(html)) found.push(`${rel}: "${word}"`);
    }
  }
  assert.deepEqual(found, [], `Dutch UI strings on the English site:\n${found.join('\n')}`);
});
