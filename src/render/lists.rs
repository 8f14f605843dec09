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
    pub pages: Vec<PageNumber>,
}

/// One link of a pagination: the list page's number and URL.
#[derive(Debug, Clone, Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

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
            pages: (1..=total)
                .map(|n| PageNumber {
                    number: n,
                    url: link(n),
                    current: n == current,
                })
                .collect(),
        }
    }
}
