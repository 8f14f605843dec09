//! Render: Tera templates over views of the harvest, one page per item plus the
//! section lists, home, relation matrix, print edition, search page and 404 page; beside
//! them the feed, sitemap, open data and search index ([`publish`], [`search`]).

pub mod context;
pub mod lists;
pub mod print;
pub mod print_parts;
pub mod publish;
pub mod search;

mod affected;
mod again;
mod jobs;
mod kept;
mod languages;
mod memo;
mod page;
mod runner;
mod template_error;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tera::Tera;

use crate::config::Language;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::Harvest;
use crate::output::{Content, Counter, OutputError};
use crate::routes::published;
use crate::theme::{TemplateSource, Theme};
pub use again::Again;
use context::Views;
use memo::Inputs;
pub use memo::RenderMemo;
use print::SharedEdition;
use print_parts::KeptFiles;
use runner::Guard;
pub use runner::Watch;
use search::SearchMemo;
pub use template_error::TemplateError;
use template_error::locate;

/// Compiled templates, ready to render any number of pages.
pub struct Renderer {
    /// Shared with the threads templates run on; a run given up keeps its copy.
    tera: Arc<Tera>,
    /// How the time one page may take to render is kept.
    guard: Guard,
    /// Whether the current render gave up a page that took longer than `limit`.
    gave_up: AtomicBool,
    /// How many pages the last render ran their template for (the others were reused).
    rendered: AtomicUsize,
    /// The templates compiled, to tell where an error is.
    templates: BTreeMap<String, TemplateSource>,
    /// What the `print_body` function gives templates, set when the print edition is rendered.
    print_edition: SharedEdition,
    /// The PDF edition in each language the pages link to: the size of each of its files
    /// (one, or one per part of the print edition) when known; a language without one: no
    /// link.
    pdf: BTreeMap<Language, Vec<Option<usize>>>,
}

impl Renderer {
    /// Compiles every template of the theme; syntax errors name the template file and line.
    pub fn new(theme: &Theme) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let print_edition = SharedEdition::default();
        print::register_print_body(&mut tera, &print_edition);
        publish::register_xml_filter(&mut tera);
        let sources = theme
            .templates
            .iter()
            .map(|(name, source)| (name.as_str(), source.text.as_str()));
        if let Err(error) = tera.add_raw_templates(sources) {
            let diagnostic = locate(&error, &theme.templates, None, |template, message| {
                TemplateError::Syntax { template, message }
            });
            return Err(diagnostic.into());
        }
        Ok(Renderer {
            tera: Arc::new(tera),
            guard: Guard::default(),
            gave_up: AtomicBool::new(false),
            rendered: AtomicUsize::new(0),
            templates: theme.templates.clone(),
            print_edition,
            pdf: BTreeMap::new(),
        })
    }

    /// From now on, pages render where they are made, watched by `watch` (see [`Guard`]).
    pub fn watched_by(&mut self, watch: Arc<Watch>) {
        watch.know(&self.templates);
        self.guard = Guard::Watched(watch);
    }

    /// How many pages the last render ran their template for, in every language; the
    /// others it reused.
    pub fn pages_rendered(&self) -> usize {
        self.rendered.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pages in `language` link to its PDF edition from now on, with the size in bytes of
    /// each of its files when known (in the order of the print edition's parts); `None`:
    /// they do not link to one.
    pub fn link_pdf(&mut self, language: Language, pdf: Option<Vec<Option<usize>>>) {
        match pdf {
            Some(sizes) => self.pdf.insert(language, sizes),
            None => self.pdf.remove(&language),
        };
    }

    /// What every template sees: `site`, `nav`, `t` and `print_parts` (how many parts the
    /// print edition is in; 0 when it is one page), hashed from `seed` when pages are kept.
    fn globals(&self, views: &Views<'_>, seed: Option<u64>) -> Inputs {
        let mut global = Inputs::new(seed);
        let parts = print::plan(views).map_or(0, |p| p.len());
        global.insert("site", &views.site());
        global.insert("nav", &self.nav(views, parts));
        global.insert("t", views.strings);
        global.insert("print_parts", &parts);
        global
    }

    /// Gives every template what [`Renderer::globals`] makes of `views` (a site's languages
    /// are rendered in turn, each with its own); returns its hash.
    fn use_globals(&mut self, views: &Views<'_>, seed: Option<u64>) -> Option<u64> {
        let global = self.globals(views, seed);
        let hash = global.key();
        // A copy is made only when a run given up still holds the templates.
        Arc::make_mut(&mut self.tera)
            .global_context()
            .extend(global.context);
        hash
    }

    /// The links of every page, with the PDF edition's when there is one: its file, or for
    /// an edition in `parts` parts, the print edition's index that lists their files.
    fn nav(&self, views: &Views<'_>, parts: usize) -> context::Nav {
        let mut nav = views.nav();
        let sizes = self.pdf.get(&views.harvest.config.language);
        nav.pdf = sizes.map(|sizes| match parts {
            0 => views.pdf_link(sizes.first().copied().flatten()),
            parts => views.pdf_parts_link(parts),
        });
        nav
    }

    /// The size of each file of the PDF edition in `language`, when it has one.
    pub(super) fn pdf_sizes(&self, language: Language) -> Option<&[Option<usize>]> {
        self.pdf.get(&language).map(Vec::as_slice)
    }

    /// Renders every page of the harvest into `output`; all failing pages are reported.
    ///
    /// With a memo, a page whose template input is the same as in the memo's last run is
    /// not rendered again, and the memo keeps what this run made.
    pub fn render(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        output: &Counter<'_>,
        mut memo: Option<&mut RenderMemo>,
    ) -> Diagnostics {
        *self.gave_up.get_mut() = false;
        // The languages of a site are rendered one after the other, its own first.
        if harvest.config.original.is_none() {
            *self.rendered.get_mut() = 0;
        }
        let mut views = Views::new(harvest, theme.strings_in(harvest.config.language));
        let global_hash = self.use_globals(&views, memo.is_some().then_some(0));

        let jobs = self.jobs(&views);
        // Big pages hold copies of their bodies while they render: one at a time, so two
        // never hold theirs at once.
        let one_big_page = Mutex::new(());
        // The pages of the last run are looked up while this run's are gathered.
        let known = memo.as_deref_mut().map(|m| std::mem::take(&mut m.pages));
        let (published, search) = match memo.as_deref_mut() {
            Some(m) => (Some(&mut m.published), Some(&mut m.search)),
            None => (None, None),
        };
        // The files beside the pages are made meanwhile, on whatever core the pages leave.
        let this = &*self;
        let (results, mut diagnostics) =
            this.publish(search, published, &mut views, output, |views| {
                jobs.par_iter()
                    .with_max_len(crate::PARALLEL_PIECE)
                    .map(|job| {
                        let _big = job
                            .is_big(harvest)
                            .then(|| one_big_page.lock().unwrap_or_else(|e| e.into_inner()));
                        this.render_job(job, views, global_hash, known.as_ref(), output)
                    })
                    .collect::<Vec<_>>()
            });
        drop(known);
        let mut failures: Vec<(Diagnostic, Vec<String>)> = Vec::new();
        if let Some(memo) = memo.as_mut() {
            memo.shows.clear();
            memo.later.clear();
            memo.global = global_hash;
        }
        for (job, result) in jobs.iter().zip(results) {
            match result {
                Ok(Some(page)) => {
                    if let Some(memo) = memo.as_mut() {
                        memo.remember(*job, harvest, page);
                    }
                }
                Ok(None) => {}
                Err(failure) => {
                    let (diagnostic, page) = *failure;
                    match failures.iter_mut().find(|(d, _)| *d == diagnostic) {
                        Some((_, pages)) => pages.push(page),
                        None => failures.push((diagnostic, vec![page])),
                    }
                }
            }
        }
        for (mut diagnostic, pages) in failures {
            template_error::on_pages(&mut diagnostic, &pages);
            diagnostics.push(diagnostic);
        }
        diagnostics
    }

    /// Renders the template of the feed, the sitemap or `robots.txt` (named after its file)
    /// with `context`.
    fn render_template(
        &self,
        template: &'static str,
        context: tera::Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut bytes = Vec::new();
        match runner::run(
            &self.tera,
            template,
            context,
            &self.guard,
            None,
            false,
            &mut bytes,
        ) {
            Ok(()) => Ok(bytes),
            Err(runner::RunError::Template(error)) => Err(locate(
                &error,
                &self.templates,
                Some(template),
                |template, message| TemplateError::Render { template, message },
            )),
            Err(runner::RunError::TooLong(limit)) => {
                Err(template_error::too_long(template, &self.templates, limit))
            }
            Err(runner::RunError::Output(e)) => {
                let e = OutputError::io(std::path::Path::new(template), e);
                Err(Diagnostic::new(
                    e.path().to_path_buf(),
                    Position::UNKNOWN,
                    &e,
                ))
            }
        }
    }
}

impl Renderer {
    /// Makes `pages` (given the views) and the files beside them, putting each file into
    /// `output` as soon as it is made: the feed, sitemap, `robots.txt`, open data and the
    /// parts of an edition in parts, one after the other on whatever core the pages leave
    /// (made side by side they saved little time and held more at once); then the search
    /// index, on every core. With `published` (the preview's), each file is kept there too,
    /// and only those.
    fn publish<R: Send>(
        &self,
        search: Option<&mut SearchMemo>,
        published: Option<&mut BTreeMap<String, Arc<Vec<u8>>>>,
        views: &mut Views<'_>,
        output: &Counter<'_>,
        pages: impl FnOnce(&Views<'_>) -> R + Send,
    ) -> (R, Diagnostics) {
        let kept = published.map(|published| {
            published.clear();
            Mutex::new(published)
        });
        let kept = kept.as_ref();
        let shared = &*views;
        let (made, mut diagnostics) = rayon::join(
            || pages(shared),
            || {
                let mut diagnostics = publish_whole(self, kept, shared, output);
                diagnostics.extend(self.render_print_parts(shared, output, kept));
                diagnostics
            },
        );
        // The search index is made once the pages and the print edition are: what they
        // shared of every item is given back first (at 100,000 items, a third of the peak).
        views.forget_refs();
        let search = search_index(search, kept, views, output);
        diagnostics.extend(search);
        (made, diagnostics)
    }
}

/// Makes the search index's files, putting each into `output` (and `kept`).
fn search_index(
    search: Option<&mut SearchMemo>,
    kept: Option<&KeptFiles<'_>>,
    views: &Views<'_>,
    output: &Counter<'_>,
) -> Diagnostics {
    let diagnostics = Mutex::new(Diagnostics::new());
    let emit = |path: String, bytes: Arc<Vec<u8>>| {
        if let Err(e) = put_kept(kept, output, path, bytes) {
            let mut diagnostics = diagnostics.lock().unwrap_or_else(|e| e.into_inner());
            diagnostics.push(print_parts::unwritable(e));
        }
    };
    search::files(views.harvest, views.strings, search, &emit);
    diagnostics.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Puts a file made beside the pages into `output`, and into `kept` when given.
fn put_kept(
    kept: Option<&KeptFiles<'_>>,
    output: &Counter<'_>,
    path: String,
    bytes: Arc<Vec<u8>>,
) -> Result<(), OutputError> {
    if let Some(kept) = kept {
        (kept.lock().unwrap_or_else(|e| e.into_inner())).insert(path.clone(), bytes.clone());
    }
    output.put(path, Content::Shared(bytes))
}

/// Puts the open data, feed, sitemap and `robots.txt` into `output` (and `kept`).
fn publish_whole(
    renderer: &Renderer,
    kept: Option<&KeptFiles<'_>>,
    views: &Views<'_>,
    output: &Counter<'_>,
) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let own = views.harvest.config.original.is_none();
    // The open data can be large: written as it is made unless it is to be kept.
    let path = published::OPEN_DATA;
    let written = match (own, kept) {
        (false, _) => Ok(()),
        (true, Some(_)) => {
            let mut bytes = Vec::new();
            // Writing into memory cannot fail.
            let _ = publish::write_open_data(views.harvest, &mut bytes);
            put_kept(kept, output, path.to_string(), Arc::new(bytes))
        }
        (true, None) => output.open(path).and_then(|mut writer| {
            publish::write_open_data(views.harvest, &mut writer)
                .map_err(std::io::Error::from)
                .and_then(|()| writer.flush())
                .map_err(|e| OutputError::io(std::path::Path::new(path), e))
        }),
    };
    if let Err(e) = written {
        diagnostics.push(print_parts::unwritable(e));
    }
    let mut emit = |path: String, bytes: Vec<u8>| {
        if let Err(e) = put_kept(kept, output, path, Arc::new(bytes)) {
            diagnostics.push(print_parts::unwritable(e));
        }
    };
    let mut failed = Vec::new();
    let routes = &views.harvest.routes;
    // The sitemap, robots.txt and the open data are the whole site's, in its own language;
    // the feed and the search index are made in every language.
    for template in publish::TEMPLATES {
        if !own && template != published::FEED {
            continue;
        }
        if template == published::SITEMAP {
            let files = publish::sitemaps(views);
            let parts = files.len();
            for (path, context) in files {
                match renderer.render_template(template, context) {
                    Ok(bytes) => emit(path, bytes),
                    Err(diagnostic) => failed.push(diagnostic),
                }
            }
            if parts > 1 {
                emit(template.to_string(), publish::sitemap_index(views, parts));
            }
            continue;
        }
        let context = publish::context(views, template);
        match renderer.render_template(template, context) {
            Ok(bytes) => emit(routes.per_language(template), bytes),
            Err(diagnostic) => failed.push(diagnostic),
        }
    }
    failed.into_iter().for_each(|d| diagnostics.push(d));
    diagnostics
}
