//! Render: Tera templates over views of the harvest, one page per item plus the
//! section lists, home, relation matrix, print edition, search page and 404 page; beside
//! them the feed, sitemap, open data and search index ([`publish`], [`search`]).

pub mod context;
pub mod lists;
pub mod print;
pub mod publish;
pub mod search;
pub mod theme;

mod jobs;
mod memo;
mod template_error;
mod watchdog;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tera::Tera;

use crate::content::Kind;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{Harvest, ItemId};
use crate::output::{Content, Counter, Discard, OutputError};
use crate::routes::{Generated, Made, file_of, published};
use context::Views;
use jobs::Job;
use memo::{Inputs, RenderMemo};
use print::SharedEdition;
use search::SearchIndex;
pub use template_error::TemplateError;
use template_error::locate;
pub use theme::{Origin, StaticFile, TemplateSource, Theme};
use watchdog::Watchdog;

/// Compiled templates, ready to render any number of pages.
pub struct Renderer {
    tera: Tera,
    /// The templates compiled, to tell where an error is.
    templates: BTreeMap<String, TemplateSource>,
    memo: Option<RenderMemo>,
    /// What the `print_body` function gives templates, set when the print edition is rendered.
    print_edition: SharedEdition,
    search: SearchIndex,
    /// The files beside the pages (feed, sitemap, open data, search index) as the last
    /// render made them, when remembering: a quick rebuild puts them out again.
    published: Option<BTreeMap<String, Arc<Vec<u8>>>>,
    /// The PDF edition the pages link to, with its size when known; `None`: no link.
    pdf: Option<Option<usize>>,
}

impl Renderer {
    /// Compiles every template of the theme; syntax errors name the template file and line.
    /// With `remember`, rendered pages are kept to reuse in the next [`Renderer::render`].
    pub fn new(theme: &Theme, remember: bool) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let print_edition = SharedEdition::default();
        print::register_print_body(&mut tera, &print_edition);
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
            tera,
            templates: theme.templates.clone(),
            memo: remember.then(RenderMemo::default),
            print_edition,
            search: SearchIndex::new(remember),
            published: remember.then(BTreeMap::new),
            pdf: None,
        })
    }

    /// Pages link to the PDF edition from now on, with its size in bytes when known;
    /// `None`: they do not link to one.
    pub fn link_pdf(&mut self, pdf: Option<Option<usize>>) {
        self.pdf = pdf;
    }

    /// The links of every page, with the PDF edition's when there is one.
    fn nav(&self, views: &Views<'_>) -> context::Nav {
        let mut nav = views.nav();
        nav.pdf = self.pdf.map(|bytes| views.pdf_link(bytes));
        nav
    }

    /// Renders every page of the harvest into `site`; all failing pages are reported.
    ///
    /// A page whose template input is the same as in this renderer's previous build is not
    /// rendered again.
    pub fn render(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        output: &Counter<'_>,
    ) -> Diagnostics {
        let views = Views::new(harvest, &theme.strings);
        let mut global = Inputs::new(self.memo.as_ref().map(|_| 0));
        global.insert("site", &views.site());
        global.insert("nav", &self.nav(&views));
        global.insert("t", &theme.strings);
        let global_hash = global.key();
        self.tera.global_context().extend(global.context);

        let jobs = self.jobs(&views);
        let watchdog = Watchdog::start(self.memo.is_none());
        // Big pages hold copies of their bodies while they render: one at a time, so two
        // never hold theirs at once.
        let one_big_page = Mutex::new(());
        // The files beside the pages are made meanwhile, on whatever core the pages leave.
        let mut search = std::mem::take(&mut self.search);
        let mut published = self.published.take();
        let this = &*self;
        let (results, mut diagnostics) = rayon::join(
            || {
                jobs.par_iter()
                    .with_max_len(crate::PARALLEL_PIECE)
                    .map(|job| {
                        let _big = job
                            .is_big(harvest)
                            .then(|| one_big_page.lock().unwrap_or_else(|e| e.into_inner()));
                        let _watched = watchdog.watch(job.describe(&views));
                        this.render_job(job, &views, global_hash, output)
                    })
                    .collect::<Vec<_>>()
            },
            || publish(&mut search, &mut published, &views, theme, output),
        );
        self.search = search;
        self.published = published;
        drop(watchdog);
        if let Some(memo) = self.memo.as_mut() {
            memo.pages.clear();
        }
        let mut memo = self.memo.as_mut();
        let mut failures: Vec<(Diagnostic, Vec<String>)> = Vec::new();
        for result in results {
            match result {
                Ok(Some((file, key, html))) => {
                    if let Some(memo) = memo.as_mut() {
                        memo.pages.insert(file, (key, html));
                    }
                }
                Ok(None) => {}
                Err((diagnostic, page)) => {
                    match failures.iter_mut().find(|(d, _)| *d == diagnostic) {
                        Some((_, pages)) => pages.push(page),
                        None => failures.push((diagnostic, vec![page])),
                    }
                }
            }
        }
        for (mut diagnostic, pages) in failures {
            diagnostic.message = match pages.as_slice() {
                [one] => format!("{} (rendering {one})", diagnostic.message),
                [first, rest @ ..] => format!(
                    "{} (rendering {first} and {} more page{})",
                    diagnostic.message,
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ),
                [] => diagnostic.message,
            };
            diagnostics.push(diagnostic);
        }
        diagnostics
    }

    /// Builds the search index again into the remembered files; returns the files that
    /// changed. Files of the index that are no longer made are forgotten.
    fn refresh_search(&mut self, harvest: &Harvest, theme: &Theme) -> Vec<(String, Content)> {
        let mut files = Vec::new();
        self.search
            .files(harvest, &theme.strings, &mut |path, bytes| {
                files.push((path, bytes))
            });
        let Some(published) = &mut self.published else {
            return Vec::new();
        };
        let made: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        published.retain(|path, _| {
            !path.starts_with(published::SEARCH_INDEX) || made.contains(path.as_str())
        });
        let mut changed = Vec::new();
        for (path, bytes) in files {
            if published.get(&path).is_some_and(|known| **known == bytes) {
                continue;
            }
            let shared = Arc::new(bytes);
            published.insert(path.clone(), shared.clone());
            changed.push((path, Content::Shared(shared)));
        }
        changed
    }

    /// Renders again only the pages of `changed` items (after their bodies changed and
    /// nothing else did), and, unless `defer`, the files that hold every body: the print
    /// edition and the search index. Puts every file into `output`, the others as the
    /// previous render made them. Needs a remembering renderer.
    pub fn render_changed(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        output: &Counter<'_>,
        changed: &[ItemId],
        defer: bool,
    ) -> Diagnostics {
        let mut jobs: Vec<Job> = changed
            .iter()
            .map(|&id| match harvest.items[id].kind {
                Kind::SectionIntro(section) => Job::Made(Made::List(section, 1)),
                _ => Job::Item(id),
            })
            .collect();
        if !defer {
            jobs.push(Job::PRINT);
        }
        let mut diagnostics = self.rerender(harvest, theme, &jobs);
        if !defer {
            self.refresh_search(harvest, theme);
        }
        let pages = self.memo.iter().flat_map(|m| m.pages.iter());
        let files = pages.map(|(file, (_, html))| (file, html));
        for (file, bytes) in files.chain(self.published.iter().flatten()) {
            if let Err(e) = output.put(file.clone(), Content::Shared(bytes.clone())) {
                diagnostics.push(Diagnostic::new(
                    e.path().to_path_buf(),
                    Position::UNKNOWN,
                    &e,
                ));
            }
        }
        diagnostics
    }

    /// Makes what [`Renderer::render_changed`] deferred: the print edition, and the search
    /// index. Returns the files that changed, with their content.
    pub fn render_deferred(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
    ) -> Result<Vec<(String, Content)>, Diagnostics> {
        let mut files = vec![self.render_print(harvest, theme)?];
        files.extend(self.refresh_search(harvest, theme));
        Ok(files)
    }

    /// Renders the print edition again; returns its file and content.
    fn render_print(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
    ) -> Result<(String, Content), Diagnostics> {
        let diagnostics = self.rerender(harvest, theme, &[Job::PRINT]);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let file = file_of(&harvest.routes.generated(Generated::PrintEdition));
        let html = self
            .memo
            .as_ref()
            .and_then(|m| m.pages.get(&file))
            .map(|(_, html)| html.clone());
        Ok((file, Content::Shared(html.unwrap_or_default())))
    }

    /// Renders `jobs` into the memo.
    fn rerender(&mut self, harvest: &Harvest, theme: &Theme, jobs: &[Job]) -> Diagnostics {
        let views = Views::new(harvest, &theme.strings);
        let mut global = Inputs::new(Some(0));
        global.insert("site", &views.site());
        global.insert("nav", &self.nav(&views));
        global.insert("t", &theme.strings);
        let global_hash = global.key();
        let results: Vec<_> = jobs
            .par_iter()
            .with_max_len(crate::PARALLEL_PIECE)
            .map(|job| self.render_job(job, &views, global_hash, &Counter::new(&Discard)))
            .collect();
        let mut diagnostics = Diagnostics::new();
        for result in results {
            match (result, self.memo.as_mut()) {
                (Ok(Some((file, key, html))), Some(memo)) => {
                    memo.pages.insert(file, (key, html));
                }
                (Err((diagnostic, _)), _) => diagnostics.push(diagnostic),
                _ => {}
            }
        }
        diagnostics
    }
}

/// Puts the feed, sitemap, `robots.txt`, open data and search index into `output`, each
/// file as soon as it is made.
fn publish(
    search: &mut SearchIndex,
    published: &mut Option<BTreeMap<String, Arc<Vec<u8>>>>,
    views: &Views<'_>,
    theme: &Theme,
    output: &Counter<'_>,
) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let mut unwritable = |e: OutputError| {
        diagnostics.push(Diagnostic::new(
            e.path().to_path_buf(),
            Position::UNKNOWN,
            &e,
        ));
    };
    if let Some(published) = published.as_mut() {
        published.clear();
    }
    let mut emit = |path: String, bytes: Vec<u8>| {
        let content = match published.as_mut() {
            Some(published) => {
                let shared = Arc::new(bytes);
                published.insert(path.clone(), shared.clone());
                Content::Shared(shared)
            }
            None => Content::Bytes(bytes),
        };
        if let Err(e) = output.put(path, content) {
            unwritable(e);
        }
    };
    publish::files(views, &mut emit);
    search.files(views.harvest, &theme.strings, &mut emit);
    // The open data can be large: written as it is made unless it is to be kept.
    let path = published::OPEN_DATA;
    if let Some(published) = published.as_mut() {
        let mut bytes = Vec::new();
        // Writing into memory cannot fail.
        let _ = publish::write_open_data(views.harvest, &mut bytes);
        let shared = Arc::new(bytes);
        published.insert(path.to_string(), shared.clone());
        if let Err(e) = output.put(path.to_string(), Content::Shared(shared)) {
            unwritable(e);
        }
    } else {
        let written = output.open(path).and_then(|mut writer| {
            publish::write_open_data(views.harvest, &mut writer)
                .map_err(std::io::Error::from)
                .and_then(|()| writer.flush())
                .map_err(|e| OutputError::io(std::path::Path::new(path), e))
        });
        if let Err(e) = written {
            unwritable(e);
        }
    }
    diagnostics
}
