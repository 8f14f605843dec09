//! The items as results show them: kind, number, title, address, summary, and the body as
//! plain text cut at its headings, so a result can show the words around a match and link
//! to the heading they stand under. Written a few items to a file: the text is most of the
//! index's bytes. Each body is read once, for its file and for its stems.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::plain::{Part, parts};
use super::words::{ItemTerms, Tokenizer};
use crate::harvest::{Harvest, Item, ItemId};

/// An items file and the stems of its items, keyed as the memo keeps them.
pub(super) struct Made {
    pub(super) terms: Vec<(u64, Arc<ItemTerms>)>,
    pub(super) file: (u64, Arc<Vec<u8>>),
}

/// The last run's stems of every item, and its file of the same number.
pub(super) type Earlier<'a> = (
    &'a FxHashMap<String, (u64, Arc<ItemTerms>)>,
    Option<&'a (u64, Arc<Vec<u8>>)>,
);

/// The items file of `items` and their stems, each body read once and only where needed:
/// with what the last run made (`earlier`), stems of an unchanged item and a file whose
/// items show the same are taken from it.
pub(super) fn make_file(
    harvest: &Harvest,
    items: &[ItemId],
    earlier: Option<Earlier<'_>>,
    tokenizer: &mut Tokenizer<'_>,
) -> Made {
    let file_key = earlier.map_or(0, |_| items_key(harvest, items));
    let file = earlier
        .and_then(|(_, file)| file)
        .filter(|(was, _)| *was == file_key)
        .cloned();
    let mut bodies = Vec::with_capacity(items.len());
    let mut terms = Vec::with_capacity(items.len());
    for &id in items {
        let item = &harvest.items[id];
        let key = earlier.map_or(0, |_| super::item_key(item));
        let known = earlier
            .and_then(|(terms, _)| terms.get(&item.rel))
            .filter(|(was, _)| *was == key);
        let body = match (known, &file) {
            (Some(_), Some(_)) => Vec::new(),
            _ => parts(&item.body.html_text()),
        };
        terms.push(match known {
            Some(known) => known.clone(),
            None => (key, Arc::new(tokenizer.item_terms(item, &body))),
        });
        bodies.push(body);
    }
    let file = file.unwrap_or_else(|| {
        let bytes = items_file(harvest, items, &bodies);
        (file_key, Arc::new(bytes))
    });
    Made { terms, file }
}

/// A hash of everything [`items_file`] makes of `items`: a file whose key is the same is the
/// same file.
pub(super) fn items_key(harvest: &Harvest, items: &[ItemId]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    for &id in items {
        let item = &harvest.items[id];
        (
            item.kind,
            item.number,
            &item.title,
            &item.path,
            &item.summary,
        )
            .hash(&mut hasher);
        (item.language, &*item.body.html_text()).hash(&mut hasher);
    }
    harvest.routes.urls.base_path().hash(&mut hasher);
    hasher.finish()
}

/// An items file: per item `[kind, number, title, url, summary, anchor, heading, text, ...]`
/// (a part of its body after another), as JSON. `bodies` are the items' bodies cut into
/// [`parts`].
pub(super) fn items_file(harvest: &Harvest, items: &[ItemId], bodies: &[Vec<Part>]) -> Vec<u8> {
    let rows: Vec<Row<'_>> = (items.iter().zip(bodies))
        .map(|(&id, body)| Row {
            harvest,
            item: &harvest.items[id],
            body,
        })
        .collect();
    // Strings and numbers always serialise.
    serde_json::to_vec(&rows).unwrap_or_default()
}

/// An item as its items file shows it, written as one JSON array.
struct Row<'a> {
    harvest: &'a Harvest,
    item: &'a Item,
    body: &'a [Part],
}

impl serde::Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let item = self.item;
        let mut row = serializer.serialize_seq(None)?;
        row.serialize_element(super::super::context::kind_name(item.kind))?;
        row.serialize_element(&item.number)?;
        row.serialize_element(&item.title)?;
        row.serialize_element(&self.harvest.routes.urls.link(&item.path))?;
        row.serialize_element(&item.summary)?;
        for part in self.body {
            row.serialize_element(&part.anchor)?;
            row.serialize_element(&part.heading)?;
            row.serialize_element(&part.text)?;
        }
        // The language of an item not translated yet, last.
        if item.language != self.harvest.config.language {
            row.serialize_element(item.language.code())?;
        }
        row.end()
    }
}
