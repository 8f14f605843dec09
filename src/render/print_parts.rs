//! The print edition in parts: a harvest of more than `print.max_items` items gets its print
//! edition as an index page (`printversie/`, with the harvest's introduction and the list of
//! parts) and one page per part (`printversie/conclusies-2/`), each with its own table of
//! contents and links to the previous and next part and to the index. Which items go in
//! which part is the harvest's division ([`crate::harvest::Part`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::Renderer;
use super::context::{Link, PdfLink, Views};
use super::print::{PartPlan, Places, PrintPart, plan};
use super::runner::{self, RunError};
use super::template_error::{TemplateError, locate, too_long};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::output::{Counter, OutputError};
use crate::routes::file_of;

/// The preview server's files beside the pages, shared by the parts that render into it.
pub type KeptFiles<'a> = std::sync::Mutex<&'a mut BTreeMap<String, Arc<Vec<u8>>>>;

/// What a part's page shows besides its part: the links between the parts.
#[derive(Debug, Serialize)]
struct EditionNav {
    /// The index of the parts.
    index: Link,
    previous: Option<Link>,
    next: Option<Link>,
    number: usize,
    total: usize,
    /// This part's file of the PDF edition, when there is one.
    pdf: Option<PdfLink>,
}

impl Views<'_> {
    /// The index of an edition in parts: the introduction, then a link to each part.
    pub(super) fn print_index(
        &self,
        plan: &[PartPlan],
        intro: Option<PrintPart>,
    ) -> Vec<PrintPart> {
        let urls = &self.harvest.routes.urls;
        let links = plan.iter().map(|part| PrintPart {
            id: print_anchor_of_path(&part.path),
            title: part.title.clone(),
            has_content: false,
            items: Vec::new(),
            url: Some(urls.link(&part.path)),
            count: Some(part.items.len()),
            lang: None,
            pdf: None,
        });
        intro.into_iter().chain(links).collect()
    }
}

/// The id of a part in the index: the last folder of its path (`conclusies-2`).
fn print_anchor_of_path(path: &str) -> String {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path).to_string()
}

impl Renderer {
    /// Renders every part of an edition in parts into `output`; with `published` (the
    /// preview server's), each part is also kept there. Nothing when the edition is one page.
    pub(super) fn render_print_parts(
        &self,
        views: &Views<'_>,
        output: &Counter<'_>,
        published: Option<&KeptFiles<'_>>,
    ) -> Diagnostics {
        let Some(plan) = plan(views) else {
            return Diagnostics::new();
        };
        // Every body of the edition, for `print_body`, whichever page renders first.
        *self
            .print_edition
            .write()
            .unwrap_or_else(|e| e.into_inner()) = views.print_edition();
        let places = Places::of(views, &plan);
        let failures: Vec<Diagnostic> = (0..plan.len())
            .into_par_iter()
            .filter_map(|n| {
                self.render_print_part(views, &plan, n, &places, output, published)
                    .err()
            })
            .collect();
        let mut diagnostics = Diagnostics::new();
        // One failing template fails every part alike: told once.
        if let Some(first) = failures.into_iter().next() {
            diagnostics.push(first);
        }
        diagnostics
    }

    fn render_print_part(
        &self,
        views: &Views<'_>,
        plan: &[PartPlan],
        n: usize,
        places: &Places,
        output: &Counter<'_>,
        published: Option<&KeptFiles<'_>>,
    ) -> Result<(), Diagnostic> {
        const TEMPLATE: &str = "print.html";
        let h = views.harvest;
        let part = &plan[n];
        let link = |part: &PartPlan| Link {
            title: part.title.clone(),
            url: h.routes.urls.link(&part.path),
            lang: None,
        };
        let nav = EditionNav {
            index: Link {
                title: views.text("print_parts"),
                url: h
                    .routes
                    .urls
                    .link(&h.routes.generated(crate::routes::Generated::PrintEdition)),
                lang: None,
            },
            previous: n.checked_sub(1).map(|p| link(&plan[p])),
            next: plan.get(n + 1).map(link),
            number: n + 1,
            total: plan.len(),
            pdf: self.part_pdf(views, part, n),
        };
        let mut page = views.bare_page("print", &part.title, &part.path);
        page.breadcrumbs.push(nav.index.clone());
        let mut context = tera::Context::new();
        context.insert("parts", &[views.print_part_view(part, places)]);
        context.insert("edition", &nav);
        context.insert("page", &page);
        context.insert("template", TEMPLATE);
        // The switch leads to the whole edition in the other languages.
        let languages = super::languages::links(views.harvest, &super::jobs::Job::PRINT);
        context.insert("languages", &languages);
        let file = file_of(&part.path);
        let failed = |error: RunError| match error {
            RunError::Template(error) => locate(
                &error,
                &self.templates,
                Some(TEMPLATE),
                |template, message| TemplateError::Render { template, message },
            ),
            RunError::TooLong(limit) => too_long(TEMPLATE, &self.templates, limit),
            RunError::Output(e) => unwritable(OutputError::io(std::path::Path::new(&file), e)),
        };
        let render = |stream, out: &mut dyn Write| {
            runner::run(
                &self.tera,
                TEMPLATE,
                context,
                &self.guard,
                None,
                stream,
                out,
            )
            .map_err(failed)
        };
        match published {
            Some(_) => {
                let mut bytes = Vec::new();
                render(false, &mut bytes)?;
                super::put_kept(published, output, file, Arc::new(bytes)).map_err(unwritable)
            }
            None => {
                let mut writer = output.open(&file).map_err(unwritable)?;
                render(true, &mut writer)?;
                writer
                    .flush()
                    .map_err(|e| unwritable(OutputError::io(std::path::Path::new(&file), e)))
            }
        }
    }
}

impl Renderer {
    /// The link to the file of the PDF edition that holds part `n`, when there is one.
    fn part_pdf(&self, views: &Views<'_>, part: &PartPlan, n: usize) -> Option<PdfLink> {
        let sizes = self.pdf_sizes(views.harvest.config.language)?;
        let title = views.text("pdf_download");
        Some(views.pdf_file_link(title, &part.pdf, sizes.get(n).copied().flatten()))
    }

    /// Gives each part listed in the index of an edition in parts its file of the PDF
    /// edition, when there is one.
    pub(super) fn link_part_pdfs(&self, views: &Views<'_>, index: &mut [PrintPart]) {
        if self.pdf_sizes(views.harvest.config.language).is_none() {
            return;
        }
        let Some(plan) = plan(views) else {
            return;
        };
        let listed = index.iter_mut().filter(|entry| entry.url.is_some());
        for (n, (entry, part)) in listed.zip(&plan).enumerate() {
            entry.pdf = self.part_pdf(views, part, n);
        }
    }
}

pub(super) fn unwritable(e: OutputError) -> Diagnostic {
    Diagnostic::new(e.path().to_path_buf(), Position::UNKNOWN, &e)
}
