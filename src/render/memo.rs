//! What the render stage remembers between runs of the preview server: each page with a
//! hash of its template input, so a page whose input did not change is not rendered again;
//! the files beside the pages; the search index's stems.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;
use tera::Context;

use super::affected::{PageOf, Shown, Shows};
use super::jobs::Job;
use super::search::SearchMemo;
use crate::harvest::{Harvest, ItemId};

/// A page to remember: its output file, the hash of its template input, its HTML, and
/// the items whose cards it shows.
pub(super) struct Remembered {
    pub(super) file: String,
    pub(super) key: u64,
    pub(super) html: Arc<Vec<u8>>,
    pub(super) shows: Vec<ItemId>,
}

/// Pages of an earlier run by output file, with a hash of what their templates were given.
pub(super) type Pages = HashMap<String, (u64, Arc<Vec<u8>>)>;

/// What the render stage remembers between runs. One build keeps none; the preview
/// server keeps one over all its runs.
#[derive(Default)]
pub struct RenderMemo {
    pub(super) pages: Pages,
    /// The files beside the pages (feed, sitemap, open data, search index) as the last
    /// run made them: a quick rebuild puts them out again.
    pub(super) published: BTreeMap<String, Arc<Vec<u8>>>,
    pub(super) search: SearchMemo,
    /// Which pages show which items (see [`super::affected`]).
    pub(super) shows: Shows,
    /// The hash of what every page is given (site, navigation, interface strings) in the
    /// last run.
    pub(super) global: Option<u64>,
    /// The list pages a quick rebuild left to the files that follow it: their items are
    /// the same, only the number of pages their pagination counts changed.
    pub(super) later: Vec<Job>,
}

impl RenderMemo {
    /// Keeps a page `job` made, with the items it shows; gives its file when the page
    /// differs from the one kept before.
    pub(super) fn remember(
        &mut self,
        job: Job,
        harvest: &Harvest,
        page: Remembered,
    ) -> Option<String> {
        let shows = page.shows.iter().map(|&id| harvest.items[id].rel.clone());
        (self.shows).insert(PageOf::of(job, harvest), Shown::new(shows.collect()));
        let file = page.file.clone();
        let was = self.pages.insert(page.file, (page.key, page.html.clone()));
        (was.is_none_or(|(_, html)| html != page.html)).then_some(file)
    }
}

/// A template context, and a hash of everything put into it when pages are remembered.
pub(super) struct Inputs {
    pub(super) context: Context,
    hasher: Option<DefaultHasher>,
}

impl Inputs {
    pub(super) fn new(seed: Option<u64>) -> Self {
        let hasher = seed.map(|seed| {
            let mut hasher = DefaultHasher::new();
            seed.hash(&mut hasher);
            hasher
        });
        Inputs {
            context: Context::new(),
            hasher,
        }
    }

    pub(super) fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(hasher) = &mut self.hasher {
            key.hash(hasher);
            // Serialising a view cannot fail: views hold only strings, numbers and lists.
            let _ = serde_json::to_writer(HashWriter(hasher), value);
        }
        self.context.insert(key, value);
    }

    /// Adds to the hash what templates reach outside the context (through functions); the
    /// value is made only when pages are remembered.
    pub(super) fn mix(&mut self, value: impl FnOnce() -> u64) {
        if let Some(hasher) = &mut self.hasher {
            value().hash(hasher);
        }
    }

    pub(super) fn key(&self) -> Option<u64> {
        self.hasher.as_ref().map(Hasher::finish)
    }
}

/// Feeds written bytes into a hasher.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
