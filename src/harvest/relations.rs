//! Relations between items: those written in front matter resolved, those that point
//! back derived, every list in reading order.

use std::sync::Arc;

use super::error::LinkError;
use super::index::{Index, Missing};
use super::{Item, ItemId};
use crate::content::{Document, Kind, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// The relations of an item, in the three directions a reader can follow.
///
/// For a conclusion, `themes` are written in its front matter and `recommendations` are
/// derived (the recommendations that build on it); for a theme, both lists are derived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    pub themes: Vec<ItemId>,
    pub conclusions: Vec<ItemId>,
    pub recommendations: Vec<ItemId>,
}

impl Relations {
    /// The list of the related items of `section`.
    pub(super) fn of_mut(&mut self, section: Section) -> &mut Vec<ItemId> {
        match section {
            Section::Themes => &mut self.themes,
            Section::Conclusions => &mut self.conclusions,
            Section::Recommendations => &mut self.recommendations,
        }
    }
}

/// Resolves the `themes:` and `conclusions:` of a document to items.
pub(super) fn resolve_relations(
    doc: &Document,
    index: &Index,
    diagnostics: &mut Diagnostics,
) -> Relations {
    let mut relations = Relations::default();
    let wanted = doc
        .front
        .themes
        .iter()
        .map(|t| ("themes", Section::Themes, t.clone()))
        .chain(
            doc.front
                .conclusions
                .iter()
                .map(|c| ("conclusions", Section::Conclusions, c.to_string())),
        );
    for (key, section, reference) in wanted {
        let found = index.find(section, &reference);
        match found {
            Some(id) => {
                let list = relations.of_mut(section);
                if !list.contains(&id) {
                    list.push(id);
                }
            }
            None => {
                let error = match index.missing.get(&(Some(section), reference.clone())) {
                    Some(Missing::Failed) => continue,
                    Some(Missing::Draft) => LinkError::ToDraft {
                        reference: reference.clone(),
                    },
                    None => LinkError::Dangling {
                        suggestion: did_you_mean(
                            &reference,
                            (index.by_slug.keys())
                                .filter(|(s, _)| *s == section)
                                .map(|(_, slug)| &**slug),
                        )
                        .map(str::to_string),
                        kind: singular(section),
                        reference: reference.clone(),
                    },
                };
                diagnostics.push(Diagnostic::new(
                    &doc.path,
                    doc.value_position(key, &reference),
                    &error,
                ));
            }
        }
    }
    relations
}

fn singular(section: Section) -> &'static str {
    match section {
        Section::Themes => "theme",
        Section::Conclusions => "conclusion",
        Section::Recommendations => "recommendation",
    }
}

/// Each item's relations: those its front matter names (`written`, by [`ItemId`]) and
/// those that point back (a theme's conclusions and recommendations, a conclusion's
/// recommendations), every list in reading order.
pub(super) fn derive_backlinks(items: &[Arc<Item>], written: &[Relations]) -> Vec<Relations> {
    let mut relations = written.to_vec();
    for (id, (item, names)) in items.iter().zip(written).enumerate() {
        let Kind::Item(section) = item.kind else {
            continue;
        };
        for &target in names.themes.iter().chain(&names.conclusions) {
            let list = relations[target].of_mut(section);
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }
    let order: Vec<_> = items.iter().map(|item| reading_order(item)).collect();
    for r in &mut relations {
        for list in [&mut r.themes, &mut r.conclusions, &mut r.recommendations] {
            list.sort_by(|&a, &b| order[a].cmp(&order[b]));
            // Kept for the whole build: no spare capacity.
            list.shrink_to_fit();
        }
    }
    relations
}

/// Items are read by number, then weight, then title.
pub(super) fn reading_order(item: &Item) -> (u32, i64, String) {
    (
        item.number.unwrap_or(u32::MAX),
        item.weight,
        item.title.to_lowercase(),
    )
}
