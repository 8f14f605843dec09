//! One page rendered: its template input (the views of the page, with the items whose
//! cards it shows recorded for the dependency map), then its template, streamed into the
//! output or kept for the next run.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Renderer;
use super::affected;
use super::context::{PageView, Views};
use super::jobs::Job;
use super::memo::{Inputs, Pages, Remembered};
use super::runner::{self, RunError};
use super::template_error::{TemplateError, locate, too_long};
use crate::content::{Kind, Section};
use crate::diagnostics::{Diagnostic, Position};
use crate::output::{Content, Counter, OutputError};
use crate::routes::{Generated, Made, file_of};

impl Renderer {
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
        inputs.insert("languages", &super::languages::links(views.harvest, job));
        inputs.insert("page", &page);
        inputs.insert("template", template);
        (template, path, page)
    }
}
