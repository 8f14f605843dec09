//! Linking again after edits that leave every item where it was (a title, a summary, a
//! relation, a number, a body): the items of the files read again are made anew, with the
//! relations that point back at them and the order of the lists they are in; every other
//! item is shared with the harvest of the run before. The result equals a whole link.

use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

use super::links::body_problems;
use super::relations::{self, Relations, reading_order};
use super::{
    BodyMemo, Harvest, Item, ItemId, LinkTargets, bodies, front_image, new_item, take_body,
};
use crate::config::SiteConfig;
use crate::content::front_matter::Reference;
use crate::content::{Document, Kind, Section};
use crate::diagnostics::Diagnostics;
use crate::routes::Routes;

/// What a relink starts from: the last good harvest in the site's own language, and the
/// content paths of the files changed since.
pub struct Earlier<'a> {
    pub harvest: &'a Harvest,
    pub changed: &'a [String],
}

/// The harvest of `earlier` after its changed files were read again into `documents` (every
/// document in the site's own language, by content path). `None`, having changed nothing
/// but the memo, when an edit reaches beyond its own item and the harvest must be linked
/// whole: a file added, removed or failing, a kind, slug or draft state changed, a number
/// taken or still referred to, a file beside the content changed, or any error (the whole
/// link tells every error rightly).
pub fn relink(
    earlier: Earlier<'_>,
    config: &SiteConfig,
    routes: &Routes,
    documents: &[&Document],
    drafts: bool,
    memo: &mut BodyMemo,
) -> Option<(Harvest, Diagnostics)> {
    let before = earlier.harvest;
    let mut links = before.links.clone();
    let mut changed: Vec<(ItemId, &Document, Item)> = Vec::new();
    for rel in earlier.changed {
        let doc = documents
            .binary_search_by(|d| d.rel.as_str().cmp(rel))
            .ok()
            .map(|at| documents[at])
            .filter(|doc| drafts || !doc.front.draft);
        let id = before.item_of(rel);
        let (id, doc) = match (id, doc) {
            (Some(id), Some(doc)) => (id, doc),
            // A draft left out, or a translation: this language's items are as they were.
            (None, None) if rel.ends_with(".md") => continue,
            _ => return None,
        };
        let item = new_item(doc, routes);
        let old = &before.items[id];
        if (item.kind, &item.slug, &item.path) != (old.kind, &old.slug, &old.path) {
            return None;
        }
        if item.number != old.number {
            renumber(Arc::make_mut(&mut links), id, old, item.number, documents)?;
        }
        changed.push((id, doc, item));
    }
    // The changed items, with their relations as written, bodies and pictures.
    let mut problems = Diagnostics::new();
    let docs: Vec<&Document> = changed.iter().map(|(_, doc, _)| *doc).collect();
    let safe = config.markdown.safe;
    let (rendered, _, _) =
        bodies::render_bodies(&docs, &links, &routes.urls, safe, Some(memo), &mut problems);
    let mut pictures = Diagnostics::new();
    for ((_, doc, item), body) in changed.iter_mut().zip(rendered) {
        item.written = relations::resolve_relations(doc, &links.index, &mut problems);
        take_body(item, body);
        front_image(item, doc, &links, routes, &mut pictures);
    }
    if problems.has_errors() || pictures.has_errors() {
        return None;
    }

    let mut items = before.items.clone();
    let mut touched: HashSet<ItemId> = HashSet::default();
    for (id, _, item) in &changed {
        touched.insert(*id);
        touched.extend(all_of(&before.items[*id].relations));
        touched.extend(all_of(&item.written));
    }
    let ids: Vec<ItemId> = changed.iter().map(|(id, _, _)| *id).collect();
    let mut reordered = false;
    for (id, _, item) in changed {
        reordered |= reading_order(&item) != reading_order(&before.items[id]);
        items[id] = Arc::new(item);
    }
    // Every item related to a changed one, before or after: its lists are made again as a
    // whole link makes them.
    let mut touched: Vec<ItemId> = touched.into_iter().collect();
    touched.sort_unstable();
    for &t in &touched {
        let lists = relations_of(&items, &before.items[t].relations, &ids, t);
        if lists != items[t].relations {
            Arc::make_mut(&mut items[t]).relations = lists;
        }
    }

    let mut harvest = share(before, config, routes, items);
    harvest.links = links;
    if reordered {
        let order = |id: ItemId| reading_order(&harvest.items[id]);
        for list in harvest.sections.values_mut().chain([&mut harvest.pages]) {
            if list.iter().any(|id| ids.contains(id)) {
                let mut keyed: Vec<_> = list.iter().map(|&id| (order(id), id)).collect();
                keyed.sort();
                *list = keyed.into_iter().map(|(_, id)| id).collect();
            }
        }
    }
    let files: HashSet<&std::path::Path> = docs.iter().map(|d| d.path.as_path()).collect();
    harvest.warnings = before.warnings.clone();
    harvest
        .warnings
        .retain(|d| !files.contains(d.file.as_path()));
    harvest.warnings.extend(pictures);
    let mut diagnostics =
        body_problems(&harvest.items, 0..harvest.items.len(), &harvest.links.index);
    if diagnostics.has_errors() {
        return None;
    }
    diagnostics.extend(harvest.warnings.clone());
    Some((harvest, diagnostics))
}

/// A harvest like `before` with `items`, for `config` and `routes`.
fn share(before: &Harvest, config: &SiteConfig, routes: &Routes, items: Vec<Arc<Item>>) -> Harvest {
    Harvest {
        config: config.clone(),
        routes: routes.clone(),
        items,
        home: before.home,
        intros: before.intros.clone(),
        sections: before.sections.clone(),
        pages: before.pages.clone(),
        assets: before.assets.clone(),
        links: before.links.clone(),
        warnings: before.warnings.clone(),
        spool: before.spool.clone(),
        translations: Arc::default(),
    }
}

/// Gives item `id` the number `number` in the lookups, when no other item has it and no
/// file refers to its old number (which would lead nowhere now); else `None`.
fn renumber(
    links: &mut LinkTargets,
    id: ItemId,
    old: &Item,
    number: Option<u32>,
    documents: &[&Document],
) -> Option<()> {
    let Kind::Item(section) = old.kind else {
        return None;
    };
    let by_number = &mut links.index.by_number;
    if let Some(n) = number
        && by_number
            .get(&(section, n))
            .is_some_and(|&other| other != id)
    {
        return None;
    }
    if let Some(was) = old.number {
        let names = |r: &Reference| match r {
            Reference::Number(n) => *n == was,
            Reference::Slug(s) => s.parse() == Ok(was),
        };
        let referred = section == Section::Conclusions
            && documents
                .iter()
                .any(|d| d.front.conclusions.iter().any(names));
        if referred {
            return None;
        }
        by_number.remove(&(section, was));
    }
    if let Some(n) = number {
        by_number.insert((section, n), id);
    }
    Some(())
}

/// Every item a relation leads to.
fn all_of(relations: &Relations) -> impl Iterator<Item = ItemId> + '_ {
    (relations.themes.iter())
        .chain(&relations.conclusions)
        .chain(&relations.recommendations)
        .copied()
}

/// The relations of item `t` among `items` as a whole link derives them: those it names,
/// then the items that name it by their place, each list in reading order. Those that name
/// it are among the items it was related to (`was`) and the items `changed`.
fn relations_of(items: &[Arc<Item>], was: &Relations, changed: &[ItemId], t: ItemId) -> Relations {
    let mut lists = items[t].written.clone();
    let mut sources: Vec<ItemId> = all_of(was).chain(changed.iter().copied()).collect();
    sources.sort_unstable();
    sources.dedup();
    for y in sources {
        let Kind::Item(section) = items[y].kind else {
            continue;
        };
        let written = &items[y].written;
        if !(written.themes.contains(&t) || written.conclusions.contains(&t)) {
            continue;
        }
        let list = lists.of_mut(section);
        if !list.contains(&y) {
            list.push(y);
        }
    }
    for list in [
        &mut lists.themes,
        &mut lists.conclusions,
        &mut lists.recommendations,
    ] {
        list.sort_by_cached_key(|&id| reading_order(&items[id]));
    }
    lists
}
