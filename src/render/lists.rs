//! Lists: the list pages of a section, the home page's glance at the harvest, and the
//! relation matrix.

use std::collections::HashMap;

use serde::Serialize;

use super::context::{Body, ItemRef, Link, PageView, Toc, Views};
use crate::content::Section;
use crate::harvest::ItemId;
use crate::routes::on_list_page;

/// One row of the relation matrix: a recommendation and what it answers.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub recommendation: ItemRef,
    pub conclusions: Vec<ItemRef>,
    pub themes: Vec<ItemRef>,
    /// For each conclusion of the site, in order: does this recommendation answer it?
    pub conclusion_marks: Vec<bool>,
    pub theme_marks: Vec<bool>,
}

/// The relation matrix: a grid when it is small enough to read, else a list of relations.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub dense: bool,
    pub conclusions: Vec<ItemRef>,
    pub themes: Vec<ItemRef>,
    pub rows: Vec<MatrixRow>,
}

/// The home page's view of the harvest: the first items of each section, and the counts.
pub struct Glance {
    pub lists: Vec<(Section, Vec<ItemRef>)>,
    pub totals: HashMap<&'static str, usize>,
}

/// Links to the list pages of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The pages a reader is offered: the first, the last, and those [`PAGINATION_REACH`]
    /// either side of the current one. A section of 450 list pages links to 7 of them from
    /// each, not to all 450: the links stay readable on a phone, and a list page does not
    /// grow with the number of list pages (the 100,000-item harvest's list pages were 37%
    /// pagination).
    pub pages: Vec<PageNumber>,
}

/// One link of a pagination: the list page's number and URL.
#[derive(Debug, Clone, Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Whether pages are left out between this one and the one before it.
    pub gap_before: bool,
}

/// How many pages either side of the current one a pagination links to.
pub const PAGINATION_REACH: usize = 2;

/// Items of each section on the home page; the rest are a link away.
pub const GLANCE_LIMIT: usize = 12;

/// Grids wider than this many conclusions become lists: a page must not grow with the square.
const DENSE_MATRIX_LIMIT: usize = 40;

impl Views<'_> {
    /// How many list pages a section has.
    pub fn section_pages(&self, section: Section) -> usize {
        crate::routes::list_pages(self.harvest.section(section).len())
    }

    /// The site-relative path of list page `number` (from 1) of a section.
    pub fn section_page_path(&self, section: Section, number: usize) -> String {
        self.harvest.routes.list_page(section, number)
    }

    /// List page `number` (from 1) of a section: its intro (on the first page, if the site
    /// has one), its items, and the links to the other list pages.
    pub fn section_page(
        &self,
        section: Section,
        number: usize,
    ) -> (PageView, Vec<ItemRef>, Pagination) {
        let h = self.harvest;
        let path = self.section_path(section);
        let mut view = match h.intros.get(&section) {
            Some(&id) => self.page(id),
            None => {
                let mut view = self.bare_page("section", &self.section_title(section), &path);
                let title = view.title.clone();
                view.breadcrumbs.push(Link {
                    title,
                    url: view.url.clone(),
                    lang: None,
                });
                view
            }
        };
        view.kind = "section";
        view.slug = section.folder().to_string();
        view.section_url = Some(view.url.clone());
        let total = self.section_pages(section);
        let link = |n: usize| h.routes.urls.link(&self.section_page_path(section, n));
        if number > 1 {
            view.content = Body::default();
            view.edit_url = None;
            view.toc = Toc::default();
            view.url = link(number);
            view.permalink = h
                .routes
                .urls
                .permalink(&self.section_page_path(section, number));
        }
        let pagination = Pagination::of(number, total, link);
        let items = on_list_page(h.section(section), number);
        let refs = items.iter().map(|&id| self.item_ref(id)).collect();
        (view, refs, pagination)
    }

    /// The first items of each section for the home page, and how many there are in all.
    pub fn glance(&self) -> Glance {
        let h = self.harvest;
        let lists = Section::ALL
            .map(|s| {
                (
                    s,
                    h.section(s)
                        .iter()
                        .take(GLANCE_LIMIT)
                        .map(|&id| self.item_ref(id))
                        .collect(),
                )
            })
            .to_vec();
        let totals = Section::ALL
            .map(|s| (s.folder(), h.section(s).len()))
            .into_iter()
            .collect();
        Glance { lists, totals }
    }

    /// The page view of page `number` (from 1) of the relation matrix; a later page has the
    /// matrix's first page in its breadcrumbs.
    pub fn matrix_page(&self, number: usize) -> PageView {
        let h = self.harvest;
        let title = self.text("matrix");
        let mut view = self.bare_page("matrix", &title, &h.routes.matrix_page(number));
        if number > 1 {
            view.breadcrumbs.push(Link {
                title,
                url: h.routes.urls.link(&h.routes.matrix_page(1)),
                lang: None,
            });
        }
        view
    }

    /// Page `number` (from 1) of the relation matrix: the rows of the recommendations on
    /// that list page of their section, and the links to the other pages.
    pub fn matrix(&self, number: usize) -> (Matrix, Pagination) {
        let h = self.harvest;
        let conclusions = h.section(Section::Conclusions);
        let themes = h.section(Section::Themes);
        let dense = conclusions.len() <= DENSE_MATRIX_LIMIT;
        let recommendations = h.section(Section::Recommendations);
        let rows = on_list_page(recommendations, number)
            .iter()
            .map(|&id| {
                let r = &h.relations[id];
                let marks = |all: &[ItemId], mine: &[ItemId]| -> Vec<bool> {
                    if dense {
                        all.iter().map(|c| mine.contains(c)).collect()
                    } else {
                        Vec::new()
                    }
                };
                MatrixRow {
                    recommendation: self.item_ref(id),
                    conclusions: self.refs(&r.conclusions),
                    themes: self.refs(&r.themes),
                    conclusion_marks: marks(conclusions, &r.conclusions),
                    theme_marks: marks(themes, &r.themes),
                }
            })
            .collect();
        let matrix = Matrix {
            dense,
            conclusions: if dense {
                self.refs(conclusions)
            } else {
                Vec::new()
            },
            themes: if dense { self.refs(themes) } else { Vec::new() },
            rows,
        };
        let total = crate::routes::list_pages(recommendations.len());
        let link = |n: usize| h.routes.urls.link(&h.routes.matrix_page(n));
        (matrix, Pagination::of(number, total, link))
    }
}

impl Pagination {
    /// The links of page `current` (from 1) of `total` pages, `link` giving each page's.
    fn of(current: usize, total: usize, link: impl Fn(usize) -> String) -> Pagination {
        Pagination {
            current,
            total,
            prev: (current > 1).then(|| link(current - 1)),
            next: (current < total).then(|| link(current + 1)),
            pages: offered_pages(current, total)
                .scan(0, |before, n| {
                    let gap_before = n > *before + 1;
                    *before = n;
                    Some(PageNumber {
                        number: n,
                        url: link(n),
                        current: n == current,
                        gap_before,
                    })
                })
                .collect(),
        }
    }
}

/// The numbers of the pages a pagination offers on page `current` of `total` (see
/// [`Pagination::pages`]), in order. A gap of a single page is not left: that page is
/// offered instead, as the gap would take its room.
fn offered_pages(current: usize, total: usize) -> impl Iterator<Item = usize> {
    let near = current.saturating_sub(PAGINATION_REACH)..=current + PAGINATION_REACH;
    let mut offered: Vec<usize> = [1, total].into_iter().chain(near).collect();
    offered.retain(|&n| (1..=total).contains(&n));
    offered.sort_unstable();
    offered.dedup();
    let mut filled = Vec::with_capacity(offered.len() + 2);
    for n in offered {
        if filled.last().is_some_and(|&before| n == before + 2) {
            filled.push(n - 1);
        }
        filled.push(n);
    }
    filled.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(current: usize, total: usize) -> String {
        let pagination = Pagination::of(current, total, |n| format!("/p/{n}/"));
        for page in &pagination.pages {
            assert_eq!(page.url, format!("/p/{}/", page.number));
            assert_eq!(page.current, page.number == current);
        }
        let shown = pagination.pages.iter().map(|page| {
            let gap = if page.gap_before { "… " } else { "" };
            format!("{gap}{}", page.number)
        });
        shown.collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_pagination_offers_the_first_the_last_and_the_pages_near_the_current_one() {
        assert_eq!(numbers(1, 1), "1");
        assert_eq!(numbers(2, 3), "1 2 3");
        assert_eq!(numbers(1, 7), "1 2 3 … 7");
        assert_eq!(numbers(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(numbers(1, 9), "1 2 3 … 9");
        assert_eq!(numbers(5, 9), "1 2 3 4 5 6 7 8 9");
        assert_eq!(numbers(6, 9), "1 … 4 5 6 7 8 9");
        assert_eq!(numbers(200, 450), "1 … 198 199 200 201 202 … 450");
        assert_eq!(numbers(450, 450), "1 … 448 449 450");
    }
}
