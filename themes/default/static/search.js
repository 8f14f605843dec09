/*! oogst search: finds the items of a harvest in the site's search index, in the browser,
 * with no server. Words are compared by their stem, so "aanbeveling" finds "aanbevelingen".
 *
 * The stemmers below are written for oogst after the published Snowball algorithms
 * (https://snowballstem.org/algorithms/dutch/stemmer.html and .../english/stemmer.html,
 * BSD licence); oogst's tests check them word for word against the `rust-stemmers` crate that
 * stems the index at build time. The index format is described in src/render/search.rs.
 *
 * The page points the script at the index (`data-search-index` on the search form); the
 * index's manifest holds the words the script shows, in the site's language, so the script
 * itself holds no text of any language.
 * Without the script, the form is an ordinary GET form that leads to the search page.
 */
(function (root) {
  'use strict';

  // ---------------------------------------------------------------- Dutch (Snowball "dutch")

  const NL_VOWELS = 'aeiouyè';
  const nlVowel = (c) => c !== undefined && NL_VOWELS.includes(c);
  const NL_ACCENTS = { ä: 'a', á: 'a', ë: 'e', é: 'e', ï: 'i', í: 'i', ö: 'o', ó: 'o', ü: 'u', ú: 'u' };

  /** Bytes of `chars` in UTF-8 (the Rust stemmer sets its first region in bytes). */
  const utf8Length = (chars) =>
    chars.reduce((n, c) => {
      const code = c.codePointAt(0);
      return n + (code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4);
    }, 0);

  /** Whether `s` has `suffix` ending at position `end`. */
  function endsAt(s, end, suffix) {
    if (end < suffix.length) return false;
    for (let k = 0; k < suffix.length; k++) if (s[end - suffix.length + k] !== suffix[k]) return false;
    return true;
  }

  function stemDutch(word) {
    const s = Array.from(word, (c) => NL_ACCENTS[c] || c);
    if (s[0] === 'y') s[0] = 'Y';
    for (let p = 0; p < s.length; p++) {
      if (!nlVowel(s[p])) continue;
      if (s[p + 1] === 'i' && nlVowel(s[p + 2])) s[p + 1] = 'I';
      else if (s[p + 1] === 'y') s[p + 1] = 'Y';
    }
    // Regions, as byte offsets.
    const all = utf8Length(s);
    let p1 = all;
    let p2 = all;
    let i = 0;
    const gopast = (wantVowel) => {
      while (i < s.length && nlVowel(s[i]) !== wantVowel) i++;
      if (i >= s.length) return false;
      i++;
      return true;
    };
    if (gopast(true) && gopast(false)) {
      p1 = Math.max(utf8Length(s.slice(0, i)), 3);
      if (gopast(true) && gopast(false)) p2 = utf8Length(s.slice(0, i));
    }
    const R1 = (at) => utf8Length(s.slice(0, at)) >= p1;
    const R2 = (at) => utf8Length(s.slice(0, at)) >= p2;
    const ends = (suffix) => endsAt(s, s.length, suffix);
    const undouble = () => {
      if (ends('kk') || ends('dd') || ends('tt')) {
        s.pop();
        return true;
      }
      return false;
    };
    let eFound = false;
    const eEnding = () => {
      eFound = false;
      const n = s.length;
      if (s[n - 1] !== 'e' || !R1(n - 1) || n < 2 || nlVowel(s[n - 2])) return;
      s.pop();
      eFound = true;
      undouble();
    };
    const enEnding = (start) => {
      if (!R1(start) || start < 1 || nlVowel(s[start - 1]) || endsAt(s, start, 'gem')) return;
      s.length = start;
      undouble();
    };
    let n = s.length;
    if (ends('heden')) {
      if (R1(n - 5)) s.splice(n - 5, 5, 'h', 'e', 'i', 'd');
    } else if (ends('ene')) {
      enEnding(n - 3);
    } else if (ends('en')) {
      enEnding(n - 2);
    } else if (ends('se') || ends('s')) {
      const start = ends('se') ? n - 2 : n - 1;
      const before = s[start - 1];
      if (R1(start) && start >= 1 && !nlVowel(before) && before !== 'j') s.length = start;
    }
    eEnding();
    n = s.length;
    if (ends('heid') && R2(n - 4) && !endsAt(s, n - 4, 'c')) {
      s.length = n - 4;
      if (ends('en')) enEnding(s.length - 2);
    }
    n = s.length;
    if (ends('lijk')) {
      if (R2(n - 4)) {
        s.length = n - 4;
        eEnding();
      }
    } else if (ends('baar')) {
      if (R2(n - 4)) s.length = n - 4;
    } else if (ends('end') || ends('ing')) {
      if (R2(n - 3)) {
        s.length = n - 3;
        const m = s.length;
        if (ends('ig') && R2(m - 2) && !endsAt(s, m - 2, 'e')) s.length = m - 2;
        else undouble();
      }
    } else if (ends('bar')) {
      if (R2(n - 3) && eFound) s.length = n - 3;
    } else if (ends('ig')) {
      if (R2(n - 2) && !endsAt(s, n - 2, 'e')) s.length = n - 2;
    }
    n = s.length;
    const last = s[n - 1];
    if (n >= 4 && !nlVowel(last) && last !== 'I') {
      const pair = s[n - 3] + s[n - 2];
      if ((pair === 'aa' || pair === 'ee' || pair === 'oo' || pair === 'uu') && !nlVowel(s[n - 4])) s.splice(n - 2, 1);
    }
    return s.join('').replace(/Y/g, 'y').replace(/I/g, 'i');
  }

  // ---------------------------------------------------------------- English (Snowball "english", Porter2)

  const EN_VOWELS = 'aeiouy';
  const enVowel = (c) => c !== undefined && EN_VOWELS.includes(c);
  const EN_EXCEPTIONS = {
    skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl',
    ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe',
    atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes',
  };
  const EN_INVARIANT = ['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed'];
  const EN_STEP2 = [
    ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'],
    ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'],
    ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'],
    ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'],
    ['ogi', 'og'], ['li', ''],
  ];
  const EN_STEP3 = [
    ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'], ['ative', ''],
    ['ical', 'ic'], ['ness', ''], ['ful', ''],
  ];
  const EN_STEP4 = [
    'ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize',
    'ion', 'al', 'er', 'ic',
  ];

  function stemEnglish(word) {
    if (Object.prototype.hasOwnProperty.call(EN_EXCEPTIONS, word)) return EN_EXCEPTIONS[word];
    const s = Array.from(word);
    if (s.length < 3) return word;
    if (s[0] === "'") s.shift();
    let yFound = false;
    if (s[0] === 'y') {
      s[0] = 'Y';
      yFound = true;
    }
    for (let i = 1; i < s.length; i++) {
      if (s[i] === 'y' && enVowel(s[i - 1])) {
        s[i] = 'Y';
        yFound = true;
      }
    }
    const word0 = s.join('');
    let p1 = s.length;
    let p2 = s.length;
    let i = 0;
    const gopast = (wantVowel) => {
      while (i < s.length && enVowel(s[i]) !== wantVowel) i++;
      if (i >= s.length) return false;
      i++;
      return true;
    };
    const special = ['gener', 'commun', 'arsen'].find((prefix) => word0.startsWith(prefix));
    let found;
    if (special) {
      i = special.length;
      found = true;
    } else {
      found = gopast(true) && gopast(false);
    }
    if (found) {
      p1 = i;
      if (gopast(true) && gopast(false)) p2 = i;
    }
    const R1 = (at) => at >= p1;
    const R2 = (at) => at >= p2;
    const ends = (suffix) => endsAt(s, s.length, suffix);
    const replace = (length, by) => s.splice(s.length - length, length, ...by);
    const shortv = (at) =>
      (at >= 3 && !enVowel(s[at - 1]) && !'wxY'.includes(s[at - 1]) && enVowel(s[at - 2]) && !enVowel(s[at - 3])) ||
      (at === 2 && !enVowel(s[1]) && enVowel(s[0]));

    // Step 1a
    if (ends("'s'")) s.length -= 3;
    else if (ends("'s")) s.length -= 2;
    else if (ends("'")) s.length -= 1;
    if (ends('sses')) {
      replace(4, 'ss');
    } else if (ends('ied') || ends('ies')) {
      replace(3, s.length > 4 ? 'i' : 'ie');
    } else if (ends('us') || ends('ss')) {
      // left as they are
    } else if (ends('s')) {
      if (s.slice(0, s.length - 2).some(enVowel)) s.length -= 1;
    }
    if (EN_INVARIANT.includes(s.join(''))) return s.join('').replace(/Y/g, 'y');

    // Step 1b
    const step1b = ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed'].find(ends);
    if (step1b === 'eed' || step1b === 'eedly') {
      if (R1(s.length - step1b.length)) replace(step1b.length, 'ee');
    } else if (step1b) {
      const start = s.length - step1b.length;
      if (s.slice(0, start).some(enVowel)) {
        s.length = start;
        if (ends('at') || ends('bl') || ends('iz')) s.push('e');
        else if (['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'].some(ends)) s.pop();
        else if (p1 === s.length && shortv(s.length)) s.push('e');
      }
    }
    // Step 1c
    {
      const n = s.length;
      if ((s[n - 1] === 'y' || s[n - 1] === 'Y') && n >= 3 && !enVowel(s[n - 2])) s[n - 1] = 'i';
    }
    // Step 2
    const rule2 = EN_STEP2.find(([suffix]) => ends(suffix));
    if (rule2 && R1(s.length - rule2[0].length)) {
      const [suffix, by] = rule2;
      const before = s[s.length - suffix.length - 1];
      if (suffix === 'ogi') {
        if (before === 'l') replace(3, 'og');
      } else if (suffix === 'li') {
        if (before !== undefined && 'cdeghkmnrt'.includes(before)) s.length -= 2;
      } else {
        replace(suffix.length, by);
      }
    }
    // Step 3
    const rule3 = EN_STEP3.find(([suffix]) => ends(suffix));
    if (rule3 && R1(s.length - rule3[0].length)) {
      const [suffix, by] = rule3;
      if (suffix === 'ative') {
        if (R2(s.length - 5)) s.length -= 5;
      } else {
        replace(suffix.length, by);
      }
    }
    // Step 4
    const rule4 = EN_STEP4.find(ends);
    if (rule4 && R2(s.length - rule4.length)) {
      if (rule4 === 'ion') {
        const before = s[s.length - 4];
        if (before === 's' || before === 't') s.length -= 3;
      } else {
        s.length -= rule4.length;
      }
    }
    // Step 5
    {
      const n = s.length;
      if (s[n - 1] === 'e') {
        if (R2(n - 1) || (R1(n - 1) && !shortv(n - 1))) s.length -= 1;
      } else if (s[n - 1] === 'l') {
        if (R2(n - 1) && s[n - 2] === 'l') s.length -= 1;
      }
    }
    const stem = s.join('');
    return yFound ? stem.replace(/Y/g, 'y') : stem;
  }

  // ---------------------------------------------------------------- words and queries

  const WORD = /[\p{Alphabetic}\p{N}]+/gu;

  /** The words of `text`, lower-cased, as the index was made: runs of letters and digits. */
  function words(text) {
    return (String(text).match(WORD) || []).map((w) => w.toLowerCase());
  }

  const STEMMERS = { nl: stemDutch, en: stemEnglish };

  /**
   * A search over an index. `fetchJson(url)` fetches a file of it; the URLs of the other files
   * are taken relative to the manifest's.
   */
  function createSearch(manifestUrl, fetchJson) {
    const files = new Map();
    const folder = manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);
    const load = (name) => {
      const at = folder + name;
      if (!files.has(at)) {
        const promise = Promise.resolve(fetchJson(at));
        files.set(at, promise);
        promise.catch(() => files.delete(at));
      }
      return files.get(at);
    };
    let manifest = null;
    const ready = () => (manifest ??= Promise.resolve(fetchJson(manifestUrl)).catch((e) => {
      manifest = null;
      throw e;
    }));

    /** The names of the terms files that may hold stems from `low` up to `high`. */
    const termsFiles = (m, low, high, names) => {
      // File n holds the stems from m.terms[n] up to the first stem of the next file.
      let first = 0;
      while (first + 1 < m.terms.length && m.terms[first + 1] <= low) first++;
      let last = first;
      while (last + 1 < m.terms.length && m.terms[last + 1] <= high) last++;
      for (let n = first; n <= last; n++) names.add(`terms-${n}.json`);
      return names;
    };

    /** The meaning of a query: per word, its stem, and whether it may be the start of a word. */
    function parse(m, query) {
      const stem = STEMMERS[m.language] || ((w) => w);
      const stop = new Set(m.stopwords);
      const list = words(query);
      const typing = !/[\s\p{P}]$/u.test(query);
      const terms = [];
      list.forEach((word, index) => {
        const length = Array.from(word).length;
        if (length < m.min_word || length > m.max_word || stop.has(word)) return;
        const prefix = typing && index === list.length - 1 && length >= 3;
        terms.push({ word, stem: stem(word), prefix });
      });
      return { stem, stop, terms };
    }

    /**
     * Items matching every word of `query`, best first: `{results, total, stems}`, where each
     * result is `{doc, score}` and `stems` is every stem that matched (for highlighting).
     */
    async function find(query) {
      const m = await ready();
      const { terms } = parse(m, query);
      if (!terms.length) return { results: [], total: 0, stems: new Set() };
      const stems = new Set();
      let scores = null;
      for (const term of terms) {
        const names = termsFiles(m, term.stem, term.stem, new Set());
        if (term.prefix) {
          termsFiles(m, term.stem, term.stem + '\uffff', names);
          termsFiles(m, term.word, term.word + '\uffff', names);
        }
        const tables = await Promise.all([...names].map(load));
        const mine = new Map();
        for (const table of tables) {
          for (const [stem, postings] of Object.entries(table)) {
            const exact = stem === term.stem;
            if (!exact && !(term.prefix && (stem.startsWith(term.word) || stem.startsWith(term.stem)))) continue;
            stems.add(stem);
            const idf = Math.log(1 + m.docs / (postings.length / 2));
            let doc = 0;
            for (let k = 0; k < postings.length; k += 2) {
              doc += postings[k];
              const score = idf * (1 + Math.log(postings[k + 1])) * (exact ? 1 : 0.7);
              if (score > (mine.get(doc) || 0)) mine.set(doc, score);
            }
          }
        }
        if (scores === null) {
          scores = mine;
        } else {
          for (const [doc, score] of scores) {
            if (mine.has(doc)) scores.set(doc, score + mine.get(doc));
            else scores.delete(doc);
          }
        }
        if (!scores.size) break;
      }
      const results = [...scores].map(([doc, score]) => ({ doc, score }));
      results.sort((a, b) => b.score - a.score || a.doc - b.doc);
      return { results, total: results.length, stems };
    }

    /** `[kind, number, title, url, summary]` of the given items, fetched as needed. */
    async function describe(docs) {
      const m = await ready();
      return Promise.all(
        docs.map(async (doc) => {
          const table = await load(`docs-${Math.floor(doc / m.docs_per_file)}.json`);
          const [kind, number, title, url, summary] = table[doc % m.docs_per_file];
          return { doc, kind, number, title, url, summary };
        }),
      );
    }

    /** `text` cut into `{text, mark}` pieces: marked where a word's stem is in `stems`. */
    async function highlight(text, stems) {
      const m = await ready();
      const stem = STEMMERS[m.language] || ((w) => w);
      const pieces = [];
      let at = 0;
      for (const match of String(text).matchAll(WORD)) {
        if (match.index > at) pieces.push({ text: text.slice(at, match.index), mark: false });
        const word = match[0].toLowerCase();
        const counts = Array.from(word).length >= m.min_word;
        pieces.push({ text: match[0], mark: counts && stems.has(stem(word)) });
        at = match.index + match[0].length;
      }
      if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
      return pieces;
    }

    return { find, describe, highlight, ready };
  }

  const api = { stemDutch, stemEnglish, words, createSearch };
  root.oogstSearch = api;

  // ---------------------------------------------------------------- the page

  if (typeof document === 'undefined') return;

  const fetchJson = (url) =>
    fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${url}`);
      return response.json();
    });

  /** A node with `pieces` as text, the matching words in `<mark>`. */
  function marked(tag, className, pieces) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    for (const piece of pieces) {
      if (piece.mark) {
        const mark = document.createElement('mark');
        mark.textContent = piece.text;
        element.append(mark);
      } else {
        element.append(piece.text);
      }
    }
    return element;
  }

  const fill = (template, values) => String(template || '').replace(/\{(\w+)\}/g, (_, key) => values[key] ?? '');

  /** How many results there are, in the site's words (the index's manifest holds them). */
  const counted = (t, total, query) =>
    total ? fill(total === 1 ? t.one : t.many, { n: total, q: query.trim() }) : fill(t.none, { q: query.trim() });

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  const element = (tag, className, ...children) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children);
    return node;
  };

  /** One result: its title as a link (words marked), its kind and number, its summary. */
  async function renderResult(search, result, stems, t, withSummary) {
    const link = element('a', 'search-result-link');
    link.href = result.url;
    const kind = [t.kinds?.[result.kind], result.number].filter((x) => x !== undefined && x !== null).join(' ');
    link.append(element('span', 'search-result-kind', kind), ' ', marked('span', 'search-result-title', await search.highlight(result.title, stems)));
    const item = element('li', `search-result kind-${result.kind}`, link);
    if (withSummary && result.summary) {
      item.append(marked('p', 'search-result-summary', await search.highlight(result.summary, stems)));
    }
    return item;
  }

  /** The search box in the site header: a few results under it as you type. */
  function headerBox(form) {
    const input = form.querySelector('input[type="search"]');
    if (!input) return;
    const search = createSearch(form.dataset.searchIndex, fetchJson);
    const status = element('p', 'search-panel-status');
    status.setAttribute('role', 'status');
    const list = element('ul', 'search-panel-results');
    const all = element('a', 'search-panel-all');
    const panel = element('div', 'search-panel', status, list, all);
    panel.hidden = true;
    form.append(panel);
    let asked = 0;
    const close = () => {
      panel.hidden = true;
    };
    const run = debounce(async () => {
      const query = input.value;
      const mine = ++asked;
      if (words(query).join('').length < 2) {
        close();
        return;
      }
      try {
        const t = (await search.ready()).strings || {};
        const found = await search.find(query);
        const shown = await search.describe(found.results.slice(0, 6).map((r) => r.doc));
        const items = await Promise.all(shown.map((r) => renderResult(search, r, found.stems, t, true)));
        if (mine !== asked) return;
        list.replaceChildren(...items);
        status.textContent = counted(t, found.total, query);
        all.textContent = t.all || '';
        all.href = `${form.action}?q=${encodeURIComponent(query.trim())}`;
        all.hidden = found.total <= items.length;
        panel.hidden = false;
      } catch {
        // Without its index the box is a plain form: it leads to the search page.
        if (mine === asked) close();
      }
    }, 120);
    input.addEventListener('input', run);
    input.addEventListener('focus', () => {
      if (input.value.trim()) run();
      else search.ready().catch(() => {});
    });
    form.addEventListener('keydown', (event) => {
      const links = [...panel.querySelectorAll('a:not([hidden])')];
      const at = links.indexOf(document.activeElement);
      if (event.key === 'Escape' && !panel.hidden) {
        close();
        input.focus();
        event.preventDefault();
      } else if (event.key === 'ArrowDown' && !panel.hidden && links.length) {
        links[Math.min(at + 1, links.length - 1)].focus();
        event.preventDefault();
      } else if (event.key === 'ArrowUp' && at >= 0) {
        (at === 0 ? input : links[at - 1]).focus();
        event.preventDefault();
      }
    });
    form.addEventListener('focusout', (event) => {
      if (!form.contains(event.relatedTarget)) close();
    });
    document.addEventListener('click', (event) => {
      if (!form.contains(event.target)) close();
    });
  }

  /** The search page: every result, page by page, as you type; the query in the address. */
  function searchPage(form) {
    const input = form.querySelector('input[type="search"]');
    const status = document.getElementById('search-status');
    const list = document.getElementById('search-results');
    const more = document.getElementById('search-more');
    if (!input || !status || !list || !more) return;
    const note = document.getElementById('search-note');
    if (note) note.hidden = true;
    form.hidden = false;
    const search = createSearch(form.dataset.searchIndex, fetchJson);
    const PAGE = 20;
    let asked = 0;
    let found = null;
    let shown = 0;
    let t = {};
    const showMore = async () => {
      const mine = asked;
      const next = found.results.slice(shown, shown + PAGE);
      const described = await search.describe(next.map((r) => r.doc));
      const items = await Promise.all(described.map((r) => renderResult(search, r, found.stems, t, true)));
      if (mine !== asked) return;
      list.append(...items);
      shown += items.length;
      more.hidden = shown >= found.total;
    };
    const run = async () => {
      const query = input.value;
      const mine = ++asked;
      const url = new URL(location.href);
      if (query.trim()) url.searchParams.set('q', query.trim());
      else url.searchParams.delete('q');
      history.replaceState(null, '', url);
      if (!words(query).length) {
        list.replaceChildren();
        status.textContent = '';
        more.hidden = true;
        return;
      }
      try {
        t = (await search.ready()).strings || {};
        const result = await search.find(query);
        if (mine !== asked) return;
        found = result;
        shown = 0;
        list.replaceChildren();
        status.textContent = counted(t, found.total, query);
        await showMore();
      } catch {
        if (mine !== asked) return;
        list.replaceChildren();
        more.hidden = true;
        status.textContent = form.dataset.failed || '';
      }
    };
    input.value = new URLSearchParams(location.search).get('q') || '';
    input.addEventListener('input', debounce(run, 120));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run();
    });
    more.addEventListener('click', () => {
      if (found) showMore();
    });
    if (input.value) run();
  }

  function start() {
    for (const form of document.querySelectorAll('form.site-search[data-search-index]')) headerBox(form);
    for (const form of document.querySelectorAll('form.search-form[data-search-index]')) searchPage(form);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(typeof globalThis !== 'undefined' ? globalThis : this);
