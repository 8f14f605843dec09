//! The search index: every theme, conclusion, recommendation and page, found by the stems of
//! the words in its title, tags, headings, summary and body. The theme's `search.js` queries
//! it in the browser, with no server: it stems the query with the same Snowball algorithm
//! (Dutch or English, after the site's language) and fetches only the files it needs.
//!
//! The index is a folder of JSON files (see [`crate::url::published::SEARCH_INDEX`]):
//!
//! - `index.json`, the manifest: format and version, the language, the stop words, how many
//!   items there are, and the first stem of each terms file;
//! - `terms-<n>.json`: stems in order, each with its postings, `[item, weight, item, weight,
//!   ...]`, the item numbers as differences from the one before;
//! - `docs-<n>.json`: [`DOCS_PER_FILE`] items each, as `[kind, number, title, url, summary]`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::Language;
use crate::harvest::{Harvest, Item, ItemId};
use crate::url::{Section, published};

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
    "geen", "geweest", "haar", "had", "heb", "hebben", "heeft", "hem", "het", "hier", "hij",
    "hoe", "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "kan", "kon", "kunnen", "maar",
    "me", "meer", "men", "met", "mij", "mijn", "moet", "na", "naar", "niet", "niets", "nog",
    "nu", "of", "om", "omdat", "onder", "ons", "ook", "op", "over", "reeds", "te", "tegen",
    "toch", "toen", "tot", "u", "uit", "uw", "van", "veel", "voor", "want", "waren", "was",
    "wat", "werd", "wezen", "wie", "wil", "worden", "wordt", "zal", "ze", "zelf", "zich", "zij",
    "zijn", "zo", "zonder", "zou",
];

/// English function words, after Snowball's English stop list.
const STOPWORDS_EN: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same",
    "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
    "yourselves",
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
}

/// The stems of one item with its weight for each, in the order first met.
#[derive(Debug, Default)]
pub struct ItemTerms {
    /// The stems, each followed by a newline (words never hold one).
    stems: String,
    weights: Vec<u8>,
}

impl ItemTerms {
    fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.stems
            .split_terminator('\n')
            .zip(self.weights.iter().copied())
    }
}

/// Builds the index; with a memory, keeps the stems of each item to reuse while the item is
/// unchanged (for the preview server, which builds again and again).
#[derive(Default)]
pub struct SearchIndex {
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
            memory: remember.then(FxHashMap::default),
        }
    }

    /// The files of the index of `harvest`: site-relative path and bytes.
    pub fn files(&mut self, harvest: &Harvest) -> Vec<(String, Vec<u8>)> {
        let items = indexed_items(harvest);
        let language = harvest.config.language;
        let mut postings: FxHashMap<Box<str>, Postings> = FxHashMap::default();
        let mut remembered = self.memory.as_ref().map(|_| FxHashMap::default());
        for (block_number, block) in items.chunks(BLOCK).enumerate() {
            let terms: Vec<(u64, Arc<ItemTerms>)> = block
                .par_iter()
                .map_init(
                    || Tokenizer::new(language),
                    |tokenizer, &id| {
                        let item = &harvest.items[id];
                        let key = item_key(item);
                        match self.memory.as_ref().and_then(|m| m.get(&item.rel)) {
                            Some((known, terms)) if *known == key => (key, terms.clone()),
                            _ => (key, Arc::new(tokenizer.item_terms(item))),
                        }
                    },
                )
                .collect();
            for (offset, (&id, (key, terms))) in block.iter().zip(terms).enumerate() {
                let doc = (block_number * BLOCK + offset) as u32;
                for (stem, weight) in terms.iter() {
                    match postings.get_mut(stem) {
                        Some(list) => list.push(doc, weight),
                        None => {
                            let mut list = Postings::default();
                            list.push(doc, weight);
                            postings.insert(stem.into(), list);
                        }
                    }
                }
                if let Some(remembered) = &mut remembered {
                    remembered.insert(harvest.items[id].rel.clone(), (key, terms));
                }
            }
        }
        if remembered.is_some() {
            self.memory = remembered;
        }
        let mut files = Vec::new();
        let mut firsts = Vec::new();
        for (n, (first, bytes)) in terms_files(postings).into_iter().enumerate() {
            firsts.push(first);
            files.push((format!("{}terms-{n}.json", published::SEARCH_INDEX), bytes));
        }
        for (n, chunk) in items.chunks(DOCS_PER_FILE).enumerate() {
            let path = format!("{}docs-{n}.json", published::SEARCH_INDEX);
            files.push((path, docs_file(harvest, chunk)));
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
        };
        // Serialising strings and numbers cannot fail.
        let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
        files.push((published::SEARCH_MANIFEST.to_string(), bytes));
        files
    }
}

/// A hash of everything an item's stems come from.
fn item_key(item: &Item) -> u64 {
    let mut hasher = DefaultHasher::new();
    (item.body.source_key, &item.title, &item.summary, &item.tags).hash(&mut hasher);
    hasher.finish()
}

/// The items a stem is found in, with its weight in each.
#[derive(Debug, Default)]
struct Postings {
    docs: Vec<u32>,
    weights: Vec<u8>,
}

impl Postings {
    fn push(&mut self, doc: u32, weight: u8) {
        self.docs.push(doc);
        self.weights.push(weight);
    }
}

/// Stems in the order the search script compares them (UTF-16 code units), cut into files of
/// about [`TERMS_FILE_BYTES`]; each file with its first stem.
fn terms_files(postings: FxHashMap<Box<str>, Postings>) -> Vec<(String, Vec<u8>)> {
    let mut stems: Vec<(Box<str>, Postings)> = postings.into_iter().collect();
    stems.sort_unstable_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    let mut files = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for (stem, list) in stems {
        let (_, bytes) = current.get_or_insert_with(|| (stem.to_string(), b"{".to_vec()));
        if bytes.len() > 1 {
            bytes.push(b',');
        }
        // A string always serialises.
        let _ = serde_json::to_writer(&mut *bytes, &*stem);
        bytes.extend_from_slice(b":[");
        let mut before = 0;
        let mut numbers = itoa::Buffer::new();
        for (i, (&doc, &weight)) in list.docs.iter().zip(&list.weights).enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(numbers.format(doc - before).as_bytes());
            bytes.push(b',');
            bytes.extend_from_slice(numbers.format(weight).as_bytes());
            before = doc;
        }
        bytes.push(b']');
        if bytes.len() >= TERMS_FILE_BYTES {
            if let Some((first, mut bytes)) = current.take() {
                bytes.push(b'}');
                files.push((first, bytes));
            }
        }
    }
    if let Some((first, mut bytes)) = current.take() {
        bytes.push(b'}');
        files.push((first, bytes));
    }
    if files.is_empty() {
        files.push((String::new(), b"{}".to_vec()));
    }
    files
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
                harvest.urls.link(&item.path),
                &item.summary,
            )
        })
        .collect();
    serde_json::to_vec(&rows).unwrap_or_default()
}

/// Marks a word that is not indexed (too short or long, a stop word).
const NOT_INDEXED: u32 = u32::MAX;

/// Turns items into stems, remembering the stem of every word it met.
struct Tokenizer {
    stemmer: Stemmer,
    stopwords: &'static [&'static str],
    /// Lower-case word → its stem's number, or [`NOT_INDEXED`].
    words: FxHashMap<Box<str>, u32>,
    /// Stem → its number, and the other way round.
    numbers: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
    /// Per stem number, its weight in the item being read; and the stems it has.
    weights: Vec<u32>,
    touched: Vec<u32>,
}

impl Tokenizer {
    fn new(language: Language) -> Self {
        Tokenizer {
            stemmer: stemmer(language),
            stopwords: stopwords(language),
            words: FxHashMap::default(),
            numbers: FxHashMap::default(),
            stems: Vec::new(),
            weights: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn item_terms(&mut self, item: &Item) -> ItemTerms {
        let mut buffer = String::new();
        let mut add = |text: &str, weight: u32| {
            each_word(text, &mut buffer, |word| self.add(word, weight));
        };
        add(&item.title, TITLE);
        for tag in &item.tags {
            add(tag, HEADING_OR_TAG);
        }
        for heading in &item.body.headings {
            add(&heading.title, HEADING_OR_TAG);
        }
        add(&item.summary, SUMMARY);
        each_text_in_html(&item.body.html, |text| add(text, BODY));
        let mut terms = ItemTerms {
            stems: String::new(),
            weights: Vec::with_capacity(self.touched.len()),
        };
        for &number in &self.touched {
            let slot = &mut self.weights[number as usize];
            terms.stems.push_str(&self.stems[number as usize]);
            terms.stems.push('\n');
            terms.weights.push((*slot).min(255) as u8);
            *slot = 0;
        }
        self.touched.clear();
        terms.stems.shrink_to_fit();
        terms
    }

    fn add(&mut self, word: &str, weight: u32) {
        let number = match self.words.get(word) {
            Some(&number) => number,
            None => {
                let number = self.number(word);
                self.words.insert(word.into(), number);
                number
            }
        };
        if number == NOT_INDEXED {
            return;
        }
        let slot = &mut self.weights[number as usize];
        if *slot == 0 {
            self.touched.push(number);
        }
        *slot += weight;
    }

    /// The number of a word's stem, a new one if the stem is new.
    fn number(&mut self, word: &str) -> u32 {
        let length = word.chars().count();
        if !(MIN_WORD..=MAX_WORD).contains(&length) || self.stopwords.binary_search(&word).is_ok()
        {
            return NOT_INDEXED;
        }
        let stem = self.stemmer.stem(word);
        if let Some(&number) = self.numbers.get(stem.as_ref()) {
            return number;
        }
        let number = self.stems.len() as u32;
        self.stems.push(stem.as_ref().into());
        self.numbers.insert(stem.as_ref().into(), number);
        self.weights.push(0);
        number
    }
}

/// Calls `word` with each word of `text`, lower-cased. A word is a run of letters and digits
/// (Unicode `Alphabetic` or `Numeric`), as `[\p{Alphabetic}\p{N}]+` in the search script.
pub fn each_word(text: &str, buffer: &mut String, mut word: impl FnMut(&str)) {
    buffer.clear();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            buffer.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            buffer.extend(c.to_lowercase());
        } else if !buffer.is_empty() {
            word(buffer);
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        word(buffer);
        buffer.clear();
    }
}

/// Calls `text` with each stretch of text between the tags of `html`. Character references
/// (`&amp;`) separate words, as the characters they stand for would.
fn each_text_in_html(html: &str, mut text: impl FnMut(&str)) {
    let bytes = html.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                text(&html[start..i]);
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |end| i + end + 1);
                start = i;
            }
            b'&' => {
                let reference = bytes[i..].iter().take(12).position(|&b| b == b';');
                if let Some(end) = reference {
                    text(&html[start..i]);
                    i += end + 1;
                    start = i;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    text(&html[start.min(bytes.len())..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        each_word(text, &mut String::new(), |w| found.push(w.to_string()));
        found
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_in_lower_case() {
        assert_eq!(
            words("Thema’s: CoP-leden & de Omgevingswet (2024), coördinatie"),
            ["thema", "s", "cop", "leden", "de", "omgevingswet", "2024", "coördinatie"]
        );
    }

    #[test]
    fn html_is_read_as_text_between_tags() {
        let mut found = Vec::new();
        each_text_in_html(
            "<h2 id=\"a\">Kop</h2>\n<p>R&amp;D <em>nu</em>&nbsp;hier</p>",
            |t| found.extend(words(t)),
        );
        assert_eq!(found, ["kop", "r", "d", "nu", "hier"]);
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
        let mut postings = FxHashMap::default();
        for n in 0..2000u32 {
            let mut list = Postings::default();
            list.push(n, 1);
            list.push(n + 5, 9);
            postings.insert(format!("stam{n:04}").into_boxed_str(), list);
        }
        let files = terms_files(postings);
        assert!(files.len() > 1);
        assert_eq!(files[0].0, "stam0000");
        let first: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
        assert_eq!(first["stam0001"], serde_json::json!([1, 1, 5, 9]));
        let firsts: Vec<_> = files.iter().map(|(f, _)| f.clone()).collect();
        let mut sorted = firsts.clone();
        sorted.sort();
        assert_eq!(firsts, sorted);
    }
}
