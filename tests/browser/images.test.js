// Pages with images: figures with captions, inline and decorative images, a card image in
// a list, through the same checks as every site (axe-core, html-validate, no horizontal
// overflow at 375 px), and what each <img> carries. The images are made here: a large
// photo-like PNG (resized to four widths), a PNG with transparency, an SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { siteSuite } from './lib/suite.js';

/** A PNG of `width` × `height` RGBA pixels made by `pixel(x, y)`. */
function png(width, height, pixel) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(pixel(x, y), y * (width * 4 + 1) + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const FILES = {
  'site.yaml': 'title: "Pictures"\nlanguage: en\nbase_url: "/"\n',
  'content/_index.md': '---\ntitle: Pictures\n---\n\nA harvest with pictures.\n',
  'content/themes/_index.md': '---\ntitle: Themes\n---\n\nThemes.\n',
  'content/themes/sessions.md': '---\ntitle: Sessions\n---\n\nWhat the sessions left.\n',
  'content/conclusions/_index.md': '---\ntitle: Conclusions\n---\n\nThe conclusions.\n',
  'content/conclusions/01-wall.md': `---
title: The wall of post-its
number: 1
themes: [sessions]
image: wall.png
image_alt: Post-its in four colours on a wall
---

What the wall showed after the first session.

![Post-its in four colours on a wall, grouped under three headings](wall.png "The wall after the first session")

The process, as drawn afterwards:

![A process in four steps, from question to recommendation](process.png)

A small mark ![-](mark.svg) between the words, and a closing figure:

![A diagram of themes, conclusions and recommendations](mark.svg "How the parts relate")
`,
  'content/recommendations/_index.md': '---\ntitle: Recommendations\n---\n\nWhat to do.\n',
  'content/recommendations/01-keep.md':
    '---\ntitle: Keep the wall\nnumber: 1\nconclusions: [1]\n---\n\nPhotograph it before it comes down.\n',
  'content/conclusions/mark.svg':
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120"><rect width="240" height="120" fill="#dde"/><circle cx="60" cy="60" r="40" fill="#357"/></svg>',
};

const site = siteSuite({
  name: 'images (en)',
  prepare: async (tmp) => {
    const root = path.join(tmp, 'pictures');
    for (const [rel, text] of Object.entries(FILES)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), text);
    }
    const wall = png(1800, 1200, (x, y) => [(x * 7) & 255, (y * 5) & 255, ((x + y) * 3) & 255, 255]);
    const process = png(900, 500, (x, y) => ((x - 450) ** 2 + (y - 250) ** 2 < 200 ** 2 ? [30, 90, 180, 255] : [0, 0, 0, 0]));
    await fs.writeFile(path.join(root, 'content/conclusions/wall.png'), wall);
    await fs.writeFile(path.join(root, 'content/conclusions/process.png'), process);
    return root;
  },
  pageTypes: {
    home: '',
    conclusion: 'conclusions/wall/',
    section: 'conclusions/',
    print: 'print/',
    404: 'missing/',
  },
  screenshots: { prefix: 'images', types: ['conclusion', 'section'] },
});

test('images (en): every <img> is described, sized, and lazy after the first', async () => {
  const html = await fs.readFile(path.join(site.out, 'conclusions/wall/index.html'), 'utf8');
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  const imgs = [...main.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
  assert.equal(imgs.length, 4, imgs.join('\n'));
  for (const img of imgs) {
    assert.match(img, / alt="/, img);
    assert.match(img, / width="\d+" height="\d+"/, img);
  }
  assert.match(imgs[0], / srcset="[^"]*480w[^"]*1600w" sizes="/);
  assert.doesNotMatch(imgs[0], /loading=/);
  for (const img of imgs.slice(1)) assert.match(img, / loading="lazy" decoding="async"/, img);
  assert.equal([...main.matchAll(/<figure>/g)].length, 2);
  assert.match(main, /<figcaption>The wall after the first session<\/figcaption>/);
  const list = await fs.readFile(path.join(site.out, 'conclusions/index.html'), 'utf8');
  assert.match(list, /<img class="item-image" src="[^"]*\/conclusions\/wall-480\.png"/);
});
