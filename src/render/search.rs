//! The search index: every theme, conclusion, recommendation and page, found by the stems of
//! the words in its title, tags, headings, summary and body. The theme's `search.js` queries
//! it in the browser, with no server: it stems the query with the same Snowball algorithm
//! (Dutch or English, after the site's language) and fetches only the files it needs.
//!
//! The index is a folder of JSON files (see [`crate::routes::published::SEARCH_INDEX`]):
//!
//! - `index.json`, the manifest: format and version, the language, the stop words, how many
//!   items there are, and the first stem of each terms file;
//! - `terms-<n>.json`: stems in order, each with its postings, `[item, weight, item, weight,
//!   ...]`, the item numbers as differences from the one before;
//! - `docs-<n>.json`: [`DOCS_PER_FILE`] items each, as `[kind, number, title, url, summary]`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::Language;
use crate::content::Section;
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::published;

/// What the manifest's `format` says, and the version of the layout described above.
pub const FORMAT: &str = "oogst-search";
pub const VERSION: u32 = 1;

/// A terms file is closed once it holds this many bytes, so a query fetches little.
const TERMS_FILE_BYTES: usize = 48 * 1024;

/// Items described per docs file: a page of results needs a few small files.
pub const DOCS_PER_FILE: usize = 50;

/// Words shorter or longer than this (in characters) are not indexed.
pub const MIN_WORD: usize = 2;
pub const MAX_WORD: usize = 40;

/// How much a word counts where it stands; an item's weight for a stem is the sum, at most 255.
const TITLE: u32 = 8;
const HEADING_OR_TAG: u32 = 4;
const SUMMARY: u32 = 2;
const BODY: u32 = 1;

/// Items are read in blocks of this many, so a one-time build holds the words of a block,
/// not of the whole harvest.
const BLOCK: usize = 1024;

/// Dutch function words, after Snowball's Dutch stop list: not indexed, dropped from queries.
const STOPWORDS_NL: &[&str] = &[
    "aan", "al", "alles", "als", "altijd", "andere", "ben", "bij", "daar", "dan", "dat", "de",
    "der", "deze", "die", "dit", "doch", "doen", "door", "dus", "een", "eens", "en", "er", "ge",
    "geen", "geweest", "haar", "had", "heb", "hebben", "heeft", "hem", "het", "hier", "hij", "hoe",
    "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "kan", "kon", "kunnen", "maar", "me",
    "meer", "men", "met", "mij", "mijn", "moet", "na", "naar", "niet", "niets", "nog", "nu", "of",
    "om", "omdat", "onder", "ons", "ook", "op", "over", "reeds", "te", "tegen", "toch", "toen",
    "tot", "u", "uit", "uw", "van", "veel", "voor", "want", "waren", "was", "wat", "werd", "wezen",
    "wie", "wil", "worden", "wordt", "zal", "ze", "zelf", "zich", "zij", "zijn", "zo", "zonder",
    "zou",
];

/// English function words, after Snowball's English stop list.
#[rustfmt::skip]
const STOPWORDS_EN: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
    "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own",
    "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
    "yourself", "yourselves",
];

/// The stop words of a language, sorted.
pub fn stopwords(language: Language) -> &'static [&'static str] {
    match language {
        Language::Nl => STOPWORDS_NL,
        Language::En => STOPWORDS_EN,
    }
}

/// The Snowball stemmer of a language.
pub fn stemmer(language: Language) -> Stemmer {
    Stemmer::create(match language {
        Language::Nl => Algorithm::Dutch,
        Language::En => Algorithm::English,
    })
}

/// The manifest, `index.json`.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    format: &'static str,
    version: u32,
    language: &'static str,
    stopwords: &'static [&'static str],
    min_word: usize,
    max_word: usize,
    /// How many items there are, and how many each docs file describes.
    docs: usize,
    docs_per_file: usize,
    /// The first stem of each terms file.
    terms: &'a [String],
    /// The theme's words for results, in the site's language.
    strings: Strings,
}

/// What the search script says about results, from the theme's UI strings.
#[derive(Debug, Serialize)]
struct Strings {
    /// What each kind of item is called: `theme`, `conclusion`, `recommendation`, `page`.
    kinds: std::collections::BTreeMap<&'static str, String>,
    /// `1 resultaat`, `{n} resultaten`, `Niets gevonden voor ‘{q}’.`
    one: String,
    many: String,
    none: String,
    /// The link from the few results under the search box to the search page.
    all: String,
}

impl Strings {
    fn of(strings: &serde_json::Map<String, serde_json::Value>) -> Strings {
        let text = |key: &str| {
            strings
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or(key)
                .to_string()
        };
        Strings {
            kinds: [
                ("theme", text("theme")),
                ("conclusion", text("conclusion")),
                ("recommendation", text("recommendation")),
                ("page", text("page_kind")),
            ]
            .into(),
            one: text("search_results_one"),
            many: text("search_results_many"),
            none: text("search_results_none"),
            all: text("search_all_results"),
        }
    }
}

/// The stems of one item, by their numbers in [`Stems`], with its weight for each.
#[derive(Debug, Default)]
pub struct ItemTerms {
    stems: Vec<u32>,
    weights: Vec<u8>,
}

/// Every stem met, numbered in the order met; shared by the tokenizers of all threads.
#[derive(Debug, Default)]
struct Stems {
    numbers: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Stems {
    fn number(&mut self, stem: &str) -> u32 {
        if let Some(&number) = self.numbers.get(stem) {
            return number;
        }
        let number = self.names.len() as u32;
        self.names.push(stem.into());
        self.numbers.insert(stem.into(), number);
        number
    }
}

/// Builds the index; with a memory, keeps the stems of each item to reuse while the item is
/// unchanged (for the preview server, which builds again and again).
#[derive(Default)]
pub struct SearchIndex {
    stems: Mutex<Stems>,
    memory: Option<FxHashMap<String, (u64, Arc<ItemTerms>)>>,
}

/// The items that go into the index, in the order of their numbers there.
fn indexed_items(harvest: &Harvest) -> Vec<ItemId> {
    let sections = Section::ALL.iter().flat_map(|&s| harvest.section(s));
    sections.chain(&harvest.pages).copied().collect()
}

impl SearchIndex {
    pub fn new(remember: bool) -> Self {
        SearchIndex {
            stems: Mutex::default(),
            memory: remember.then(FxHashMap::default),
        }
    }

    /// Makes the files of the index of `harvest`, giving each to `emit` (site-relative path
    /// and bytes) as soon as it is made. `strings` are the theme's UI strings.
    pub fn files(
        &mut self,
        harvest: &Harvest,
        strings: &serde_json::Map<String, serde_json::Value>,
        emit: &mut dyn FnMut(String, Vec<u8>),
    ) {
        let items = indexed_items(harvest);
        let language = harvest.config.language;
        if self.memory.is_none() {
            // Numbers of stems are kept only as long as the items that use them.
            self.stems = Mutex::default();
        }
        let mut postings: Vec<Postings> = Vec::new();
        let mut remembered = self.memory.as_ref().map(|_| FxHashMap::default());
        // A tokenizer for each thread, kept over all blocks: it knows the words it met.
        let tokenizers: Vec<Mutex<Tokenizer>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new(Tokenizer::new(language, &self.stems)))
            .collect();
        for (block_number, block) in items.chunks(BLOCK).enumerate() {
            let terms: Vec<(u64, Arc<ItemTerms>)> = block
                .par_iter()
                .map(|&id| {
                    let thread = rayon::current_thread_index().unwrap_or(0);
                    let mut tokenizer = tokenizers[thread % tokenizers.len()]
                        .lock()
                        .unwrap_or_else(|e| e.into_inner());
                    let item = &harvest.items[id];
                    let Some(memory) = &self.memory else {
                        return (0, Arc::new(tokenizer.item_terms(item)));
                    };
                    let key = item_key(item);
                    match memory.get(&item.rel) {
                        Some((known, terms)) if *known == key => (key, terms.clone()),
                        _ => (key, Arc::new(tokenizer.item_terms(item))),
                    }
                })
                .collect();
            for (offset, (&id, (key, terms))) in block.iter().zip(terms).enumerate() {
                let doc = (block_number * BLOCK + offset) as u32;
                for (&stem, &weight) in terms.stems.iter().zip(&terms.weights) {
                    let stem = stem as usize;
                    if postings.len() <= stem {
                        postings.resize_with(stem + 1, Postings::default);
                    }
                    postings[stem].push(doc, weight);
                }
                if let Some(remembered) = &mut remembered {
                    remembered.insert(harvest.items[id].rel.clone(), (key, terms));
                }
            }
        }
        if remembered.is_some() {
            self.memory = remembered;
        }
        let stems = self.stems.lock().unwrap_or_else(|e| e.into_inner());
        let mut firsts = Vec::new();
        terms_files(&stems.names, &postings, &mut |first, bytes| {
            let path = format!("{}terms-{}.json", published::SEARCH_INDEX, firsts.len());
            firsts.push(first);
            emit(path, bytes);
        });
        drop(postings);
        for (n, chunk) in items.chunks(DOCS_PER_FILE).enumerate() {
            let path = format!("{}docs-{n}.json", published::SEARCH_INDEX);
            emit(path, docs_file(harvest, chunk));
        }
        let manifest = Manifest {
            format: FORMAT,
            version: VERSION,
            language: language.code(),
            stopwords: stopwords(language),
            min_word: MIN_WORD,
            max_word: MAX_WORD,
            docs: items.len(),
            docs_per_file: DOCS_PER_FILE,
            terms: &firsts,
            strings: Strings::of(strings),
        };
        // Serialising strings and numbers cannot fail.
        let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
        emit(published::SEARCH_MANIFEST.to_string(), bytes);
    }
}

/// A hash of everything an item's stems come from.
fn item_key(item: &Item) -> u64 {
    let mut hasher = DefaultHasher::new();
    (item.body.source_key, &item.title, &item.summary, &item.tags).hash(&mut hasher);
    hasher.finish()
}

/// The items a stem is found in, with its weight in each: each item's number as the
/// difference from the one before, in LEB128, then the weight in a byte. Compact, as the
/// postings of a whole harvest are held at once.
#[derive(Debug, Default)]
struct Postings {
    bytes: Vec<u8>,
    last: u32,
}

impl Postings {
    fn push(&mut self, doc: u32, weight: u8) {
        let mut delta = doc - self.last;
        while delta >= 0x80 {
            self.bytes.push((delta as u8) | 0x80);
            delta >>= 7;
        }
        self.bytes.push(delta as u8);
        self.bytes.push(weight);
        self.last = doc;
    }

    /// Each item's difference from the one before, with its weight.
    fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut bytes = self.bytes.iter().copied();
        std::iter::from_fn(move || {
            let mut delta = 0u32;
            let mut shift = 0;
            loop {
                let b = bytes.next()?;
                delta |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            Some((delta, bytes.next()?))
        })
    }
}

/// The stems found in any item in the order the search script compares them (UTF-16 code
/// units), cut into files of about [`TERMS_FILE_BYTES`]; gives each file with its first stem
/// to `emit`.
fn terms_files(names: &[Box<str>], postings: &[Postings], emit: &mut dyn FnMut(String, Vec<u8>)) {
    let mut order: Vec<usize> = (0..postings.len())
        .filter(|&n| !postings[n].bytes.is_empty())
        .collect();
    order.sort_unstable_by(|&a, &b| names[a].encode_utf16().cmp(names[b].encode_utf16()));
    let mut current: Option<(String, Vec<u8>)> = None;
    let mut numbers = itoa::Buffer::new();
    let mut none = true;
    for n in order {
        let (stem, list) = (&names[n], &postings[n]);
        let (_, bytes) = current.get_or_insert_with(|| (stem.to_string(), b"{".to_vec()));
        if bytes.len() > 1 {
            bytes.push(b',');
        }
        // A string always serialises.
        let _ = serde_json::to_writer(&mut *bytes, &**stem);
        bytes.extend_from_slice(b":[");
        for (i, (delta, weight)) in list.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(numbers.format(delta).as_bytes());
            bytes.push(b',');
            bytes.extend_from_slice(numbers.format(weight).as_bytes());
        }
        bytes.push(b']');
        if bytes.len() >= TERMS_FILE_BYTES
            && let Some((first, mut bytes)) = current.take()
        {
            bytes.push(b'}');
            emit(first, bytes);
            none = false;
        }
    }
    if let Some((first, mut bytes)) = current.take() {
        bytes.push(b'}');
        emit(first, bytes);
        none = false;
    }
    if none {
        emit(String::new(), b"{}".to_vec());
    }
}

/// `[kind, number, title, url, summary]` of each item of a docs file.
fn docs_file(harvest: &Harvest, items: &[ItemId]) -> Vec<u8> {
    let rows: Vec<_> = items
        .iter()
        .map(|&id| {
            let item = &harvest.items[id];
            (
                super::context::kind_name(item.kind),
                item.number,
                &item.title,
                harvest.routes.urls.link(&item.path),
                &item.summary,
            )
        })
        .collect();
    serde_json::to_vec(&rows).unwrap_or_default()
}

/// Marks a word that is not indexed (too short or long, a stop word).
const NOT_INDEXED: u32 = u32::MAX;

/// Turns items into stems, remembering the stem of every word it met.
struct Tokenizer<'a> {
    stemmer: Stemmer,
    stopwords: &'static [&'static str],
    stems: &'a Mutex<Stems>,
    /// Word as written → its stem's number, or [`NOT_INDEXED`]: words of up to 8 and 16
    /// bytes by their bytes as a number (padded with zeros, which no word holds), longer
    /// ones as text.
    short_words: FxHashMap<u64, u32>,
    medium_words: FxHashMap<u128, u32>,
    long_words: FxHashMap<Box<str>, u32>,
    /// Per stem number, its weight in the item being read; and the stems it has.
    weights: Vec<u32>,
    touched: Vec<u32>,
}

impl<'a> Tokenizer<'a> {
    fn new(language: Language, stems: &'a Mutex<Stems>) -> Self {
        Tokenizer {
            stemmer: stemmer(language),
            stopwords: stopwords(language),
            stems,
            short_words: FxHashMap::default(),
            medium_words: FxHashMap::default(),
            long_words: FxHashMap::default(),
            weights: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn item_terms(&mut self, item: &Item) -> ItemTerms {
        self.add_text(&item.title, false, TITLE);
        for tag in &item.tags {
            self.add_text(tag, false, HEADING_OR_TAG);
        }
        for heading in &item.body.headings {
            self.add_text(&heading.title, false, HEADING_OR_TAG);
        }
        self.add_text(&item.summary, false, SUMMARY);
        self.add_text(&item.body.html, true, BODY);
        let weights = &mut self.weights;
        let terms = ItemTerms {
            weights: self
                .touched
                .iter()
                .map(|&n| std::mem::take(&mut weights[n as usize]).min(255) as u8)
                .collect(),
            stems: self.touched.as_slice().into(),
        };
        self.touched.clear();
        terms
    }

    fn add_text(&mut self, text: &str, html: bool, weight: u32) {
        let bytes = text.as_bytes();
        each_written_word(text, html, |word| {
            // A short word's key from the eight bytes where it starts, when the text has them.
            let start = word.as_ptr() as usize - bytes.as_ptr() as usize;
            let number = match bytes.get(start..start + 8) {
                Some(window) if word.len() <= 8 => {
                    let mut eight = [0u8; 8];
                    eight.copy_from_slice(window);
                    let key = u64::from_le_bytes(eight) & (u64::MAX >> (64 - 8 * word.len()));
                    self.known_short(key, word)
                }
                _ => self.known(word),
            };
            if number == NOT_INDEXED {
                return;
            }
            let at = number as usize;
            if self.weights.len() <= at {
                self.weights.resize(at + 1, 0);
            }
            if self.weights[at] == 0 {
                self.touched.push(number);
            }
            self.weights[at] += weight;
        });
    }

    /// The number of the stem of a word of up to 8 bytes, by its key (see `short_words`).
    fn known_short(&mut self, key: u64, written: &str) -> u32 {
        if let Some(&number) = self.short_words.get(&key) {
            return number;
        }
        let number = self.number(written);
        self.short_words.insert(key, number);
        number
    }

    /// The number of a written word's stem, from memory when the word was met before.
    fn known(&mut self, written: &str) -> u32 {
        let bytes = written.as_bytes();
        if bytes.len() <= 8 {
            let mut key = [0u8; 8];
            key[..bytes.len()].copy_from_slice(bytes);
            self.known_short(u64::from_le_bytes(key), written)
        } else if bytes.len() <= 16 {
            let mut key = [0u8; 16];
            key[..bytes.len()].copy_from_slice(bytes);
            let key = u128::from_le_bytes(key);
            if let Some(&number) = self.medium_words.get(&key) {
                return number;
            }
            let number = self.number(written);
            self.medium_words.insert(key, number);
            number
        } else {
            if let Some(&number) = self.long_words.get(written) {
                return number;
            }
            let number = self.number(written);
            self.long_words.insert(written.into(), number);
            number
        }
    }

    /// The number of a written word's stem.
    fn number(&self, written: &str) -> u32 {
        let word = written.to_lowercase();
        let length = word.chars().count();
        if !(MIN_WORD..=MAX_WORD).contains(&length)
            || self.stopwords.binary_search(&word.as_str()).is_ok()
        {
            return NOT_INDEXED;
        }
        let stem = self.stemmer.stem(&word);
        self.stems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .number(&stem)
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (all below 0x80) that is from `lo` to `hi`.
fn between(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x + ONES * u64::from(0x80 - lo);
    let above_hi = x + ONES * u64::from(0x7f - hi);
    at_least_lo & !above_hi & HIGHS
}

/// How many ASCII letters and digits `bytes` starts with; eight at a time.
fn ascii_letters(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let x = u64::from_le_bytes(eight);
        let letters = if x & HIGHS == 0 {
            between(x, b'0', b'9') | between(x, b'A', b'Z') | between(x, b'a', b'z')
        } else {
            0
        };
        let run = ((!letters & HIGHS).trailing_zeros() / 8) as usize;
        i += run;
        if run < 8 {
            // A wide byte ends the fast part: look at it one byte at a time.
            if x & HIGHS == 0 {
                return i;
            }
            break;
        }
    }
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

/// Calls `word` with each word of `text` as it is written. A word is a run of letters and
/// digits (Unicode `Alphabetic` or `Numeric`), as `[\p{Alphabetic}\p{N}]+` in the search
/// script. With `html`, tags are skipped, and character references (`&amp;`) separate words
/// as the characters they stand for would.
fn each_written_word(text: &str, html: bool, mut word: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // A letter or digit outside ASCII at `i`: its length in bytes.
    let wide_letter = |i: usize| {
        let c = text[i..].chars().next().unwrap_or(' ');
        c.is_alphanumeric().then(|| c.len_utf8())
    };
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        let starts_word = b.is_ascii_alphanumeric() || (b >= 0x80 && wide_letter(i).is_some());
        if starts_word {
            let start = i;
            loop {
                i += ascii_letters(&bytes[i..]);
                match (i < n && bytes[i] >= 0x80)
                    .then(|| wide_letter(i))
                    .flatten()
                {
                    Some(length) => i += length,
                    None => break,
                }
            }
            word(&text[start..i]);
            continue;
        }
        i += match b {
            b'<' if html => bytes[i..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(n - i, |end| end + 1),
            b'&' if html => bytes[i..]
                .iter()
                .take(12)
                .position(|&b| b == b';')
                .map_or(1, |end| end + 1),
            b if b >= 0x80 => text[i..].chars().next().map_or(1, char::len_utf8),
            _ => 1,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, html: bool) -> Vec<String> {
        let mut found = Vec::new();
        each_written_word(text, html, |w| found.push(w.to_lowercase()));
        found
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(
            words(
                "Thema’s: CoP-leden & de Omgevingswet (2024), coördinatie",
                false
            ),
            [
                "thema",
                "s",
                "cop",
                "leden",
                "de",
                "omgevingswet",
                "2024",
                "coördinatie"
            ]
        );
    }

    #[test]
    fn html_is_read_as_text_between_tags() {
        assert_eq!(
            words(
                "<h2 id=\"a\">Kop</h2>\n<p>R&amp;D <em>nu</em>&nbsp;hier &c. é</p>",
                true
            ),
            ["kop", "r", "d", "nu", "hier", "c", "é"]
        );
    }

    #[test]
    fn letters_are_counted_eight_at_a_time_and_one_at_a_time() {
        assert_eq!(ascii_letters(b"abcdefghij klm"), 10);
        assert_eq!(ascii_letters(b"Omgevingswet2024,"), 16);
        assert_eq!(ascii_letters(b"abc"), 3);
        assert_eq!(ascii_letters(b"co\xc3\xb6rdinatie"), 2);
        assert_eq!(ascii_letters(b"@[`{/:09AZaz"), 0);
        assert_eq!(ascii_letters(b"09AZaz\x7f"), 6);
    }

    #[test]
    fn a_word_is_one_stem_wherever_it_stands() {
        let stems = Mutex::default();
        let mut tokenizer = Tokenizer::new(Language::Nl, &stems);
        // Once with text after it (its key read from eight bytes), once at the very end.
        tokenizer.add_text("kennis delen in kennisnetwerken", false, 1);
        tokenizer.add_text("over kennis", false, 1);
        let names = &stems.lock().unwrap().names;
        let weights: Vec<_> = tokenizer.touched[..]
            .iter()
            .map(|&n| (names[n as usize].to_string(), tokenizer.weights[n as usize]))
            .collect();
        assert_eq!(
            weights,
            [
                ("kennis".to_string(), 2),
                ("del".to_string(), 1),
                ("kennisnetwerk".to_string(), 1)
            ]
        );
    }

    #[test]
    fn stop_words_are_sorted_for_lookup() {
        for list in [STOPWORDS_NL, STOPWORDS_EN] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn dutch_words_meet_at_their_stem() {
        let stemmer = stemmer(Language::Nl);
        assert_eq!(stemmer.stem("aanbeveling"), stemmer.stem("aanbevelingen"));
        assert_eq!(stemmer.stem("ontwikkelen"), stemmer.stem("ontwikkeling"));
    }

    #[test]
    fn terms_files_are_cut_by_size_and_name_their_first_stem() {
        let mut names = Vec::new();
        let mut postings = Vec::new();
        for n in (0..5000u32).rev() {
            names.push(format!("stam{n:04}").into_boxed_str());
            let mut list = Postings::default();
            list.push(n, 1);
            list.push(n + 5, 9);
            postings.push(list);
        }
        let mut long = Postings::default();
        for doc in [3, 300, 70_000, 70_001] {
            long.push(doc, 200);
        }
        let read: Vec<_> = long.iter().collect();
        assert_eq!(read, [(3, 200), (297, 200), (69_700, 200), (1, 200)]);
        names.push("leeg".into());
        postings.push(Postings::default());
        let mut files = Vec::new();
        terms_files(&names, &postings, &mut |first, bytes| {
            files.push((first, bytes))
        });
        assert!(files.len() > 1);
        assert_eq!(files[0].0, "stam0000");
        let first: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
        assert_eq!(first["stam0001"], serde_json::json!([1, 1, 5, 9]));
        assert!(
            first.get("leeg").is_none(),
            "stems no item has are left out"
        );
        let firsts: Vec<_> = files.iter().map(|(f, _)| f.clone()).collect();
        let mut sorted = firsts.clone();
        sorted.sort();
        assert_eq!(firsts, sorted);
    }
}
