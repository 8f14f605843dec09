//! Looking items up by content path, slug and number.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::{Item, ItemId};
use crate::content::slug::{number_from_file_name, slug_from_file_name, slugify};
use crate::content::{Document, Kind, Section};

/// Why a reference finds no live item, when it names something that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Missing {
    Draft,
    Failed,
}

/// Looks items up by content path, slug and number; knows the drafts left out and the
/// files that failed, so a reference to one of those is reported once, rightly. Paths and
/// slugs are shared text: the preview copies the lookups after an item came or went.
#[derive(Debug, Clone)]
pub(super) struct Index {
    pub(super) by_rel: HashMap<Arc<str>, ItemId>,
    pub(super) by_slug: HashMap<(Section, Arc<str>), ItemId>,
    pub(super) by_number: HashMap<(Section, u32), ItemId>,
    pub(super) missing: HashMap<(Option<Section>, String), Missing>,
}

impl Index {
    pub(super) fn new(items: &[Arc<Item>], left_out: &[&Document], failed: &[&str]) -> Index {
        let mut index = Index {
            by_rel: HashMap::default(),
            by_slug: HashMap::default(),
            by_number: HashMap::default(),
            missing: HashMap::default(),
        };
        for (id, item) in items.iter().enumerate() {
            index.by_rel.insert(item.rel.as_str().into(), id);
            if let Kind::Item(section) = item.kind {
                index
                    .by_slug
                    .insert((section, item.slug.as_str().into()), id);
                if let Some(n) = item.number {
                    index.by_number.insert((section, n), id);
                }
            }
        }
        for doc in left_out {
            let slug = doc
                .front
                .slug
                .as_deref()
                .map_or_else(|| slug_from_file_name(doc.stem()), slugify);
            index.remember(&doc.rel, Some(slug), doc.front.number, Missing::Draft);
        }
        for rel in failed {
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md");
            let number = number_from_file_name(stem);
            index.remember(
                rel,
                Some(slug_from_file_name(stem)),
                number,
                Missing::Failed,
            );
        }
        index
    }

    fn remember(&mut self, rel: &str, slug: Option<String>, number: Option<u32>, why: Missing) {
        self.missing.insert((None, rel.to_string()), why);
        if let Kind::Item(section) = Kind::of(rel) {
            if let Some(slug) = slug {
                self.missing.insert((Some(section), slug), why);
            }
            if let Some(n) = number {
                self.missing.insert((Some(section), n.to_string()), why);
            }
        }
    }

    pub(super) fn find(&self, section: Section, reference: &str) -> Option<ItemId> {
        match reference.parse::<u32>() {
            Ok(n) if section != Section::Themes => self.by_number.get(&(section, n)).copied(),
            _ => self.by_slug.get(&(section, reference.into())).copied(),
        }
    }
}
