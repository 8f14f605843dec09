// Runs the default theme's shipped search script (themes/default/static/search.js) in Node,
// for tests/publish.rs: the script itself, not a copy, against a built site's index.
//
//   node tests/search-query.mjs stem nl|en            words on stdin, one per line → stems
//   node tests/search-query.mjs query PUBLIC BASE Q…   every query → JSON results on stdout
//     (per query: total, `instead` when a word was taken one edit away, `relaxed`, and per
//     result its kind, number, title, url, marked words and excerpt, marks in brackets)
//
// BASE is the base path the site was built for (`/`), to map URLs back to files in PUBLIC.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, '..', 'themes', 'default', 'static', 'search.js');
vm.runInThisContext(fs.readFileSync(script, 'utf8'), { filename: script });
const { stemDutch, stemEnglish, createSearch } = globalThis.oogstSearch;

const [mode, ...args] = process.argv.slice(2);

if (mode === 'stem') {
  const stem = args[0] === 'en' ? stemEnglish : stemDutch;
  const words = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
  process.stdout.write(words.map(stem).join('\n') + '\n');
} else if (mode === 'query') {
  const [publicDir, base, ...queries] = args;
  const file = (url) => path.join(publicDir, url.startsWith(base) ? url.slice(base.length) : url);
  const fetchJson = async (url) => JSON.parse(await fs.promises.readFile(file(url), 'utf8'));
  const search = createSearch(`${base}search-index/index.json`, fetchJson);
  const answers = [];
  for (const query of queries) {
    const found = await search.find(query);
    const items = await search.describe(found.results.map((r) => r.doc));
    const results = [];
    for (const item of items) {
      const pieces = await search.highlight(`${item.title} ${item.summary}`, found.stems);
      const text = item.parts.map((p) => p.text).join(' ');
      const excerpt = await search.excerpt(text, found.stems);
      results.push({
        kind: item.kind,
        number: item.number,
        title: item.title,
        url: item.url,
        marked: pieces.filter((p) => p.mark).map((p) => p.text),
        excerpt: excerpt.pieces.map((p) => (p.mark ? `[${p.text}]` : p.text)).join(''),
        headings: item.parts.filter((p) => p.anchor).map((p) => p.anchor),
      });
    }
    answers.push({ query, total: found.total, instead: found.instead, relaxed: found.relaxed, results });
  }
  process.stdout.write(JSON.stringify(answers));
} else {
  console.error('usage: search-query.mjs stem nl|en  |  query PUBLIC BASE QUERY...');
  process.exit(2);
}
