//! Jobs: every page to render (how one is rendered is [`super::page`]'s).

use super::Renderer;
use super::context::Views;
use crate::content::Kind;
use crate::harvest::{Harvest, ItemId};
use crate::routes::{Generated, Made};

/// A page to render: an item's own, or one the routes make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Job {
    Item(ItemId),
    Made(Made),
}

impl Job {
    /// The print edition, which holds every body.
    pub(super) const PRINT: Job = Job::Made(Made::Generated(Generated::PrintEdition));

    /// Whether the page is one of those that together show every item: the print edition
    /// and the relation matrix's pages, which the preview server makes after the others
    /// when an edit reaches them.
    pub(super) fn holds_every_item(&self) -> bool {
        matches!(*self, Job::PRINT | Job::Made(Made::Matrix(_)))
    }

    /// The pages of `harvest` that together show every item ([`Job::holds_every_item`]).
    pub(super) fn every_item(harvest: &Harvest) -> Vec<Job> {
        let made = harvest.routes.made_pages(&harvest.shape()).into_iter();
        made.map(Job::Made).filter(Job::holds_every_item).collect()
    }
}

/// A page whose body has more HTML than this is big (see [`Job::is_big`]).
const BIG_BODY: usize = 4 << 20;

impl Job {
    /// The page's path below the site's root.
    pub(super) fn path(&self, harvest: &Harvest) -> String {
        match *self {
            Job::Item(id) => harvest.items[id].path.clone(),
            Job::Made(made) => harvest.routes.made(made),
        }
    }

    /// Whether the page holds much HTML: the print edition, an item with a long body.
    pub(super) fn is_big(&self, harvest: &Harvest) -> bool {
        match *self {
            Job::PRINT => true,
            Job::Item(id) => harvest.items[id].body.html_len() > BIG_BODY,
            _ => false,
        }
    }
}

impl Renderer {
    /// Every page to render, the biggest first so they run beside the many small ones: the
    /// pages the routes make, then the items' own (a section intro is its first list page).
    pub(super) fn jobs(&self, views: &Views<'_>) -> Vec<Job> {
        let harvest = views.harvest;
        let made = harvest.routes.made_pages(&harvest.shape());
        let mut jobs: Vec<Job> = made.into_iter().map(Job::Made).collect();
        let items = harvest.items.iter().enumerate();
        jobs.extend(
            items
                .filter(|(_, item)| !matches!(item.kind, Kind::SectionIntro(_)))
                .map(|(id, _)| Job::Item(id)),
        );
        jobs
    }
}
