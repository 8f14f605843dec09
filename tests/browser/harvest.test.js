// The shipped Dutch harvest, built for a sub-path: accessibility, validity, links, overflow.
import { siteSuite } from './lib/suite.js';
import { REPO } from './lib/site.js';

export const DUTCH_PAGES = {
  home: '',
  theme: 'themas/instrumenten/',
  conclusion: 'conclusies/cop-als-leerplek/',
  recommendation: 'aanbevelingen/persoonlijke-coaching/',
  section: 'conclusies/',
  page: 'over/',
  matrix: 'relatieoverzicht/',
  print: 'printversie/',
  404: 'bestaat-niet/',
};

siteSuite({ name: 'harvest (nl)', prepare: async () => REPO, pageTypes: DUTCH_PAGES });
