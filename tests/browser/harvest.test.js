// The shipped harvest in Dutch and in its English translation (under /en/), built for a
// sub-path: axe-core, html-validate, links and fragments (every English page reached from
// the Dutch home page), no horizontal overflow at 375 px.
import { siteSuite } from './lib/suite.js';
import { REPO } from './lib/site.js';
import { DUTCH_PAGES, ENGLISH_HARVEST_PAGES } from './lib/pages.js';

siteSuite({ name: 'harvest (nl, en)', prepare: async () => REPO, pageTypes: { ...DUTCH_PAGES, ...ENGLISH_HARVEST_PAGES } });
