/*! oogst search: finds the items of a harvest in the site's search index, in the browser,
 * with no server. Words are compared by their stem, so "aanbeveling" finds "aanbevelingen".
 *
 * The stemmers below are written for oogst after the published Snowball algorithms
 * (https://snowballstem.org/algorithms/dutch/stemmer.html and .../english/stemmer.html,
 * BSD licence); oogst's tests check them word for word against the `rust-stemmers` crate that
 * stems the index at build time. The index format is described in src/render/search/mod.rs.
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

  /** Whether `a` and `b` differ by one edit: a letter added, dropped, changed, or two swapped. */
  function oneEdit(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  const backwards = (s) => s.split('').reverse().join('');

  /** BM25's inverse document frequency of a stem found in `df` of `n` items. */
  const idf = (n, df) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

  /**
   * A search over an index. `fetchJson(url)` fetches a file of it as JSON; the URLs of the
   * other files are taken relative to the manifest's.
   */
  function createSearch(manifestUrl, fetchJson) {
    const files = new Map();
    const folder = manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);
    const remember = (at, make) => {
      if (!files.has(at)) {
        const promise = Promise.resolve().then(make);
        files.set(at, promise);
        promise.catch(() => files.delete(at));
      }
      return files.get(at);
    };
    const load = (name) => remember(folder + name, () => fetchJson(folder + name));
    let manifest = null;
    const ready = () => (manifest ??= Promise.resolve(fetchJson(manifestUrl)).catch((e) => {
      manifest = null;
      throw e;
    }));

    /** The numbers of the files, of those starting at `firsts`, that may hold `low` to `high`. */
    const filesFor = (firsts, low, high, key = (x) => x) => {
      let first = 0;
      while (first + 1 < firsts.length && key(firsts[first + 1]) <= low) first++;
      let last = first;
      while (last + 1 < firsts.length && key(firsts[last + 1]) <= high) last++;
      const numbers = [];
      for (let n = first; n <= last; n++) numbers.push(n);
      return numbers;
    };
    const termsFiles = (m, low, high, names) => {
      for (const n of filesFor(m.terms, low, high)) names.add(`terms-${n}.json`);
      return names;
    };

    /**
     * The meaning of a query: per word, its stem and whether it may be the start of a word
     * (the last one, while typing); and the quoted phrases, as lists of stems.
     */
    function parse(m, query) {
      const stem = STEMMERS[m.language] || ((w) => w);
      const stop = new Set(m.stopwords);
      const counts = (word) => {
        const length = Array.from(word).length;
        return length >= m.min_word && length <= m.max_word && !stop.has(word);
      };
      const phrases = [];
      for (const [, quoted] of String(query).matchAll(/"([^"]*)"?/g)) {
        const stems = words(quoted).filter(counts).map(stem);
        if (stems.length > 1) phrases.push(stems);
      }
      const list = words(query);
      const typing = !/[\s\p{P}]$/u.test(query);
      const terms = [];
      const seen = new Set();
      list.forEach((word, index) => {
        if (!counts(word)) return;
        const prefix = typing && index === list.length - 1 && Array.from(word).length >= 3;
        const term = { word, stem: stem(word), prefix };
        const key = `${term.stem} ${prefix}`;
        if (!seen.has(key)) terms.push(term);
        seen.add(key);
      });
      return { stem, stop, terms, phrases, counts };
    }

    /** Stems one edit away from `word`'s stem (or the word), from the vocabulary files. */
    async function nearby(m, term) {
      if (!m.heads || Array.from(term.word).length < 5) return [];
      const s = term.stem;
      const names = filesFor(m.heads, s.slice(0, 2), s.slice(0, 2) + '\uffff').map((n) => `heads-${n}.json`);
      const end = backwards(s.slice(-2));
      for (const n of filesFor(m.tails, end, end + '\uffff', backwards)) names.push(`tails-${n}.json`);
      const lists = await Promise.all(names.map(load));
      const found = new Set();
      for (const list of lists) {
        for (const candidate of list) {
          if (oneEdit(s, candidate) || oneEdit(term.word, candidate)) found.add(candidate);
        }
      }
      return [...found];
    }

    /** Per item, the score of one query word: `{scores: Map, stems: [...]}`. */
    async function postingsOf(m, term, wanted) {
      const names = new Set();
      for (const stem of wanted) termsFiles(m, stem, stem, names);
      if (term.prefix) {
        termsFiles(m, term.stem, term.stem + '\uffff', names);
        termsFiles(m, term.word, term.word + '\uffff', names);
      }
      const tables = await Promise.all([...names].map(load));
      const scores = new Map();
      const stems = [];
      const df = new Map();
      for (const table of tables) {
        for (const [stem, postings] of Object.entries(table)) {
          const exact = wanted.includes(stem);
          if (!exact && !(term.prefix && (stem.startsWith(term.word) || stem.startsWith(term.stem)))) continue;
          stems.push(stem);
          df.set(stem, postings.length / 2);
          const weight = idf(m.docs, postings.length / 2) * (exact ? 1 : 0.7);
          let doc = 0;
          for (let k = 0; k < postings.length; k += 2) {
            doc += postings[k];
            const score = weight * postings[k + 1];
            if (score > (scores.get(doc) || 0)) scores.set(doc, score);
          }
        }
      }
      return { scores, stems, df };
    }

    /**
     * Items matching `query`, best first: `{results, total, stems, instead, relaxed}`. Each
     * result is `{doc, score}`; `stems` every stem that matched (for marking); `instead` the
     * query as searched when a word was taken one edit away; `relaxed` when no item has
     * every word and the items with most of them are given.
     */
    async function find(query) {
      const m = await ready();
      const { terms, phrases, stem } = parse(m, query);
      const none = { results: [], total: 0, stems: new Set(), instead: null, relaxed: false };
      if (!terms.length) return none;
      const stems = new Set();
      let instead = null;
      const perTerm = await Promise.all(
        terms.map(async (term) => {
          let found = await postingsOf(m, term, [term.stem]);
          if (!found.scores.size) {
            const near = await nearby(m, term);
            if (near.length) {
              found = await postingsOf(m, { ...term, prefix: false }, near);
              // The nearby stem found in most items names the word searched for.
              let most = 0;
              for (const [candidate, df] of found.df) if (df > most) [most, found.instead] = [df, candidate];
            }
          }
          return found;
        }),
      );
      let { results, most } = combine(perTerm);
      // A word taken one edit away must help find items with every word; else it is dropped.
      if (most < terms.length && perTerm.some((found) => found.instead)) {
        perTerm.forEach((found, n) => {
          if (found.instead) perTerm[n] = { scores: new Map(), stems: [], df: new Map() };
        });
        ({ results, most } = combine(perTerm));
      }
      terms.forEach((term, n) => {
        for (const s of perTerm[n].stems) stems.add(s);
        if (perTerm[n].instead) {
          instead ??= query;
          instead = instead.replace(new RegExp(term.word, 'iu'), perTerm[n].instead);
        }
      });
      const relaxed = most < terms.length;
      if (phrases.length && !relaxed) results = await withPhrases(m, results, phrases, stem);
      return { results, total: results.length, stems, instead, relaxed: relaxed && results.length > 0 };
    }

    /**
     * Every item with the most query words (all of them, if any item has all), by the sum of
     * their scores: `{results, most}`.
     */
    function combine(perTerm) {
      const total = new Map();
      const matched = new Map();
      for (const { scores } of perTerm) {
        for (const [doc, score] of scores) {
          total.set(doc, (total.get(doc) || 0) + score);
          matched.set(doc, (matched.get(doc) || 0) + 1);
        }
      }
      let most = 0;
      for (const n of matched.values()) most = Math.max(most, n);
      const results = [];
      for (const [doc, score] of total) if (matched.get(doc) === most) results.push({ doc, score });
      results.sort((a, b) => b.score - a.score || a.doc - b.doc);
      return { results, most };
    }

    /** The results whose title or text holds every phrase, word after word. */
    async function withPhrases(m, results, phrases, stem) {
      const { counts } = parse(m, '');
      const described = await describe(results.slice(0, 400).map((r) => r.doc));
      const kept = [];
      described.forEach((item, n) => {
        const text = [item.title, item.summary, ...item.parts.flatMap((p) => [p.heading, p.text])].join(' . ');
        const seq = [];
        for (const word of words(text)) if (counts(word)) seq.push(stem(word));
        const has = (phrase) => seq.some((_, i) => phrase.every((s, k) => seq[i + k] === s));
        if (phrases.every(has)) kept.push(results[n]);
      });
      return kept;
    }

    /**
     * The given items: `{doc, kind, number, title, url, summary, lang, parts}`, `parts` its body
     * cut at its headings (`{anchor, heading, text}`).
     */
    async function describe(docs) {
      const m = await ready();
      return Promise.all(
        docs.map(async (doc) => {
          const table = await load(`items-${Math.floor(doc / m.items_per_file)}.json`);
          const [kind, number, title, url, summary, ...rest] = table[doc % m.items_per_file];
          // Three values per part of the body, then the language of a text not translated yet.
          const lang = rest.length % 3 === 1 ? rest.pop() : undefined;
          const item = { doc, kind, number, title, url, summary, lang, parts: [] };
          for (let k = 0; k + 2 < rest.length; k += 3) item.parts.push({ anchor: rest[k], heading: rest[k + 1], text: rest[k + 2] });
          return item;
        }),
      );
    }

    /** The items' kinds and themes, for filters: `{themes: [[slug, title]], kinds, item_themes}`. */
    const filters = () => load('filters.json');

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

    /**
     * The words around the matches in a text: the window of about `size` words with the
     * most different matching words. `{pieces, matches}`; no pieces when nothing matches.
     */
    async function excerpt(text, stems, size = 26) {
      const all = await highlight(text, stems);
      const wordsAt = [];
      all.forEach((p, i) => {
        if (WORD_ONE.test(p.text)) wordsAt.push(i);
      });
      const marks = wordsAt.filter((i) => all[i].mark);
      if (!marks.length) return { pieces: [], matches: 0 };
      let best = 0;
      let bestScore = -1;
      for (let w = 0; w < wordsAt.length; w++) {
        if (!all[wordsAt[w]].mark) continue;
        // Start a little before a match, so it stands in context.
        const start = Math.max(0, w - 4);
        const end = Math.min(wordsAt.length, start + size);
        const distinct = new Set();
        let hits = 0;
        for (let k = start; k < end; k++) {
          const piece = all[wordsAt[k]];
          if (piece.mark) {
            distinct.add(piece.text.toLowerCase());
            hits++;
          }
        }
        const score = distinct.size * 100 + hits;
        if (score > bestScore) [best, bestScore] = [start, score];
      }
      const end = Math.min(wordsAt.length, best + size);
      const from = wordsAt[best];
      const to = end < wordsAt.length ? wordsAt[end - 1] + 1 : all.length;
      const pieces = all.slice(from, to);
      if (from > 0) pieces.unshift({ text: '… ', mark: false });
      if (to < all.length) pieces.push({ text: ' …', mark: false });
      return { pieces, matches: marks.length };
    }

    return { find, describe, highlight, excerpt, filters, ready };
  }

  const WORD_ONE = /^[\p{Alphabetic}\p{N}]+$/u;

  const api = { stemDutch, stemEnglish, words, oneEdit, createSearch };
  root.oogstSearch = api;

  // ---------------------------------------------------------------- the page

  if (typeof document === 'undefined') return;

  const fetchJson = (url) =>
    fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${url}`);
      return response.json();
    });

  const element = (tag, className, ...children) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children);
    return node;
  };

  /** A node with `pieces` as text, the matching words in `<mark>`. */
  function marked(tag, className, pieces) {
    const node = element(tag, className);
    for (const piece of pieces) node.append(piece.mark ? element('mark', '', piece.text) : piece.text);
    return node;
  }

  const fill = (template, values) => String(template || '').replace(/\{(\w+)\}/g, (_, key) => values[key] ?? '');

  /** How many results there are, in the site's words (the index's manifest holds them). */
  const counted = (t, found, query) => {
    const q = (found.instead || query).trim();
    const told = found.total ? fill(found.total === 1 ? t.one : t.many, { n: found.total, q }) : fill(t.none, { q });
    return found.instead && found.total ? `${fill(t.instead, { q })} · ${told}` : told;
  };

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  /**
   * One result: its title as a link (words marked), its kind and number, the words around
   * the matches (else its summary); on the search page, links to the headings of a long
   * page under which the words stand.
   */
  async function renderResult(search, result, stems, t, full) {
    const link = element('a', 'search-result-link');
    link.href = result.url;
    const kind = [t.kinds?.[result.kind], result.number].filter((x) => x !== undefined && x !== null).join(' ');
    // The text of an item not translated yet is in the original's language.
    const text = (node) => {
      if (result.lang) node.lang = result.lang;
      return node;
    };
    link.append(element('span', 'search-result-kind', kind), ' ', text(marked('span', 'search-result-title', await search.highlight(result.title, stems))));
    const item = element('li', `search-result kind-${result.kind}`, link);
    const whole = result.parts.map((p) => p.text).join(' ');
    const best = await search.excerpt(whole, stems, full ? 30 : 20);
    const pieces = best.pieces.length ? best.pieces : await search.highlight(result.summary || '', stems);
    if (pieces.length) item.append(text(marked('p', 'search-result-excerpt', pieces)));
    if (!full) return item;
    const under = [];
    for (const part of result.parts) {
      if (!part.anchor) continue;
      const heading = await search.highlight(part.heading, stems);
      const found = await search.excerpt(part.text, stems, 18);
      const matches = found.matches + heading.filter((p) => p.mark).length;
      if (matches) under.push({ part, heading, found, matches });
    }
    under.sort((a, b) => b.matches - a.matches);
    if (under.length) {
      const list = text(element('ul', 'search-sub-results'));
      for (const { part, heading, found } of under.slice(0, 3)) {
        const sub = element('a', 'search-sub-link', marked('span', 'search-sub-heading', heading));
        sub.href = `${result.url}#${encodeURIComponent(part.anchor)}`;
        const entry = element('li', 'search-sub-result', sub);
        if (found.pieces.length) entry.append(marked('p', 'search-result-excerpt', found.pieces));
        list.append(entry);
      }
      item.append(list);
    }
    return item;
  }

  /** The search box in the site header: a few results under it as you type. */
  function headerBox(form) {
    const input = form.querySelector('input[type="search"]');
    if (!input || form.dataset.searchStarted) return;
    form.dataset.searchStarted = 'yes';
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
        const items = await Promise.all(shown.map((r) => renderResult(search, r, found.stems, t, false)));
        if (mine !== asked) return;
        list.replaceChildren(...items);
        status.textContent = counted(t, found, query);
        all.textContent = t.all || '';
        all.href = `${form.action}?q=${encodeURIComponent(query.trim())}`;
        all.hidden = found.total <= items.length;
        panel.hidden = false;
      } catch {
        // Without its index the box is a plain form: it leads to the search page.
        if (mine === asked) close();
      }
    }, 120);
    // Escape gives the focus back to the box without opening the panel again.
    let escaped = false;
    input.addEventListener('input', run);
    input.addEventListener('focus', () => {
      if (escaped) escaped = false;
      else if (input.value.trim()) run();
    });
    form.addEventListener('keydown', (event) => {
      const links = [...panel.querySelectorAll('a:not([hidden])')];
      const at = links.indexOf(document.activeElement);
      if (event.key === 'Escape' && !panel.hidden) {
        close();
        escaped = document.activeElement !== input;
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
    // The script is loaded when the box is first focused: answer what was typed meanwhile.
    search.ready().catch(() => {});
    if (document.activeElement === input && input.value.trim()) run();
  }

  const KINDS = ['theme', 'conclusion', 'recommendation', 'page'];

  /** The options of a filter: "any", then each value with its count. */
  function fillFilter(select, t, options, chosen) {
    const any = element('option', '', t.any || '');
    any.value = '';
    const nodes = [any];
    for (const { value, label, count } of options) {
      if (!count && value !== chosen) continue;
      const option = element('option', '', `${label} (${count})`);
      option.value = value;
      nodes.push(option);
    }
    select.replaceChildren(...nodes);
    select.value = chosen;
  }

  /**
   * The search page: every result, page by page, as you type, narrowed by kind and theme;
   * the query and the filters in the address, so a search can be linked to and the back
   * button returns to the one before.
   */
  function searchPage(form) {
    const input = form.querySelector('input[type="search"]');
    const status = document.getElementById('search-status');
    const list = document.getElementById('search-results');
    const more = document.getElementById('search-more');
    if (!input || !status || !list || !more) return;
    const kindSelect = form.querySelector('select[name="kind"]');
    const themeSelect = form.querySelector('select[name="theme"]');
    const note = document.getElementById('search-note');
    if (note) note.hidden = true;
    form.hidden = false;
    const search = createSearch(form.dataset.searchIndex, fetchJson);
    const PAGE = 10;
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
    const wanted = () => ({
      q: input.value.trim(),
      kind: kindSelect ? kindSelect.value : '',
      theme: themeSelect ? themeSelect.value : '',
    });
    /** The address of the search as it stands. */
    const address = () => {
      const url = new URL(location.href);
      for (const [key, value] of Object.entries(wanted())) {
        if (value) url.searchParams.set(key, value);
        else url.searchParams.delete(key);
      }
      return url;
    };
    /** Narrows `results` by the filters, counting what each choice of filter would give. */
    const narrow = async (results, { kind, theme }) => {
      if (!kindSelect && !themeSelect) return results;
      const f = await search.filters();
      const themeAt = theme ? f.themes.findIndex(([slug]) => slug === theme) : -1;
      const kindOf = (doc) => KINDS.find((k) => k[0] === f.kinds[doc]) || 'page';
      const inTheme = (doc) => !theme || (f.item_themes[doc] || []).includes(themeAt);
      const kinds = new Map();
      const themes = new Map();
      for (const { doc } of results) {
        if (inTheme(doc)) kinds.set(kindOf(doc), (kinds.get(kindOf(doc)) || 0) + 1);
        if (!kind || kindOf(doc) === kind) for (const n of f.item_themes[doc] || []) themes.set(n, (themes.get(n) || 0) + 1);
      }
      if (kindSelect) fillFilter(kindSelect, t, KINDS.map((k) => ({ value: k, label: t.kinds?.[k] || k, count: kinds.get(k) || 0 })), kind);
      if (themeSelect) {
        const options = f.themes.map(([slug, title], n) => ({ value: slug, label: title, count: themes.get(n) || 0 }));
        fillFilter(themeSelect, t, options, theme);
      }
      return results.filter(({ doc }) => (!kind || kindOf(doc) === kind) && inTheme(doc));
    };
    const run = async () => {
      const query = input.value;
      const mine = ++asked;
      if (!words(query).length) {
        list.replaceChildren();
        status.textContent = '';
        more.hidden = true;
        return;
      }
      try {
        t = (await search.ready()).strings || {};
        const result = await search.find(query);
        const filtering = wanted();
        // Without a filter chosen the results show first, and the filters' counts after.
        const narrowed = filtering.kind || filtering.theme ? narrow(result.results, filtering) : null;
        if (narrowed) result.results = await narrowed;
        result.total = result.results.length;
        if (mine !== asked) return;
        found = result;
        shown = 0;
        list.replaceChildren();
        status.textContent = counted(t, found, query);
        await showMore();
        if (!narrowed && mine === asked) await narrow(result.results, filtering);
      } catch {
        if (mine !== asked) return;
        list.replaceChildren();
        more.hidden = true;
        status.textContent = form.dataset.failed || '';
      }
    };
    /** Takes the query and filters from the address. */
    const fromAddress = () => {
      const params = new URLSearchParams(location.search);
      input.value = params.get('q') || '';
      for (const select of [kindSelect, themeSelect]) {
        if (!select) continue;
        const value = params.get(select.name) || '';
        if (![...select.options].some((o) => o.value === value)) select.append(new Option(value, value));
        select.value = value;
      }
    };
    fromAddress();
    const typed = debounce(() => {
      history.replaceState(null, '', address());
      run();
    }, 120);
    input.addEventListener('input', typed);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      history.pushState(null, '', address());
      run();
    });
    for (const select of [kindSelect, themeSelect]) {
      select?.addEventListener('change', () => {
        history.pushState(null, '', address());
        run();
      });
    }
    window.addEventListener('popstate', () => {
      fromAddress();
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
