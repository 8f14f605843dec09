//! The dependency map of the preview's renders: which pages show which items, and which
//! pages an edit reaches. Every page records the items whose card (kind, number, title,
//! summary, URL, image, how many relations) its template input holds; after an edit, the
//! pages to render again are found from that map and from comparing the harvest before
//! and after, instead of rendering every page.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::Arc;

use rayon::prelude::*;

use super::jobs::Job;
use super::lists::GLANCE_LIMIT;
use crate::content::{Kind, Section};
use crate::harvest::{Harvest, Item, ItemId, Relations};
use crate::routes::{Made, on_list_page};

/// A page, named so that it is found again after items are added or removed (which
/// renumbers them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum PageOf {
    /// An item's own page, by the content path of its file.
    Item(String),
    Made(Made),
}

impl PageOf {
    pub(super) fn of(job: Job, harvest: &Harvest) -> PageOf {
        match job {
            Job::Item(id) => PageOf::Item(harvest.items[id].rel.clone()),
            Job::Made(made) => PageOf::Made(made),
        }
    }
}

/// For each page, the items whose card it shows.
pub(super) type Shows = HashMap<PageOf, Shown>;

/// The content paths of the items a page shows, with a signature of them: a bit for each
/// path's hash, so that looking for the pages that show some items reads the paths of only
/// a few pages, not those of every page.
#[derive(Debug, Default)]
pub(super) struct Shown {
    signature: u128,
    pub(super) items: Vec<String>,
}

impl Shown {
    pub(super) fn new(items: Vec<String>) -> Shown {
        Shown {
            signature: signature(&items),
            items,
        }
    }

    /// Whether the page shows any of `items`, whose signature is `signature`.
    fn any_of(&self, items: &HashSet<&str>, signature: u128) -> bool {
        self.signature & signature != 0 && self.items.iter().any(|rel| items.contains(rel.as_str()))
    }
}

/// A bit for each path's hash: pages whose signatures share no bit show none of the same
/// items.
fn signature(paths: impl IntoIterator<Item = impl AsRef<str>>) -> u128 {
    (paths.into_iter()).fold(0, |bits, path| {
        bits | 1 << (rustc_hash::FxBuildHasher.hash_one(path.as_ref()) % 128)
    })
}

thread_local! {
    /// The items shown by the pages whose template input this thread is making, innermost
    /// last: a page that waits for others may run one of them on its own thread.
    static SHOWN: RefCell<Vec<Vec<ItemId>>> = const { RefCell::new(Vec::new()) };
}

/// Records the items whose cards `make` puts into a page's template input.
pub(super) fn recording<T>(record: bool, make: impl FnOnce() -> T) -> (T, Vec<ItemId>) {
    if !record {
        return (make(), Vec::new());
    }
    SHOWN.with(|shown| shown.borrow_mut().push(Vec::new()));
    let made = make();
    let mut ids = SHOWN
        .with(|shown| shown.borrow_mut().pop())
        .unwrap_or_default();
    ids.sort_unstable();
    ids.dedup();
    (made, ids)
}

/// Notes that the page being made shows the card of item `id`.
pub(super) fn shown(id: ItemId) {
    SHOWN.with(|shown| {
        if let Some(page) = shown.borrow_mut().last_mut() {
            page.push(id);
        }
    });
}

/// The pages an edit reaches: those to render again before the reload, and those that may
/// follow with the files that hold every item.
pub(super) struct Reach {
    pub(super) now: Vec<Job>,
    /// List pages whose items are the same: only the number of pages changed.
    pub(super) later: Vec<Job>,
}

/// The pages to render again after the content files `changed` were edited, added or
/// removed, turning `before` into `after`: the pages of items that changed or whose
/// relations or neighbours did, every page that shows an item whose card changed or that
/// is gone, the list pages whose items changed, and the home page when a section's order
/// did. The pages that show every item, and the list pages whose only change is the number
/// of pages, are left to follow later.
pub(super) fn affected(
    before: &Harvest,
    after: &Harvest,
    changed: &HashSet<&str>,
    shows: &Shows,
) -> Reach {
    let (was, is) = (neighbours(before), neighbours(after));
    // Each item that is new, shows differently where others show it (its card), or whose
    // own page changed: (id, card changed, page changed, new).
    let differ: Vec<(ItemId, bool, bool, bool)> = (after.items.par_iter().enumerate())
        .with_min_len(LOOKUPS_PIECE)
        .filter_map(|(id, item)| {
            // An item keeps its id unless items before it came or went.
            let kept = (before.items.get(id))
                .filter(|then| Arc::ptr_eq(then, item) || then.rel == item.rel);
            let Some(old) = kept.map(|_| id).or_else(|| before.item_of(&item.rel)) else {
                return Some((id, false, true, true));
            };
            let then = &before.items[old];
            let (r, s) = (&before.relations[old], &after.relations[id]);
            let card = !(Arc::ptr_eq(then, item) || same_card(then, item)) || !same_counts(r, s);
            let same = !changed.contains(item.rel.as_str())
                && Arc::ptr_eq(&then.body, &item.body)
                && same_relations(before, r, after, s)
                && rels(before, was[old]) == rels(after, is[id]);
            (card || !same).then_some((id, card, !same, false))
        })
        .collect();
    let mut jobs: HashSet<Job> = HashSet::default();
    let mut cards: HashSet<&str> = HashSet::default();
    let mut new = 0;
    for (id, card, page, added) in differ {
        new += usize::from(added);
        if card {
            cards.insert(&after.items[id].rel);
        }
        if page {
            jobs.insert(own_page(after, id));
        }
    }
    // The items that are gone, looked for only when fewer of those before are left.
    if after.items.len() - new < before.items.len() {
        cards.extend(
            (before.items.iter())
                .filter(|item| after.item_of(&item.rel).is_none())
                .map(|item| item.rel.as_str()),
        );
    }
    let made: HashSet<Made> = after
        .routes
        .made_pages(&after.shape())
        .into_iter()
        .collect();
    if !cards.is_empty() {
        let cards_signature = signature(&cards);
        let showing: Vec<Job> = (shows.par_iter())
            .filter(|(_, shown)| shown.any_of(&cards, cards_signature))
            .filter_map(|(page, _)| match page {
                PageOf::Item(rel) => after.item_of(rel).map(|id| own_page(after, id)),
                PageOf::Made(m) => made.contains(m).then_some(Job::Made(*m)),
            })
            .collect();
        jobs.extend(showing);
    }
    let mut later: HashSet<Job> = HashSet::default();
    for section in Section::ALL {
        let (now, paged) = reordered(before, after, section);
        jobs.extend(now);
        later.extend(paged);
    }
    // The pages that show every item follow later, with the other files that hold them all.
    jobs.retain(|job| !job.holds_every_item());
    later.retain(|job| !jobs.contains(job));
    Reach {
        now: jobs.into_iter().collect(),
        later: later.into_iter().collect(),
    }
}

/// Lookups are cheap: a thread takes at least this many.
const LOOKUPS_PIECE: usize = 1024;

/// The pages `before` made that `after` does not: the pages of items that are gone, and
/// list pages no longer needed; and the paths of the pages `before` made that no page of
/// `after` is at (those and the old pages of items that moved).
pub(super) fn gone(before: &Harvest, after: &Harvest) -> (Vec<PageOf>, Vec<String>) {
    let made =
        |h: &Harvest| -> HashSet<Made> { h.routes.made_pages(&h.shape()).into_iter().collect() };
    let made_after = made(after);
    let mut pages: Vec<PageOf> = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    for m in made(before).into_iter().filter(|m| !made_after.contains(m)) {
        pages.push(PageOf::Made(m));
        paths.push(before.routes.made(m));
    }
    let own = |item: &Item| !matches!(item.kind, Kind::SectionIntro(_));
    for item in before.items.iter().filter(|item| own(item)) {
        match after.item_of(&item.rel).filter(|&n| own(&after.items[n])) {
            Some(n) if after.items[n].path == item.path => {}
            Some(_) => paths.push(item.path.clone()),
            None => {
                pages.push(PageOf::Item(item.rel.clone()));
                paths.push(item.path.clone());
            }
        }
    }
    if !paths.is_empty() {
        let made: HashSet<String> = made_after.iter().map(|&m| after.routes.made(m)).collect();
        let items: HashSet<&str> = after.items.iter().map(|item| item.path.as_str()).collect();
        paths.retain(|path| !made.contains(path) && !items.contains(path.as_str()));
    }
    (pages, paths)
}

/// Whether `before` and `after` make the same pages at the same paths: the same items
/// with the same URLs, and as many list pages.
pub(super) fn same_pages(before: &Harvest, after: &Harvest) -> bool {
    before.shape() == after.shape()
        && before.items.len() == after.items.len()
        && (before.items.iter().zip(&after.items))
            .all(|(a, b)| Arc::ptr_eq(a, b) || (a.rel == b.rel && a.path == b.path))
}

/// The page an item's template input goes to: a section intro is its first list page.
pub(super) fn own_page(harvest: &Harvest, id: ItemId) -> Job {
    match harvest.items[id].kind {
        Kind::SectionIntro(section) => Job::Made(Made::List(section, 1)),
        _ => Job::Item(id),
    }
}

/// Whether two versions of an item look the same where other pages show them (with
/// [`same_counts`]).
fn same_card(a: &Item, b: &Item) -> bool {
    a.kind == b.kind
        && a.number == b.number
        && a.slug == b.slug
        && a.title == b.title
        && a.summary == b.summary
        && a.path == b.path
        && a.image == b.image
        && a.image_alt == b.image_alt
}

/// Whether two versions of an item's relations are as many in each direction, as its card
/// tells.
fn same_counts(r: &Relations, s: &Relations) -> bool {
    r.themes.len() == s.themes.len()
        && r.conclusions.len() == s.conclusions.len()
        && r.recommendations.len() == s.recommendations.len()
}

/// Whether two versions of an item relate to the same items, in the same order.
fn same_relations(before: &Harvest, r: &Relations, after: &Harvest, s: &Relations) -> bool {
    let same = |i: ItemId, j: ItemId| {
        let (a, b) = (&before.items[i], &after.items[j]);
        Arc::ptr_eq(a, b) || a.rel == b.rel
    };
    [
        (&r.themes, &s.themes),
        (&r.conclusions, &s.conclusions),
        (&r.recommendations, &s.recommendations),
    ]
    .into_iter()
    .all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(&i, &j)| same(i, j)))
}

/// Each item's previous and next item in its section's reading order.
fn neighbours(harvest: &Harvest) -> Vec<[Option<ItemId>; 2]> {
    let mut around = vec![[None, None]; harvest.items.len()];
    for section in Section::ALL {
        let list = harvest.section(section);
        for (at, &id) in list.iter().enumerate() {
            around[id] = [
                at.checked_sub(1).map(|p| list[p]),
                list.get(at + 1).copied(),
            ];
        }
    }
    around
}

/// The content paths of `ids`.
fn rels(harvest: &Harvest, ids: [Option<ItemId>; 2]) -> [Option<&str>; 2] {
    ids.map(|id| id.map(|id| harvest.items[id].rel.as_str()))
}

/// The pages that list a section's items, when its items or their order changed: the list
/// pages whose items changed and the home page when its glance or counts did; and, apart,
/// when the number of list pages changed, the others (their pagination counts the pages).
fn reordered(before: &Harvest, after: &Harvest, section: Section) -> (Vec<Job>, Vec<Job>) {
    let (was, is) = (order(before, section), order(after, section));
    if was == is {
        return (Vec::new(), Vec::new());
    }
    let pages = |list: &[&str]| crate::routes::list_pages(list.len());
    let (mut jobs, mut later) = (Vec::new(), Vec::new());
    for n in 1..=pages(&is) {
        let job = Job::Made(Made::List(section, n));
        if on_list_page(&was, n) != on_list_page(&is, n) {
            jobs.push(job);
        } else if pages(&was) != pages(&is) {
            later.push(job);
        }
    }
    let glance = |list: &[&str]| {
        list.iter()
            .take(GLANCE_LIMIT)
            .eq(is.iter().take(GLANCE_LIMIT))
    };
    if was.len() != is.len() || !glance(&was) {
        jobs.push(match after.home {
            Some(id) => Job::Item(id),
            None => Job::Made(Made::Home),
        });
    }
    (jobs, later)
}

/// The content paths of a section's items, in reading order.
fn order(harvest: &Harvest, section: Section) -> Vec<&str> {
    harvest
        .section(section)
        .iter()
        .map(|&id| harvest.items[id].rel.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_found_by_any_item_it_shows_and_by_no_other() {
        let path = |n: usize| format!("conclusions/{n:04}-een-conclusie.md");
        // Pages of one to nine items, each page's items starting where the last page's ended.
        let pages: Vec<Shown> = (0..200)
            .map(|p| Shown::new((p..p + 1 + p % 9).map(path).collect()))
            .collect();
        for n in 0..220 {
            let card = path(n);
            let cards: HashSet<&str> = [card.as_str()].into_iter().collect();
            let signature = signature(&cards);
            for shown in &pages {
                assert_eq!(shown.any_of(&cards, signature), shown.items.contains(&card));
            }
        }
        assert!(!pages[0].any_of(&HashSet::default(), 0));
    }
}
