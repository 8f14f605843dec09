//! The print edition in parts, as a division of the harvest: a harvest of more than
//! `print.max_items` items (themes, conclusions, recommendations and pages together) is cut
//! into parts, one per section, and a section of more than that many items into parts by
//! theme: its items grouped by their first theme (a recommendation without one by that of
//! its first conclusion), in the themes' reading order, groups packed into parts of at most
//! `max_items` (a larger group cut). Every item is in exactly one part. The print edition's
//! pages and the PDF edition's files follow the same division.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use super::{Harvest, ItemId};
use crate::content::Section;
use crate::routes::PrintShelf;

/// One part of an edition in parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub shelf: PrintShelf,
    /// Its number among the parts of its shelf, from 1.
    pub number: usize,
    /// How many parts its shelf has.
    pub of: usize,
    /// The themes a part of a section cut by theme covers (`Leren – Netwerk`).
    pub themes: Option<String>,
    pub items: Vec<ItemId>,
}

impl Part {
    /// Whether the section's introduction opens it (the first part of a section).
    pub fn opens_section(&self) -> bool {
        self.number == 1 && matches!(self.shelf, PrintShelf::Section(_))
    }

    /// Its title in the UI strings `strings`: `Conclusies (deel 2 van 3): Leren – Netwerk`.
    pub fn title(&self, h: &Harvest, strings: &Map<String, Value>) -> String {
        let name = match self.shelf {
            PrintShelf::Section(section) => h.section_title(section, strings),
            PrintShelf::Pages => text(strings, "pages"),
        };
        let mut title = match self.of {
            1 => name,
            _ => format!(
                "{name} ({})",
                text(strings, "print_part_of")
                    .replace("{n}", &self.number.to_string())
                    .replace("{total}", &self.of.to_string())
            ),
        };
        if let Some(themes) = &self.themes {
            title = format!("{title}: {themes}");
        }
        title
    }
}

/// The UI string `key` of `strings`, or the key itself where the theme has none.
pub fn text(strings: &Map<String, Value>, key: &str) -> String {
    strings
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(key)
        .to_string()
}

impl Harvest {
    /// A section's title: its introduction's, else the UI string named after its folder.
    pub fn section_title(&self, section: Section, strings: &Map<String, Value>) -> String {
        match self.intros.get(&section) {
            Some(&id) => self.items[id].title.clone(),
            None => text(strings, section.folder()),
        }
    }

    /// How many items the print edition holds: the sections' and the standalone pages.
    pub fn print_items(&self) -> usize {
        Section::ALL
            .iter()
            .map(|&s| self.section(s).len())
            .sum::<usize>()
            + self.pages.len()
    }

    /// The parts of the print edition, in reading order; `None` when it fits one page.
    pub fn print_parts(&self) -> Option<&[Part]> {
        self.parts.get_or_init(|| self.divide()).as_deref()
    }

    fn divide(&self) -> Option<Vec<Part>> {
        let max = self.config.print.max_items.max(1);
        if self.print_items() <= max {
            return None;
        }
        let mut parts: Vec<(PrintShelf, Option<String>, Vec<ItemId>)> = Vec::new();
        for section in Section::ALL {
            let items = self.section(section);
            let shelf = PrintShelf::Section(section);
            if items.is_empty() {
                continue;
            } else if items.len() <= max {
                parts.push((shelf, None, items.to_vec()));
            } else if section == Section::Themes {
                parts.extend(items.chunks(max).map(|c| (shelf, None, c.to_vec())));
            } else {
                let grouped = by_theme(self, items, max);
                parts.extend(
                    grouped
                        .into_iter()
                        .map(|(themes, ids)| (shelf, themes, ids)),
                );
            }
        }
        let pages = self.pages.chunks(max);
        parts.extend(pages.map(|c| (PrintShelf::Pages, None, c.to_vec())));
        let of = |shelf: PrintShelf| parts.iter().filter(|p| p.0 == shelf).count();
        let counts: Vec<usize> = parts.iter().map(|p| of(p.0)).collect();
        let mut numbers: FxHashMap<PrintShelf, usize> = FxHashMap::default();
        let plans = parts
            .into_iter()
            .zip(counts)
            .map(|((shelf, themes, items), of)| {
                let number = numbers.entry(shelf).or_default();
                *number += 1;
                Part {
                    shelf,
                    number: *number,
                    of,
                    themes,
                    items,
                }
            })
            .collect();
        Some(plans)
    }
}

/// The items of a section grouped by theme and packed into parts of at most `max`, each
/// with the themes it covers (`Leren – Netwerk`).
fn by_theme(h: &Harvest, items: &[ItemId], max: usize) -> Vec<(Option<String>, Vec<ItemId>)> {
    let theme_order: FxHashMap<ItemId, usize> = h
        .section(Section::Themes)
        .iter()
        .enumerate()
        .map(|(at, &id)| (id, at))
        .collect();
    let theme_of = |id: ItemId| {
        let r = &h.relations[id];
        r.themes.first().copied().or_else(|| {
            let conclusion = r.conclusions.first()?;
            h.relations[*conclusion].themes.first().copied()
        })
    };
    // Theme (in reading order; none last) → its items, in reading order.
    let mut groups: BTreeMap<(usize, ItemId), Vec<ItemId>> = BTreeMap::new();
    for &id in items {
        let key = match theme_of(id) {
            Some(theme) => (
                theme_order.get(&theme).copied().unwrap_or(usize::MAX - 1),
                theme,
            ),
            None => (usize::MAX, 0),
        };
        groups.entry(key).or_default().push(id);
    }
    let name = |key: &(usize, ItemId)| (key.0 != usize::MAX).then(|| h.items[key.1].title.clone());
    let mut parts = Vec::new();
    let mut current: (Vec<String>, Vec<ItemId>) = (Vec::new(), Vec::new());
    let span = |names: &[String]| match names {
        [] => None,
        [one] => Some(one.clone()),
        [first, .., last] => Some(format!("{first} – {last}")),
    };
    for (key, group) in groups {
        if !current.1.is_empty() && current.1.len() + group.len() > max {
            let (names, items) = std::mem::take(&mut current);
            parts.push((span(&names), items));
        }
        if group.len() > max {
            for piece in group.chunks(max) {
                parts.push((name(&key), piece.to_vec()));
            }
            continue;
        }
        current.0.extend(name(&key));
        current.1.extend(group);
    }
    if !current.1.is_empty() {
        parts.push((span(&current.0), current.1));
    }
    parts
}
