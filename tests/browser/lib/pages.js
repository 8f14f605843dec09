// One page of each type, as paths below the site's base URL.

/** The shipped Dutch harvest (the repository root). */
export const DUTCH_PAGES = {
  home: '',
  theme: 'themas/instrumenten/',
  conclusion: 'conclusies/cop-als-leerplek/',
  recommendation: 'aanbevelingen/persoonlijke-coaching/',
  section: 'conclusies/',
  page: 'over/',
  matrix: 'relatieoverzicht/',
  print: 'printversie/',
  search: 'zoeken/',
  404: 'bestaat-niet/',
};

/** The shipped harvest's English translation, under `en/`: the same items as `DUTCH_PAGES`. */
export const ENGLISH_HARVEST_PAGES = {
  'en home': 'en/',
  'en theme': 'en/themes/tools/',
  'en conclusion': 'en/conclusions/cop-as-a-place-to-learn/',
  'en recommendation': 'en/recommendations/add-personal-coaching/',
  'en section': 'en/conclusions/',
  'en page': 'en/about/',
  'en matrix': 'en/matrix/',
  'en print': 'en/print/',
  'en search': 'en/search/',
  'en 404': 'en/does-not-exist/',
};

/**
 * The English starter site of `oogst new`: its example items may be renamed, so the
 * first item of each section in the build stands for its type.
 */
export function englishPages(htmlFiles) {
  const first = (section) => {
    const f = htmlFiles.find((f) => new RegExp(`^${section}/[^/]+/index\\.html$`).test(f));
    return f ? f.slice(0, -'index.html'.length) : `${section}/(none)/`;
  };
  const page = htmlFiles.find((f) => /^[^/]+\/index\.html$/.test(f) && !/^(themes|conclusions|recommendations|matrix|print)\//.test(f));
  return {
    home: '',
    theme: first('themes'),
    conclusion: first('conclusions'),
    recommendation: first('recommendations'),
    section: 'conclusions/',
    page: page ? page.slice(0, -'index.html'.length) : '(none)/',
    matrix: 'matrix/',
    print: 'print/',
    404: 'does-not-exist/',
  };
}
