// The shipped Dutch harvest, built for a sub-path: axe-core, html-validate, links and
// fragments, no horizontal overflow at 375 px.
import { siteSuite } from './lib/suite.js';
import { REPO } from './lib/site.js';
import { DUTCH_PAGES } from './lib/pages.js';

siteSuite({ name: 'harvest (nl)', prepare: async () => REPO, pageTypes: DUTCH_PAGES });
