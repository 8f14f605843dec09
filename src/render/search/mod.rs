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
//! - `items-<n>.json`: [`ITEMS_PER_FILE`] items each, as results show them, `[kind,
//!   number, title, url, summary, anchor, heading, text, ...]`: the body's text for
//!   excerpts, cut at its headings;
//! - `heads-<n>.json` and `tails-<n>.json`: every stem, in order of its start and of its end
//!   (read backwards), for words one letter off (typo tolerance);
//! - `filters.json`: the themes, and per item its kind and themes, for the search page.
//!
//! Every file is plain JSON, compressed on the way by the host (GitHub Pages, Netlify,
//! Cloudflare Pages) or, on GitLab Pages, by the gzipped copy the recipe of `oogst new`
//! writes beside each text file of the site.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::content::Section;
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::published;

mod eight;
mod plain;
mod postings;
mod text;
mod words;

use postings::{Bm25, Gathered, stem_order, terms_files};
pub use words::{ItemTerms, stemmer, stopwords};
use words::{Stems, Tokenizer};

/// What the manifest's `format` says, and the version of the layout described above.
pub const FORMAT: &str = "oogst-search";
pub const VERSION: u32 = 3;

/// Items per items file: a result costs the text of a few items.
pub const ITEMS_PER_FILE: usize = 2;

/// A vocabulary file is closed once it holds this many bytes.
const VOCAB_FILE_BYTES: usize = 16 * 1024;

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
        // A tokenizer for each thread, kept over all blocks: it knows the words it met.
        let tokenizers: Vec<Mutex<Tokenizer>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new(Tokenizer::new(language, &memo.stems)))
            .collect();
        let terms = &memo.terms;
        let make = |n: usize, chunk: &[ItemId]| {
            let thread = rayon::current_thread_index().unwrap_or(0);
            let mut tokenizer = tokenizers[thread % tokenizers.len()]
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let earlier = keep.then_some((terms, known.get(&n)));
            let made = text::make_file(harvest, chunk, earlier, &mut tokenizer);
            emit(format!("{folder}items-{n}.json"), made.file.1.clone());
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

/// A hash of everything an item's stems come from.
pub(super) fn item_key(item: &Item) -> u64 {
    let mut hasher = DefaultHasher::new();
    (item.body.source_key, &item.title, &item.summary, &item.tags).hash(&mut hasher);
    hasher.finish()
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
