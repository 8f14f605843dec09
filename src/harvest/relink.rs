//! Linking again after edits of some content files: a title, a summary, a relation, a
//! number, a body changed, an item added or removed. The items of the files read again are
//! made anew, with the relations that point back at them and the order of the lists they
//! are in; every other item is shared with the harvest of the run before, its id moved
//! where items before it came or went. The result equals a whole link.

use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

use super::chunked::Chunked;
use super::links::body_problems;
use super::relations::{self, Relations, reading_order};
use super::{
    BodyMemo, Harvest, Item, ItemId, LinkTargets, bodies, front_image, new_item, take_body, unique,
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
/// but the memo, when an edit reaches beyond what a relink follows and the harvest must be
/// linked whole: a file failing, a kind, slug or draft state changed, a page or intro added
/// or removed, a removed item still named, a number taken or still referred to, a file
/// beside the content changed, or any error (the whole link tells every error rightly).
pub fn relink(
    earlier: Earlier<'_>,
    config: &SiteConfig,
    routes: &Routes,
    documents: &[&Document],
    drafts: bool,
    memo: &mut BodyMemo,
) -> Option<(Harvest, Diagnostics)> {
    let before = earlier.harvest;
    let edits = Edits::read(before, earlier.changed, documents, drafts, routes)?;
    let plan = Plan::new(before, &edits);
    let mut links = before.links.clone();
    if !plan.same_ids() {
        let links = Arc::make_mut(&mut links);
        plan.move_links(before, &edits, links);
    }
    for (old, _, item) in &edits.changed {
        let (id, was) = (plan.new_id(*old)?, &before.items[*old]);
        if item.number != was.number {
            renumber(Arc::make_mut(&mut links), id, was, item.number, documents)?;
        }
    }
    if !edits.added.is_empty() {
        let links = Arc::make_mut(&mut links);
        for (k, (_, item)) in edits.added.iter().enumerate() {
            place(links, plan.added_id(k), item, before)?;
        }
    }
    // The removed items may be named nowhere: not in front matter, not by an `@/` link.
    let gone: Vec<&str> = edits
        .removed
        .iter()
        .map(|&o| before.items[o].rel.as_str())
        .collect();
    if !gone.is_empty() && memo.forget(&gone) {
        return None;
    }
    for &o in &edits.removed {
        let named = all_of(&before.relations[o])
            .filter(|&y| plan.new_id(y).is_some() && !edits.is_changed(y))
            .any(|y| all_of(&before.written[y]).any(|x| x == o));
        if named {
            return None;
        }
    }

    // The changed and added items, with their relations as written, bodies and pictures.
    let read_again: Vec<ItemId> = edits.changed.iter().map(|(old, _, _)| *old).collect();
    let mut made: Vec<(ItemId, &Document, Item)> = Vec::new();
    for (old, doc, item) in edits.changed {
        made.push((plan.new_id(old)?, doc, item));
    }
    let added = edits.added.len();
    for (k, (doc, item)) in edits.added.into_iter().enumerate() {
        made.push((plan.added_id(k), doc, item));
    }
    let mut problems = Diagnostics::new();
    let docs: Vec<&Document> = made.iter().map(|(_, doc, _)| *doc).collect();
    let safe = config.markdown.safe;
    let (rendered, _, _) =
        bodies::render_bodies(&docs, &links, &routes.urls, safe, Some(memo), &mut problems);
    let mut pictures = Diagnostics::new();
    let mut written = Vec::with_capacity(made.len());
    for ((_, doc, item), body) in made.iter_mut().zip(rendered) {
        written.push(relations::resolve_relations(
            doc,
            &links.index,
            &mut problems,
        ));
        take_body(item, body);
        front_image(item, doc, &links, routes, &mut pictures);
    }
    if problems.has_errors() || pictures.has_errors() {
        return None;
    }

    let mut items: Vec<Option<Arc<Item>>> = plan.by_new_id(|old| Some(before.items[old].clone()));
    // The relations of every item, shared with the harvest before when no id moved.
    let (mut all_written, mut all_relations) = match plan.same_ids() {
        true => (before.written.clone(), before.relations.clone()),
        false => (
            plan.by_new_id(|old| plan.remap(&before.written[old]))
                .into(),
            plan.by_new_id(|old| plan.remap(&before.relations[old]))
                .into(),
        ),
    };
    // Every item related to a changed, added or removed one, before or after: its lists are
    // made again as a whole link makes them.
    let mut touched: HashSet<ItemId> = HashSet::default();
    for &o in edits.removed.iter().chain(&read_again) {
        touched.extend(all_of(&before.relations[o]).filter_map(|y| plan.new_id(y)));
    }
    let ids: Vec<ItemId> = made.iter().map(|(id, _, _)| *id).collect();
    // Lists are sorted again where an item came or its reading order changed.
    let mut reordered = added > 0;
    for ((id, _, item), names) in made.into_iter().zip(written) {
        touched.insert(id);
        touched.extend(all_of(&names));
        let order = reading_order(&item);
        reordered |= items[id]
            .as_ref()
            .is_some_and(|was| reading_order(was) != order);
        items[id] = Some(Arc::new(item));
        all_written.set(id, names);
    }
    let items: Vec<Arc<Item>> = items.into_iter().collect::<Option<_>>()?;
    let mut touched: Vec<ItemId> = touched.into_iter().collect();
    touched.sort_unstable();
    for &t in &touched {
        let lists = relations_of(&items, &all_written, &all_relations[t], &ids, t);
        all_relations.set(t, lists);
    }

    let mut harvest = share(before, config, routes, items, &plan);
    harvest.links = links;
    harvest.relations = all_relations;
    harvest.written = all_written;
    for k in 0..added {
        let id = plan.added_id(k);
        if let Kind::Item(section) = harvest.items[id].kind {
            harvest.sections.entry(section).or_default().push(id);
        }
    }
    // The other items of a list keep their order: each item read again is taken out and
    // put back where its reading order places it.
    if reordered {
        let order = |id: ItemId| (reading_order(&harvest.items[id]), id);
        for list in harvest.sections.values_mut().chain([&mut harvest.pages]) {
            let moving: Vec<ItemId> = list.iter().filter(|id| ids.contains(id)).copied().collect();
            list.retain(|id| !moving.contains(id));
            for id in moving {
                let key = order(id);
                let at = list.partition_point(|&other| order(other) < key);
                list.insert(at, id);
            }
        }
    }
    // No item may take the path of a page oogst makes for the harvest as it is now.
    if !plan.same_ids() {
        let made = unique::made_pages(&harvest.shape(), routes);
        if ids
            .iter()
            .any(|&id| made.contains_key(&harvest.items[id].path))
        {
            return None;
        }
    }
    let files: HashSet<&std::path::Path> = (docs.iter().map(|d| d.path.as_path()))
        .chain(
            edits
                .removed
                .iter()
                .map(|&o| before.items[o].source.as_path()),
        )
        .collect();
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

/// The content files an edit read again, as the edit left them.
struct Edits<'d> {
    /// Items still published: their id before, file and item made anew.
    changed: Vec<(ItemId, &'d Document, Item)>,
    /// Items new to the harvest (a file added, or no longer a draft), by content path.
    added: Vec<(&'d Document, Item)>,
    /// Items gone from the harvest, by their id before.
    removed: Vec<ItemId>,
}

impl<'d> Edits<'d> {
    /// The edits of the files at `changed`; `None` for an edit a relink does not follow.
    fn read(
        before: &Harvest,
        changed: &[String],
        documents: &[&'d Document],
        drafts: bool,
        routes: &Routes,
    ) -> Option<Edits<'d>> {
        let mut edits = Edits {
            changed: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
        };
        for rel in changed {
            let file = documents
                .binary_search_by(|d| d.rel.as_str().cmp(rel))
                .ok()
                .map(|at| documents[at]);
            let doc = file.filter(|doc| drafts || !doc.front.draft);
            match (before.item_of(rel), doc) {
                (Some(id), Some(doc)) => {
                    let item = new_item(doc, routes);
                    let old = &before.items[id];
                    if (item.kind, &item.slug, &item.path) != (old.kind, &old.slug, &old.path) {
                        return None;
                    }
                    edits.changed.push((id, doc, item));
                }
                // A harvest item added; one that was a draft is known as one to the lookups.
                (None, Some(doc)) => {
                    let known = before
                        .links
                        .index
                        .missing
                        .contains_key(&(None, rel.clone()));
                    if !matches!(doc.kind, Kind::Item(_)) || known {
                        return None;
                    }
                    edits.added.push((doc, new_item(doc, routes)));
                }
                // A harvest item's file removed (not made a draft, which the lookups know).
                (Some(id), None) => {
                    if !matches!(before.items[id].kind, Kind::Item(_)) || file.is_some() {
                        return None;
                    }
                    edits.removed.push(id);
                }
                // A draft left out, or a translation: this language's items are as they were.
                (None, None) if rel.ends_with(".md") => continue,
                (None, None) => return None,
            }
        }
        edits.added.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
        Some(edits)
    }

    /// Whether the item of id `old` before was read again.
    fn is_changed(&self, old: ItemId) -> bool {
        self.changed.iter().any(|(id, _, _)| *id == old)
    }
}

/// Where the items go when some are added and some removed: ids follow the order of the
/// files' content paths, as in a whole link.
struct Plan {
    /// By new id: the item it was before, or the added one.
    slots: Vec<Slot>,
    /// By id before: its new id, `None` when removed.
    moved: Vec<Option<ItemId>>,
    /// The ids of the added items, in the order of their content paths.
    added: Vec<ItemId>,
}

#[derive(Clone, Copy)]
enum Slot {
    Kept(ItemId),
    /// The `n`th added item (by content path).
    Added(usize),
}

impl Plan {
    fn new(before: &Harvest, edits: &Edits<'_>) -> Plan {
        let added: Vec<&str> = (edits.added.iter())
            .map(|(doc, _)| doc.rel.as_str())
            .collect();
        let size = before.items.len() + added.len() - edits.removed.len();
        let mut plan = Plan {
            slots: Vec::with_capacity(size),
            moved: vec![None; before.items.len()],
            added: Vec::with_capacity(added.len()),
        };
        for (old, item) in before.items.iter().enumerate() {
            while plan.added.len() < added.len() && added[plan.added.len()] < item.rel.as_str() {
                plan.add();
            }
            if !edits.removed.contains(&old) {
                plan.moved[old] = Some(plan.slots.len());
                plan.slots.push(Slot::Kept(old));
            }
        }
        while plan.added.len() < added.len() {
            plan.add();
        }
        plan
    }

    /// Places the next added item at the end.
    fn add(&mut self) {
        self.slots.push(Slot::Added(self.added.len()));
        self.added.push(self.slots.len() - 1);
    }

    /// Whether every item keeps its id: none added, none removed.
    fn same_ids(&self) -> bool {
        self.added.is_empty() && self.slots.len() == self.moved.len()
    }

    fn new_id(&self, old: ItemId) -> Option<ItemId> {
        self.moved[old]
    }

    /// The id of the `n`th added item.
    fn added_id(&self, n: usize) -> ItemId {
        self.added[n]
    }

    /// Relations with new ids; those to removed items are left out.
    fn remap(&self, r: &Relations) -> Relations {
        let ids = |list: &[ItemId]| list.iter().filter_map(|&id| self.moved[id]).collect();
        Relations {
            themes: ids(&r.themes),
            conclusions: ids(&r.conclusions),
            recommendations: ids(&r.recommendations),
        }
    }

    /// A list by new id: each kept entry as `kept` makes it of its id before, added ones
    /// default.
    fn by_new_id<U: Default>(&self, kept: impl Fn(ItemId) -> U) -> Vec<U> {
        (self.slots.iter())
            .map(|slot| match slot {
                Slot::Kept(o) => kept(*o),
                Slot::Added(_) => U::default(),
            })
            .collect()
    }

    /// The lookups with new ids: the removed items' entries out, the added items' paths in.
    /// Their slugs and numbers are placed by [`place`].
    fn move_links(&self, before: &Harvest, edits: &Edits<'_>, links: &mut LinkTargets) {
        let index = &mut links.index;
        for &o in &edits.removed {
            let item = &before.items[o];
            index.by_rel.remove(item.rel.as_str());
            if let Kind::Item(section) = item.kind {
                index.by_slug.remove(&(section, item.slug.as_str().into()));
                if let Some(n) = item.number {
                    index.by_number.remove(&(section, n));
                }
            }
        }
        let moved = |id: &mut ItemId| *id = self.moved[*id].unwrap_or(*id);
        index.by_rel.values_mut().for_each(moved);
        index.by_slug.values_mut().for_each(moved);
        index.by_number.values_mut().for_each(moved);
        let item = |slot: &Slot| match slot {
            Slot::Kept(o) => &*before.items[*o],
            Slot::Added(k) => &edits.added[*k].1,
        };
        let paths = std::mem::take(&mut links.paths);
        links.paths = (self.slots.iter())
            .map(|slot| match slot {
                Slot::Kept(o) => paths[*o].clone(),
                Slot::Added(_) => item(slot).path.as_str().into(),
            })
            .collect();
        for (id, slot) in self.slots.iter().enumerate() {
            if let Slot::Added(_) = slot {
                index.by_rel.insert(item(slot).rel.as_str().into(), id);
            }
        }
    }
}

/// Gives an added item its slug and number in the lookups, when no other item has them
/// nor its path; else `None`.
fn place(links: &mut LinkTargets, id: ItemId, item: &Item, before: &Harvest) -> Option<()> {
    let Kind::Item(section) = item.kind else {
        return None;
    };
    let index = &mut links.index;
    let page = |&p: &ItemId| before.items[p].path == item.path;
    let slug: Arc<str> = item.slug.as_str().into();
    if index.by_slug.contains_key(&(section, slug.clone())) || before.pages.iter().any(page) {
        return None;
    }
    if let Some(n) = item.number {
        if index.by_number.contains_key(&(section, n)) {
            return None;
        }
        index.by_number.insert((section, n), id);
    }
    index.by_slug.insert((section, slug), id);
    Some(())
}

/// A harvest like `before` with `items`, its lists with the ids of `plan`, for `config`
/// and `routes`.
fn share(
    before: &Harvest,
    config: &SiteConfig,
    routes: &Routes,
    items: Vec<Arc<Item>>,
    plan: &Plan,
) -> Harvest {
    let moved = |list: &Vec<ItemId>| list.iter().filter_map(|&id| plan.new_id(id)).collect();
    Harvest {
        config: config.clone(),
        routes: routes.clone(),
        items,
        relations: before.relations.clone(),
        written: before.written.clone(),
        home: before.home.and_then(|id| plan.new_id(id)),
        intros: (before.intros.iter())
            .filter_map(|(&s, &id)| Some((s, plan.new_id(id)?)))
            .collect(),
        sections: (before.sections.iter())
            .map(|(&s, list)| (s, moved(list)))
            .collect(),
        pages: moved(&before.pages),
        assets: before.assets.clone(),
        links: before.links.clone(),
        warnings: before.warnings.clone(),
        spool: before.spool.clone(),
        translations: Arc::default(),
        parts: Default::default(),
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

/// The relations of item `t` as a whole link derives them: those it names (`written`, by
/// id), then the items that name it by their place, each list in reading order. Those that
/// name it are among the items it was related to (`was`) and the items `changed`.
fn relations_of(
    items: &[Arc<Item>],
    written: &Chunked<Relations>,
    was: &Relations,
    changed: &[ItemId],
    t: ItemId,
) -> Relations {
    let mut lists = written[t].clone();
    let mut sources: Vec<ItemId> = all_of(was).chain(changed.iter().copied()).collect();
    sources.sort_unstable();
    sources.dedup();
    for y in sources {
        let Kind::Item(section) = items[y].kind else {
            continue;
        };
        let names = &written[y];
        if !(names.themes.contains(&t) || names.conclusions.contains(&t)) {
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
