//! The search index: every theme, conclusion, recommendation and page, found by the stems of
//! the words in its title, tags, headings, summary and body. The theme's `search.js` queries
//! it in the browser, with no server: it stems the query with the same Snowball algorithm
//! (Dutch or English, after the site's language) and fetches only the files it needs.
//!
//! The index is a folder of files (see [`crate::routes::published::SEARCH_INDEX`]):
//!
//! - `index.json`, the manifest: format and version, the language, the stop words, how many
//!   items there are, the first stem of each terms and vocabulary file, the theme's words;
//! - `terms-<n>.json`: stems in order, each with its postings, `[item, score, item, score,
//!   ...]`, the item numbers as differences from the one before, the score the stem's BM25
//!   term-frequency part for the item (fields weighted, length normalised) out of 255;
//! - `items-<n>.json.gz`: [`ITEMS_PER_FILE`] items each, as results show them, `[kind,
//!   number, title, url, summary, anchor, heading, text, ...]`: the body's text for
//!   excerpts, cut at its headings; gzipped;
//! - `heads-<n>.json` and `tails-<n>.json`: every stem, in order of its start and of its end
//!   (read backwards), for words one letter off (typo tolerance);
//! - `filters.json`: the themes, and per item its kind and themes, for the search page.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::content::Section;
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::published;

mod text;
mod words;

pub use words::{ItemTerms, stemmer, stopwords};
use words::{Stems, Tokenizer};

/// What the manifest's `format` says, and the version of the layout described above.
pub const FORMAT: &str = "oogst-search";
pub const VERSION: u32 = 2;

/// A terms file is closed once it holds this many bytes, so a query fetches little.
const TERMS_FILE_BYTES: usize = 48 * 1024;

/// Items per items file: a result costs the text of a few items.
pub const ITEMS_PER_FILE: usize = 2;

/// A vocabulary file is closed once it holds this many bytes.
const VOCAB_FILE_BYTES: usize = 16 * 1024;

/// BM25's saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words shorter or longer than this (in characters) are not indexed.
pub const MIN_WORD: usize = 2;
pub const MAX_WORD: usize = 40;

/// Items are read in blocks of this many, so a one-time build holds the words of two blocks
/// (one made while the one before is gathered), not of the whole harvest.
const BLOCK: usize = 512;

/// The manifest, `index.json`.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    format: &'static str,
    version: u32,
    language: &'static str,
    stopwords: &'static [&'static str],
    min_word: usize,
    max_word: usize,
    /// How many items there are, and how many each items file describes.
    docs: usize,
    items_per_file: usize,
    /// The first stem of each terms file.
    terms: &'a [String],
    /// The first stem of each vocabulary file, in order of start and of end.
    heads: &'a [String],
    tails: &'a [String],
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
    /// `Resultaten voor ‘{q}’` when a word was taken one letter off.
    instead: String,
    /// The filters on the search page: their names, and "any".
    kind: String,
    theme: String,
    any: String,
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
            instead: text("search_instead"),
            kind: text("search_filter_kind"),
            theme: text("search_filter_theme"),
            any: text("search_filter_any"),
        }
    }
}

/// What the search index remembers between runs: the numbers of the stems, and the stems
/// of each item with a key of its text, reused while the item is unchanged (for the preview
/// server, which builds again and again).
#[derive(Default)]
pub struct SearchMemo {
    stems: Mutex<Stems>,
    terms: FxHashMap<String, (u64, Arc<ItemTerms>)>,
    /// Each file of items by its number.
    items_files: FxHashMap<usize, KeyedFile>,
}

/// A file of items with a hash of what its items show.
type KeyedFile = (u64, Arc<Vec<u8>>);

/// The items that go into the index, in the order of their numbers there.
fn indexed_items(harvest: &Harvest) -> Vec<ItemId> {
    let sections = Section::ALL.iter().flat_map(|&s| harvest.section(s));
    sections.chain(&harvest.pages).copied().collect()
}

/// Makes the files of the index of `harvest`, giving each to `emit` (site-relative path and
/// bytes) as soon as it is made. `strings` are the theme's UI strings. With a memo, the
/// stems of unchanged items are taken from it, and it is given those of this run.
pub fn files(
    harvest: &Harvest,
    strings: &serde_json::Map<String, serde_json::Value>,
    memo: Option<&mut SearchMemo>,
    emit: &(dyn Fn(String, Arc<Vec<u8>>) + Sync),
) {
    let items = indexed_items(harvest);
    let language = harvest.config.language;
    let folder = harvest.routes.per_language(published::SEARCH_INDEX);
    let keep = memo.is_some();
    // Without a memo, numbers of stems are kept only as long as the items that use them.
    let mut fresh = SearchMemo::default();
    let memo = memo.unwrap_or(&mut fresh);
    let mut index = Gathered::default();
    // The items files, made with the stems of their items from one reading of each body, a
    // block of items at a time, so the bodies' text is never all held at once. With a memo,
    // a file whose items show the same as before is not made again. A block's stems are
    // gathered into the postings while the next block is made.
    let files: Vec<&[ItemId]> = items.chunks(ITEMS_PER_FILE).collect();
    let known = std::mem::take(&mut memo.items_files);
    let mut made_files = FxHashMap::default();
    {
        // A tokenizer and a gzip writer for each thread, kept over all blocks: the tokenizer
        // knows the words it met, the writer has its tables.
        let tools: Vec<Mutex<(Tokenizer, text::Gzip)>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new((Tokenizer::new(language, &memo.stems), text::Gzip::new())))
            .collect();
        let terms = &memo.terms;
        let make = |n: usize, chunk: &[ItemId]| {
            let thread = rayon::current_thread_index().unwrap_or(0);
            let mut tools = tools[thread % tools.len()]
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let (tokenizer, gzip) = &mut *tools;
            let earlier = keep.then_some((terms, known.get(&n)));
            let made = text::make_file(harvest, chunk, earlier, tokenizer, gzip);
            emit(format!("{folder}items-{n}.json.gz"), made.file.1.clone());
            (n, made)
        };
        let files_per_block = BLOCK / ITEMS_PER_FILE;
        let mut gathering: Vec<(usize, text::Made)> = Vec::new();
        for (block_number, block) in files.chunks(files_per_block).enumerate() {
            let first = block_number * files_per_block;
            let (made, ()) = rayon::join(
                || {
                    (block.par_iter().enumerate())
                        .map(|(offset, &chunk)| make(first + offset, chunk))
                        .collect()
                },
                || index.gather(harvest, &files, std::mem::take(&mut gathering), keep),
            );
            gathering = made;
        }
        index.gather(harvest, &files, gathering, keep);
        if keep {
            made_files = index.files.drain(..).collect();
        }
    }
    memo.items_files = made_files;
    let Gathered {
        postings,
        lengths,
        remembered,
        ..
    } = index;
    memo.terms = remembered;
    let stems = memo.stems.lock().unwrap_or_else(|e| e.into_inner());
    let scores = Bm25::new(&lengths);
    let mut firsts = Vec::new();
    let order = stem_order(&stems.names, &postings);
    terms_files(
        &stems.names,
        &postings,
        &order,
        &scores,
        &mut |first, bytes| {
            let path = format!("{}terms-{}.json", folder, firsts.len());
            firsts.push(first);
            emit(path, Arc::new(bytes));
        },
    );
    drop(postings);
    let mut heads = Vec::new();
    vocabulary_files(
        order.iter().map(|&n| &*stems.names[n]),
        &mut |first, bytes| {
            let path = format!("{}heads-{}.json", folder, heads.len());
            heads.push(first);
            emit(path, Arc::new(bytes));
        },
    );
    let mut tails = Vec::new();
    let mut backwards: Vec<(Vec<u16>, usize)> = order
        .iter()
        .map(|&n| {
            let mut units: Vec<u16> = stems.names[n].encode_utf16().collect();
            units.reverse();
            (units, n)
        })
        .collect();
    backwards.sort_unstable();
    vocabulary_files(
        backwards.iter().map(|(_, n)| &*stems.names[*n]),
        &mut |first, bytes| {
            let path = format!("{}tails-{}.json", folder, tails.len());
            tails.push(first);
            emit(path, Arc::new(bytes));
        },
    );
    drop(backwards);
    drop(stems);
    emit(
        format!("{folder}filters.json"),
        Arc::new(filters_file(harvest, &items)),
    );
    let manifest = Manifest {
        format: FORMAT,
        version: VERSION,
        language: language.code(),
        stopwords: stopwords(language),
        min_word: MIN_WORD,
        max_word: MAX_WORD,
        docs: items.len(),
        items_per_file: ITEMS_PER_FILE,
        terms: &firsts,
        heads: &heads,
        tails: &tails,
        strings: Strings::of(strings),
    };
    // Serialising strings and numbers cannot fail.
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    emit(
        harvest.routes.per_language(published::SEARCH_MANIFEST),
        Arc::new(bytes),
    );
}

/// The postings of the items files made so far, in the order of the files.
#[derive(Default)]
struct Gathered {
    postings: Vec<Postings>,
    /// Each item's length, by its number in the index.
    lengths: Vec<u32>,
    /// With a memo: the stems of each item, by content path, and each items file by number.
    remembered: FxHashMap<String, (u64, Arc<ItemTerms>)>,
    files: Vec<(usize, KeyedFile)>,
}

impl Gathered {
    /// Adds the stems of the items of `made` (files by number, in order) to the postings.
    fn gather(
        &mut self,
        harvest: &Harvest,
        files: &[&[ItemId]],
        made: Vec<(usize, text::Made)>,
        keep: bool,
    ) {
        for (n, made) in made {
            for (&id, (key, terms)) in files[n].iter().zip(made.terms) {
                let doc = self.lengths.len() as u32;
                self.lengths.push(terms.length);
                for (&stem, &weight) in terms.stems.iter().zip(&terms.weights) {
                    let stem = stem as usize;
                    if self.postings.len() <= stem {
                        self.postings.resize_with(stem + 1, Postings::default);
                    }
                    self.postings[stem].push(doc, weight);
                }
                if keep {
                    self.remembered
                        .insert(harvest.items[id].rel.clone(), (key, terms));
                }
            }
            if keep {
                self.files.push((n, made.file));
            }
        }
    }
}

/// A hash of everything an item's stems come from.
pub(super) fn item_key(item: &Item) -> u64 {
    let mut hasher = DefaultHasher::new();
    (item.body.source_key, &item.title, &item.summary, &item.tags).hash(&mut hasher);
    hasher.finish()
}

/// The items a stem is found in, with its weight in each: each item's number as the
/// difference from the one before, then the weight, both in LEB128. Compact, as the
/// postings of a whole harvest are held at once.
#[derive(Debug, Default)]
struct Postings {
    bytes: Vec<u8>,
    last: u32,
}

fn leb128(bytes: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

impl Postings {
    fn push(&mut self, doc: u32, weight: u16) {
        leb128(&mut self.bytes, doc - self.last);
        leb128(&mut self.bytes, u32::from(weight));
        self.last = doc;
    }

    /// Each item's difference from the one before, with its weight.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut bytes = self.bytes.iter().copied();
        let mut number = move || {
            let mut n = 0u32;
            let mut shift = 0;
            loop {
                let b = bytes.next()?;
                n |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Some(n);
                }
                shift += 7;
            }
        };
        std::iter::from_fn(move || Some((number()?, number()?)))
    }
}

/// The BM25 term-frequency part of a score, from an item's weighted frequency of a stem and
/// its length, as a number from 1 to 255 (the search script multiplies it by the stem's
/// inverse document frequency).
struct Bm25<'a> {
    lengths: &'a [u32],
    average: f64,
}

impl<'a> Bm25<'a> {
    fn new(lengths: &'a [u32]) -> Self {
        let total: f64 = lengths.iter().map(|&l| f64::from(l)).sum();
        let average = (total / lengths.len().max(1) as f64).max(1.0);
        Bm25 { lengths, average }
    }

    fn score(&self, doc: usize, frequency: u32) -> u32 {
        let length = f64::from(self.lengths.get(doc).copied().unwrap_or(1));
        let tf = f64::from(frequency);
        let part = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.average));
        ((part / (K1 + 1.0) * 255.0).round() as u32).clamp(1, 255)
    }
}

/// The numbers of the stems found in any item, in the order the search script compares
/// them (UTF-16 code units).
fn stem_order(names: &[Box<str>], postings: &[Postings]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..postings.len())
        .filter(|&n| !postings[n].bytes.is_empty())
        .collect();
    order.sort_unstable_by(|&a, &b| names[a].encode_utf16().cmp(names[b].encode_utf16()));
    order
}

/// The stems in `order`, cut into files of about [`TERMS_FILE_BYTES`]; gives each file with
/// its first stem to `emit`.
fn terms_files(
    names: &[Box<str>],
    postings: &[Postings],
    order: &[usize],
    scores: &Bm25<'_>,
    emit: &mut dyn FnMut(String, Vec<u8>),
) {
    let mut current: Option<(String, Vec<u8>)> = None;
    let mut numbers = itoa::Buffer::new();
    let mut none = true;
    for &n in order {
        let (stem, list) = (&names[n], &postings[n]);
        let (_, bytes) = current.get_or_insert_with(|| (stem.to_string(), b"{".to_vec()));
        if bytes.len() > 1 {
            bytes.push(b',');
        }
        // A string always serialises.
        let _ = serde_json::to_writer(&mut *bytes, &**stem);
        bytes.extend_from_slice(b":[");
        let mut doc = 0usize;
        for (i, (delta, weight)) in list.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            doc += delta as usize;
            bytes.extend_from_slice(numbers.format(delta).as_bytes());
            bytes.push(b',');
            bytes.extend_from_slice(numbers.format(scores.score(doc, weight)).as_bytes());
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

/// `stems` as JSON arrays of about [`VOCAB_FILE_BYTES`]; gives each with its first stem.
fn vocabulary_files<'s>(
    stems: impl Iterator<Item = &'s str>,
    emit: &mut dyn FnMut(String, Vec<u8>),
) {
    let mut current: Option<(String, Vec<u8>)> = None;
    for stem in stems {
        let (_, bytes) = current.get_or_insert_with(|| (stem.to_string(), b"[".to_vec()));
        if bytes.len() > 1 {
            bytes.push(b',');
        }
        let _ = serde_json::to_writer(&mut *bytes, stem);
        if bytes.len() >= VOCAB_FILE_BYTES
            && let Some((first, mut bytes)) = current.take()
        {
            bytes.push(b']');
            emit(first, bytes);
        }
    }
    if let Some((first, mut bytes)) = current.take() {
        bytes.push(b']');
        emit(first, bytes);
    }
}

/// For the filters of the search page: the themes as `[slug, title]`, each item's kind as
/// one letter of `kinds` (`tcrp`), and each item's themes by their place in that list.
fn filters_file(harvest: &Harvest, items: &[ItemId]) -> Vec<u8> {
    let themes = harvest.section(Section::Themes);
    let place: FxHashMap<ItemId, usize> = themes.iter().enumerate().map(|(n, &t)| (t, n)).collect();
    let mut kinds = String::with_capacity(items.len());
    let mut of_item: Vec<Vec<usize>> = Vec::with_capacity(items.len());
    for &id in items {
        let item = &harvest.items[id];
        let name = super::context::kind_name(item.kind);
        kinds.push(name.chars().next().unwrap_or('p'));
        let mut mine: Vec<usize> = Vec::new();
        let mut add = |theme: ItemId| {
            if let Some(&n) = place.get(&theme)
                && !mine.contains(&n)
            {
                mine.push(n);
            }
        };
        add(id);
        for &theme in &harvest.relations[id].themes {
            add(theme);
        }
        // A recommendation belongs to the themes of its conclusions.
        if name == "recommendation" {
            for &conclusion in &harvest.relations[id].conclusions {
                for &theme in &harvest.relations[conclusion].themes {
                    add(theme);
                }
            }
        }
        mine.sort_unstable();
        of_item.push(mine);
    }
    let themes: Vec<(&str, &str)> = themes
        .iter()
        .map(|&t| {
            (
                harvest.items[t].slug.as_str(),
                harvest.items[t].title.as_str(),
            )
        })
        .collect();
    let filters = serde_json::json!({ "themes": themes, "kinds": kinds, "item_themes": of_item });
    serde_json::to_vec(&filters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        long.push(70_002, 3000);
        let read: Vec<_> = long.iter().collect();
        assert_eq!(
            read,
            [(3, 200), (297, 200), (69_700, 200), (1, 200), (1, 3000)]
        );
        names.push("leeg".into());
        postings.push(Postings::default());
        let lengths = vec![10; 5010];
        let mut files = Vec::new();
        let order = stem_order(&names, &postings);
        terms_files(
            &names,
            &postings,
            &order,
            &Bm25::new(&lengths),
            &mut |first, bytes| files.push((first, bytes)),
        );
        assert!(files.len() > 1);
        assert_eq!(files[0].0, "stam0000");
        let first: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
        let list = first["stam0001"].as_array().unwrap();
        assert_eq!((list[0].as_u64(), list[2].as_u64()), (Some(1), Some(5)));
        assert!(
            list[1].as_u64() < list[3].as_u64(),
            "a stem found more often scores higher: {list:?}"
        );
        assert!(
            first.get("leeg").is_none(),
            "stems no item has are left out"
        );
        let firsts: Vec<_> = files.iter().map(|(f, _)| f.clone()).collect();
        let mut sorted = firsts.clone();
        sorted.sort();
        assert_eq!(firsts, sorted);
    }

    #[test]
    fn bm25_saturates_and_prefers_short_items() {
        let lengths = [10, 100, 10];
        let bm25 = Bm25::new(&lengths);
        assert!(bm25.score(0, 1) > bm25.score(1, 1), "the shorter item");
        assert!(bm25.score(0, 8) > bm25.score(0, 1));
        assert!(bm25.score(0, 1000) <= 255);
        assert!(bm25.score(1, 0) >= 1);
    }
}
