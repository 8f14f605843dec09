// A generated harvest far bigger than the shipped one: long sections split into pages,
// a home page that shows the first items of each section with a link to all, the sparse
// relation matrix (more than 40 conclusions) in two pages, a long print edition.
import fs from 'node:fs/promises';
import path from 'node:path';

const pad = (n, w = 3) => String(n).padStart(w, '0');

export async function generateLargeSite(root, { themes = 15, conclusions = 130, recommendations = 120, settings = [] } = {}) {
  const write = async (rel, text) => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  };
  await write(
    'site.yaml',
    [
      'title: "Grote oogst"',
      'subtitle: "Een gegenereerde oogst om lange lijsten te testen"',
      'language: nl',
      'base_url: "/"',
      'theme: default',
      'author: "De browsertests"',
      'organisation: "oogst"',
      'description: "Een gegenereerde oogst met veel conclusies en aanbevelingen."',
      ...settings,
      '',
    ].join('\n'),
  );
  await write('content/_index.md', '---\ntitle: Grote oogst\n---\n\nEen oogst met veel onderdelen.\n');
  await write('content/over.md', '---\ntitle: Over deze oogst\nsummary: Waarom deze oogst bestaat.\n---\n\nVoor de browsertests.\n');
  await write('content/themes/_index.md', '---\ntitle: Thema’s\n---\n\nAlle thema’s.\n');
  await write('content/conclusions/_index.md', '---\ntitle: Conclusies\n---\n\nAlle conclusies.\n');
  await write('content/recommendations/_index.md', '---\ntitle: Aanbevelingen\n---\n\nAlle aanbevelingen.\n');
  for (let i = 1; i <= themes; i++) {
    await write(
      `content/themes/thema-${pad(i, 2)}.md`,
      `---\ntitle: Thema ${i} over een onderwerp met een wat langere naam\nsummary: De samenvatting van thema ${i}.\nweight: ${i}\n---\n\nDe tekst van thema ${i}.\n`,
    );
  }
  for (let i = 1; i <= conclusions; i++) {
    const theme = `thema-${pad(((i - 1) % themes) + 1, 2)}`;
    const other = (i % conclusions) + 1;
    await write(
      `content/conclusions/${pad(i)}-conclusie-${pad(i)}.md`,
      `---\ntitle: Conclusie nummer ${i} met een titel van redelijke lengte\nnumber: ${i}\nsummary: De samenvatting van conclusie ${i}.\nthemes: [${theme}]\n---\n\nDe tekst van conclusie ${i}.\n\n## Toelichting\n\nZie ook [conclusie ${other}](@/conclusions/${pad(other)}-conclusie-${pad(other)}.md#toelichting).\n`,
    );
  }
  for (let i = 1; i <= recommendations; i++) {
    const refs = [i, i + 1, i + 2].map((n) => ((n - 1) % conclusions) + 1);
    const theme = `thema-${pad(((i - 1) % themes) + 1, 2)}`;
    await write(
      `content/recommendations/${pad(i, 2)}-aanbeveling-${pad(i, 2)}.md`,
      `---\ntitle: Aanbeveling ${i} die iets voorstelt\nnumber: ${i}\nsummary: De samenvatting van aanbeveling ${i}.\nthemes: [${theme}]\nconclusions: [${refs.join(', ')}]\n---\n\nDe tekst van aanbeveling ${i}.\n`,
    );
  }
  return root;
}
