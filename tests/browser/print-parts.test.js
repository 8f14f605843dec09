// A generated harvest whose print edition and PDF are in parts (parts of at most 15 items):
// the index of parts with each part's PDF, a part's page with its own, the pages that lead
// to the index. The same checks, axe and overflow on one page of each type, and the crawl
// that every link (the PDFs too) and anchor exists.
import { siteSuite } from './lib/suite.js';
import { generateLargeSite } from './lib/generate.js';

siteSuite({
  name: 'print edition and PDF in parts (nl)',
  prepare: (tmp) =>
    generateLargeSite(`${tmp}/site`, {
      themes: 6,
      conclusions: 30,
      recommendations: 20,
      settings: ['print: {max_items: 15}', 'pdf: {max_items: 100}'],
    }),
  everyPage: true,
  pageTypes: {
    home: '',
    conclusion: 'conclusies/conclusie-001/',
    print: 'printversie/',
    'print-part': 'printversie/conclusies-2/',
  },
  screenshots: { prefix: 'parts', types: ['print', 'print-part'] },
});
