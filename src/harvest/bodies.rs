//! Bodies: Markdown rendered with its links resolved, reused from earlier builds while
//! nothing they depend on changed.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet, FxHasher};
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::links::{LinkTargets, body_problems, resolve_link};
use super::{Harvest, ItemId, SUMMARY_LENGTH, shorten};
use crate::content::Document;
use crate::content::markdown::{self, Destination, Rendered, content_link};
use crate::content::spool::Spool;
use crate::diagnostics::Diagnostics;
use crate::routes::UrlMaker;

/// What the link stage remembers between runs: rendered bodies by content path, each
/// reused while its text is unchanged and each `@/` link in it leads where it led.
#[derive(Debug, Default)]
pub struct BodyMemo {
    entries: HashMap<String, Remembered>,
    /// For each file an `@/` link of a remembered body leads to, how many such links there
    /// are: whether a file may go without a body leading nowhere.
    linked: HashMap<String, usize>,
}

/// A rendered body with what it was made from.
#[derive(Debug)]
struct Remembered {
    /// A hash of the body's text, place and the lookups other than pages (see [`body_key`]).
    key: u64,
    body: Arc<Rendered>,
    /// Each `@/` link of the body with what it became: the pages it depends on.
    links: Vec<(String, Destination)>,
}

/// Renders the body of every document (in parallel), reusing those `memo` holds for the
/// same input; unreadable bodies are reported and left empty. Without a memo (one build)
/// not even the keys to find bodies by are made, and the HTML goes into a [`Spool`] (when
/// one can be made, returned too): the harvest holds what it knows of its bodies, not their
/// text.
pub(super) fn render_bodies(
    documents: &[&Document],
    targets: &LinkTargets,
    urls: &UrlMaker,
    safe: bool,
    memo: Option<&mut BodyMemo>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Arc<Rendered>>, u64, Option<Arc<Spool>>) {
    let keep = memo.is_some();
    let spool = if keep {
        None
    } else {
        Spool::new(documents.len())
    };
    let fingerprint = if keep {
        targets_fingerprint(targets, urls, safe)
    } else {
        0
    };
    let known = memo.as_deref();
    let rendered: Vec<_> = documents
        .par_iter()
        .with_max_len(crate::PARALLEL_PIECE)
        .map(|doc| {
            let body = match doc.body() {
                Ok(body) => body,
                Err(unreadable) => return (Arc::default(), None, Some(unreadable)),
            };
            let key = if keep {
                body_key(doc, &body, fingerprint)
            } else {
                0
            };
            if let Some(known) = known.and_then(|m| m.entries.get(&doc.rel))
                && known.key == key
                && known
                    .body
                    .figures
                    .iter()
                    .all(|f| targets.gallery.is_current(&f.source, f.key))
                && known
                    .links
                    .iter()
                    .all(|(dest, was)| resolve_link(dest, doc, targets, urls) == *was)
            {
                return (known.body.clone(), None, None);
            }
            let links = RefCell::new(Vec::new());
            let resolve = |dest: &str| {
                let destination = resolve_link(dest, doc, targets, urls);
                if keep && content_link(dest).is_some() {
                    links
                        .borrow_mut()
                        .push((dest.to_string(), destination.clone()));
                }
                destination
            };
            let mut rendered = markdown::render(&body, doc.body_line, &resolve, safe);
            rendered.source_key = key;
            rendered.keep(spool.as_ref());
            if spool.is_some() {
                // The lead is only the summary of an item whose front matter has none.
                let summary = doc.front.summary.as_deref().map(str::trim);
                if summary.is_some_and(|s| !s.is_empty()) {
                    rendered.lead = String::new();
                }
            }
            (Arc::new(rendered), Some(links.into_inner()), None)
        })
        .collect();
    let mut bodies = Vec::with_capacity(rendered.len());
    let mut fresh = Vec::new();
    for (doc, (body, links, unreadable)) in documents.iter().zip(rendered) {
        diagnostics.extend(unreadable.map(Diagnostics::from).unwrap_or_default());
        if let Some(links) = links {
            fresh.push((doc.rel.clone(), body.clone(), links));
        }
        bodies.push(body);
    }
    if let Some(memo) = memo {
        for (rel, body, links) in fresh {
            let key = body.source_key;
            memo.remember(rel, Remembered { key, body, links });
        }
    }
    (bodies, fingerprint, spool)
}

impl BodyMemo {
    /// Forgets the bodies of files other than `documents` (files that are gone).
    pub(super) fn keep_only(&mut self, documents: &[&Document]) {
        if self.entries.len() > documents.len() {
            let rels: HashSet<&str> = documents.iter().map(|d| d.rel.as_str()).collect();
            let gone: Vec<String> = (self.entries.keys())
                .filter(|rel| !rels.contains(rel.as_str()))
                .cloned()
                .collect();
            for rel in gone {
                self.forget_one(&rel);
            }
        }
    }

    fn remember(&mut self, rel: String, body: Remembered) {
        for file in body.links.iter().map(|(dest, _)| linked_file(dest)) {
            *self.linked.entry(file.to_string()).or_default() += 1;
        }
        if let Some(was) = self.entries.insert(rel, body) {
            self.unlink(&was);
        }
    }

    fn forget_one(&mut self, rel: &str) {
        if let Some(was) = self.entries.remove(rel) {
            self.unlink(&was);
        }
    }

    fn unlink(&mut self, body: &Remembered) {
        for file in body.links.iter().map(|(dest, _)| linked_file(dest)) {
            if let Some(count) = self.linked.get_mut(file) {
                *count -= 1;
                if *count == 0 {
                    self.linked.remove(file);
                }
            }
        }
    }

    /// Forgets the bodies of the files at `rels` (content paths of files that are gone), and
    /// tells whether another remembered body has an `@/` link to one of them.
    pub(super) fn forget(&mut self, rels: &[&str]) -> bool {
        for rel in rels {
            self.forget_one(rel);
        }
        rels.iter().any(|rel| self.linked.contains_key(*rel))
    }
}

/// The file an `@/` link leads to: `@/conclusions/x.md#kop` → `conclusions/x.md`.
fn linked_file(dest: &str) -> &str {
    content_link(dest).map_or(dest, |(file, _)| file)
}

/// A hash of what a body's links can resolve to besides pages (each `@/` link is checked
/// on its own): the files beside the content, the base URL, whether raw HTML is kept.
fn targets_fingerprint(targets: &LinkTargets, urls: &UrlMaker, safe: bool) -> u64 {
    let mut hasher = FxHasher::default();
    (urls.base_path(), safe).hash(&mut hasher);
    let mut assets: Vec<_> = targets.asset_paths.iter().collect();
    assets.sort();
    assets.hash(&mut hasher);
    hasher.finish()
}

/// A hash of a body's text and place.
fn body_key(doc: &Document, body: &str, targets: u64) -> u64 {
    let mut hasher = FxHasher::default();
    (doc.body_hash(body), doc.body_line, &doc.path, targets).hash(&mut hasher);
    hasher.finish()
}

impl Harvest {
    /// Takes in the new bodies of documents whose front matter did not change (remembering
    /// them in `memo`), and returns the items whose pages changed with the problems of the
    /// whole harvest's links. Returns `None`, having changed nothing but the memo, when a
    /// body's change reaches beyond its own pages (a summary taken from the body shows in
    /// lists): then the harvest is linked anew.
    pub fn replace_bodies(
        &mut self,
        docs: &[&Document],
        memo: &mut BodyMemo,
    ) -> Option<(Vec<ItemId>, Diagnostics)> {
        let ids = (docs.iter())
            .map(|doc| self.item_of(&doc.rel))
            .collect::<Option<Vec<ItemId>>>()?;
        let mut diagnostics = Diagnostics::new();
        let safe = self.config.markdown.safe;
        let urls = &self.routes.urls;
        let (bodies, _, _) =
            render_bodies(docs, &self.links, urls, safe, Some(memo), &mut diagnostics);
        for (&id, body) in ids.iter().zip(&bodies) {
            let item = &self.items[id];
            if item.summary_from_body && shorten(&body.lead, SUMMARY_LENGTH) != item.summary {
                return None;
            }
        }
        for (&id, body) in ids.iter().zip(bodies) {
            Arc::make_mut(&mut self.items[id]).body = body;
        }
        diagnostics.extend(body_problems(
            &self.items,
            0..self.items.len(),
            &self.links.index,
        ));
        Some((ids, diagnostics))
    }
}
