// A generated harvest of 130 conclusions, 120 recommendations and 15 themes: sections
// split into pages, the home page's "all N" links, the sparse relation matrix in pages, a long
// print edition. The same checks, axe and overflow on one page of each type.
import { siteSuite } from './lib/suite.js';
import { generateLargeSite } from './lib/generate.js';

siteSuite({
  name: 'large harvest (nl)',
  // Without the PDF: the debug binary's Typst would spend most of this suite's build on
  // 250 items; the PDF of a site this size is checked by print-parts and tests/pdf_parts.rs.
  prepare: (tmp) => generateLargeSite(`${tmp}/site`, { settings: ['pdf: false'] }),
  everyPage: false,
  pageTypes: {
    home: '',
    theme: 'themas/thema-01/',
    conclusion: 'conclusies/conclusie-001/',
    recommendation: 'aanbevelingen/aanbeveling-01/',
    section: 'conclusies/',
    'section-page-2': 'conclusies/pagina/2/',
    page: 'over/',
    matrix: 'relatieoverzicht/',
    'matrix-page-2': 'relatieoverzicht/pagina/2/',
    print: 'printversie/',
    404: 'bestaat-niet/',
  },
  screenshots: { prefix: 'large', types: ['home', 'section', 'section-page-2', 'matrix', 'matrix-page-2'] },
});
