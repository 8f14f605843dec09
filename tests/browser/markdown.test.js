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
});
