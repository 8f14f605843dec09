// Every Markdown feature oogst enables (tables with alignment, wide tables, footnotes,
// task lists, images, code, deep headings) through the same checks, in a small English
// fixture site (fixtures/markdown).
import path from 'node:path';
import { siteSuite } from './lib/suite.js';
import { REPO } from './lib/site.js';

siteSuite({
  name: 'markdown features (en)',
  prepare: async () => path.join(REPO, 'tests/browser/fixtures/markdown'),
  pageTypes: {
    home: '',
    theme: 'themes/rendering/',
    conclusion: 'conclusions/everything/',
    recommendation: 'recommendations/act/',
    section: 'conclusions/',
    page: 'about/',
    matrix: 'matrix/',
    print: 'print/',
    404: 'does-not-exist/',
  },
  screenshots: { prefix: 'markdown', types: ['conclusion', 'print'] },
  // Problems in the HTML that oogst's Markdown renderer (pulldown-cmark's HTML writer)
  // makes; the theme cannot fix them. Described in tests/browser/README.md.
  knownIssues: [
    {
      tool: 'axe',
      rule: 'label',
      match: /type="checkbox"/,
      why: 'task-list checkboxes have no label',
    },
    {
      tool: 'axe',
      rule: 'scrollable-region-focusable',
      match: /^<table|(^|\s)table(:|$)/,
      why: 'a wide Markdown table scrolls but cannot be reached by keyboard (needs a focusable, named wrapper)',
    },
    {
      tool: 'html-validate',
      rule: 'no-inline-style',
      match: /> t[hd](:|$)/,
      why: 'table column alignment is written as inline style="text-align: …"',
    },
    {
      tool: 'html-validate',
      rule: 'void-style',
      why: 'Markdown writes void elements self-closed (<br />, <hr />, <img />, <input />), the theme does not',
    },
    {
      tool: 'html-validate',
      rule: 'attribute-boolean-style',
      match: /input/,
      why: 'task-list checkboxes are written disabled="" checked=""',
    },
  ],
});
