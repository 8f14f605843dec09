//! Jobs: every page to render, and how one is rendered.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Renderer;
use super::affected;
use super::context::{PageView, Views};
use super::memo::{Inputs, Pages, Remembered};
use super::runner::{self, RunError};
use super::template_error::{TemplateError, locate, too_long};
use crate::content::{Kind, Section};
use crate::diagnostics::{Diagnostic, Position};
use crate::harvest::{Harvest, ItemId};
use crate::output::{Content, Counter, OutputError};
use crate::routes::{Generated, Made, file_of};

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

    /// Renders one page; returns its output file (site-relative), its input key and its HTML.
    /// With `known` pages (a memo's), a page whose input is unchanged is not rendered again,
    /// and the page is returned to be remembered; without, it streams into `output`.
    pub(super) fn render_job(
        &self,
        job: &Job,
        views: &Views<'_>,
        global_hash: Option<u64>,
        known: Option<&Pages>,
        output: &Counter<'_>,
    ) -> Result<Option<Remembered>, Box<(Diagnostic, String)>> {
        if self.gave_up.load(Ordering::Relaxed) {
            // This render has failed on a page that never ends: the others need not wait too.
            return Ok(None);
        }
        let mut inputs = Inputs::new(global_hash);
        let record = global_hash.is_some();
        let ((template, path, mut page), shows) =
            affected::recording(record, || self.inputs(job, views, &mut inputs));
        // The context holds its own copy of the page: a long body is not held twice more.
        let url = std::mem::take(&mut page.url);
        drop(page);
        let file = file_of(&path);
        let fail = |error: tera::Error| {
            let diagnostic = locate(
                &error,
                &self.templates,
                Some(template),
                |template, message| TemplateError::Render { template, message },
            );
            Box::new((diagnostic, url.clone()))
        };
        let unwritable = |e: OutputError| {
            Box::new((
                Diagnostic::new(e.path().to_path_buf(), Position::UNKNOWN, &e),
                url.clone(),
            ))
        };
        let failed = |error: RunError| match error {
            RunError::Template(error) => fail(error),
            RunError::Output(e) => unwritable(OutputError::io(std::path::Path::new(&file), e)),
            RunError::TooLong(limit) => {
                self.gave_up.store(true, Ordering::Relaxed);
                Box::new((too_long(template, &self.templates, limit), url.clone()))
            }
        };
        let Some(key) = inputs.key() else {
            // One build: the page streams into the sink and is not kept.
            self.rendered.fetch_add(1, Ordering::Relaxed);
            let mut writer = output.open(&file).map_err(unwritable)?;
            runner::run(
                &self.tera,
                template,
                inputs.context,
                &self.guard,
                Some(&url),
                true,
                &mut writer,
            )
            .map_err(failed)?;
            writer
                .flush()
                .map_err(|e| unwritable(OutputError::io(std::path::Path::new(&file), e)))?;
            return Ok(None);
        };
        let html = match known.and_then(|pages| pages.get(&file)) {
            Some((known, html)) if *known == key => html.clone(),
            _ => {
                self.rendered.fetch_add(1, Ordering::Relaxed);
                let mut html = Vec::new();
                let context = inputs.context;
                runner::run(
                    &self.tera,
                    template,
                    context,
                    &self.guard,
                    Some(&url),
                    false,
                    &mut html,
                )
                .map_err(failed)?;
                Arc::new(html)
            }
        };
        output
            .put(file.clone(), Content::Shared(html.clone()))
            .map_err(unwritable)?;
        Ok(Some(Remembered {
            file,
            key,
            html,
            shows,
        }))
    }

    /// The template, page path and page view of `job`, with its template input put into
    /// `inputs`.
    fn inputs(
        &self,
        job: &Job,
        views: &Views<'_>,
        inputs: &mut Inputs,
    ) -> (&'static str, String, PageView) {
        let harvest = views.harvest;
        let path = job.path(harvest);
        let (template, page) = match *job {
            Job::Item(id) => {
                let template = match harvest.items[id].kind {
                    Kind::Home => "home.html",
                    Kind::Item(Section::Themes) => "theme.html",
                    Kind::Item(Section::Conclusions) => "conclusion.html",
                    Kind::Item(Section::Recommendations) => "recommendation.html",
                    Kind::Page | Kind::SectionIntro(_) => "page.html",
                };
                (template, views.page(id))
            }
            Job::Made(Made::Home) => (
                "home.html",
                views.bare_page("home", &harvest.config.title, &path),
            ),
            Job::Made(Made::List(section, number)) => {
                let (page, items, pagination) = views.section_page(section, number);
                inputs.insert("items", &items);
                inputs.insert("pagination", &pagination);
                ("section.html", page)
            }
            Job::Made(made @ (Made::Matrix(_) | Made::Generated(Generated::Matrix))) => {
                let number = if let Made::Matrix(n) = made { n } else { 1 };
                let (matrix, pagination) = views.matrix(number);
                inputs.insert("matrix", &matrix);
                inputs.insert("pagination", &pagination);
                ("matrix.html", views.matrix_page(number))
            }
            Job::Made(Made::Generated(Generated::Search)) => {
                let page = views.bare_page("search", &views.nav().search.title, &path);
                ("search.html", page)
            }
            Job::Made(Made::Generated(Generated::PrintEdition)) => {
                // Made here, beside the other pages, not before them.
                *self
                    .print_edition
                    .write()
                    .unwrap_or_else(|e| e.into_inner()) = {
                    let mut edition = views.print_edition();
                    self.link_part_pdfs(views, &mut edition.parts);
                    edition
                };
                let edition = self.print_edition.read().unwrap_or_else(|e| e.into_inner());
                inputs.insert("parts", &edition.parts);
                inputs.mix(|| edition.bodies.key());
                let page = views.bare_page("print", &views.nav().print.title, &path);
                ("print.html", page)
            }
            Job::Made(Made::NotFound) => ("404.html", views.bare_page("404", "404", &path)),
        };
        if template == "home.html" {
            let glance = views.glance();
            for (section, items) in glance.lists {
                inputs.insert(section.folder(), &items);
            }
            inputs.insert("totals", &glance.totals);
        }
        inputs.insert("languages", &super::languages::links(views, job));
        inputs.insert("page", &page);
        inputs.insert("template", template);
        (template, path, page)
    }
}
