//! Render: Tera templates over views of the harvest, one page per item plus the
//! section lists, home, relation matrix, print edition, search page and 404 page; beside
//! them the feed, sitemap, open data and search index ([`publish`], [`search`]).

pub mod context;
pub mod publish;
pub mod search;
pub mod theme;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};
use thiserror::Error;

use crate::content::Kind;
use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position, did_you_mean};
use crate::harvest::{Harvest, ItemId};
use crate::output::{Content, Counter, Discard, OutputError};
use crate::url::{Generated, Section, published};
use context::{PrintEdition, Views};
use search::SearchIndex;
pub use theme::{Origin, StaticFile, TemplateSource, Theme};

#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("template `{template}`: {message}")]
    Syntax { template: String, message: String },
    #[error("template `{template}`: {message}")]
    Render { template: String, message: String },
    #[error(
        "template `{template}` extends `{parent}`, which is not a template of the theme or the site"
    )]
    MissingParent {
        template: String,
        parent: String,
        suggestion: Option<String>,
    },
    /// `tag` is `include` or `extends`; `chain` the templates of the cycle, the first again last.
    #[error(
        "template `{template}`: Circular {}: {}",
        if *.tag == "include" { "include" } else { "inheritance" },
        .chain.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" → ")
    )]
    Cycle {
        template: String,
        tag: &'static str,
        chain: Vec<String>,
    },
}

impl Hint for TemplateError {
    fn hint(&self) -> Option<String> {
        let message = match self {
            TemplateError::Syntax { message, .. } | TemplateError::Render { message, .. } => {
                message
            }
            TemplateError::MissingParent {
                parent, suggestion, ..
            } => {
                let near = suggestion
                    .as_ref()
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                return Some(format!(
                    "fix the name after `extends`{near}, or create templates/{parent}"
                ));
            }
            TemplateError::Cycle { tag, .. } => {
                let verb = if *tag == "include" {
                    "includes"
                } else {
                    "extends"
                };
                return Some(format!(
                    "break the cycle: a template cannot be part of what it {verb}, directly or through other templates"
                ));
            }
        };
        if message.contains("not defined") || message.contains("not found") {
            return Some("check the name against the variables in themes/default/README.md, or guard it with `is defined`".into());
        }
        Some("fix the template, or delete the site's copy to use the theme's own".into())
    }
}

/// Compiled templates, ready to render any number of pages.
pub struct Renderer {
    tera: Tera,
    /// The templates compiled, to tell where an error is.
    templates: BTreeMap<String, TemplateSource>,
    memo: Option<RenderMemo>,
    /// What the `print_body` function gives templates, set when the print edition is rendered.
    print_edition: Arc<RwLock<PrintEdition>>,
    search: SearchIndex,
    /// The files beside the pages (feed, sitemap, open data, search index) as the last
    /// render made them, when remembering: a quick rebuild puts them out again.
    published: Option<BTreeMap<String, Arc<Vec<u8>>>>,
}

impl Renderer {
    /// Compiles every template of the theme; syntax errors name the template file and line.
    /// With `remember`, rendered pages are kept to reuse in the next [`Renderer::render`].
    pub fn new(theme: &Theme, remember: bool) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let print_edition: Arc<RwLock<PrintEdition>> = Arc::default();
        let bodies = print_edition.clone();
        tera.register_function(
            "print_body",
            move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
                let id: &str = kwargs.must_get("id")?;
                let edition = bodies.read().unwrap_or_else(|e| e.into_inner());
                Ok(edition
                    .bodies
                    .html(id)
                    .map_or(Value::none(), |html| Value::safe_string(&html)))
            },
        );
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
        })
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
        global.insert("nav", &views.nav());
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
                Kind::SectionIntro(section) => Job::Section(section, 1),
                _ => Job::Item(id),
            })
            .collect();
        if !defer {
            jobs.push(Job::Print);
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
        let diagnostics = self.rerender(harvest, theme, &[Job::Print]);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let file = format!(
            "{}index.html",
            Generated::PrintEdition.path(harvest.config.language)
        );
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
        global.insert("nav", &views.nav());
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

    /// Every page to render, the biggest first so they run beside the many small ones.
    /// (The link stage keeps content files off the URLs of the pages here that are not
    /// items': see `made_pages` in harvest.rs.)
    fn jobs(&self, views: &Views<'_>) -> Vec<Job> {
        let harvest = views.harvest;
        let mut jobs = vec![Job::Print, Job::Matrix, Job::Search];
        for section in Section::ALL {
            jobs.extend((1..=views.section_pages(section)).map(|n| Job::Section(section, n)));
        }
        if harvest.home.is_none() {
            jobs.push(Job::Home);
        }
        jobs.push(Job::NotFound);
        let items = harvest.items.iter().enumerate();
        jobs.extend(
            items
                .filter(|(_, item)| !matches!(item.kind, Kind::SectionIntro(_)))
                .map(|(id, _)| Job::Item(id)),
        );
        jobs
    }

    /// Renders one page; returns its output file (site-relative), its input key and its HTML.
    fn render_job(
        &self,
        job: &Job,
        views: &Views<'_>,
        global_hash: Option<u64>,
        output: &Counter<'_>,
    ) -> Result<Option<Remembered>, (Diagnostic, String)> {
        let harvest = views.harvest;
        let language = harvest.config.language;
        let mut inputs = Inputs::new(global_hash);
        let (template, path, mut page) = match *job {
            Job::Item(id) => {
                let item = &harvest.items[id];
                let template = match item.kind {
                    Kind::Home => "home.html",
                    Kind::Item(Section::Themes) => "theme.html",
                    Kind::Item(Section::Conclusions) => "conclusion.html",
                    Kind::Item(Section::Recommendations) => "recommendation.html",
                    Kind::Page | Kind::SectionIntro(_) => "page.html",
                };
                (template, item.path.clone(), views.page(id))
            }
            Job::Home => (
                "home.html",
                String::new(),
                views.bare_page("home", &harvest.config.title, ""),
            ),
            Job::Section(section, number) => {
                let (page, items, pagination) = views.section_page(section, number);
                inputs.insert("items", &items);
                inputs.insert("pagination", &pagination);
                (
                    "section.html",
                    views.section_page_path(section, number),
                    page,
                )
            }
            Job::Matrix => {
                inputs.insert("matrix", &views.matrix());
                let path = Generated::Matrix.path(language);
                let page = views.bare_page("matrix", &views.nav().matrix.title, &path);
                ("matrix.html", path, page)
            }
            Job::Search => {
                let path = Generated::Search.path(language);
                let page = views.bare_page("search", &views.nav().search.title, &path);
                ("search.html", path, page)
            }
            Job::Print => {
                // Made here, beside the other pages, not before them.
                *self
                    .print_edition
                    .write()
                    .unwrap_or_else(|e| e.into_inner()) = views.print_edition();
                let edition = self.print_edition.read().unwrap_or_else(|e| e.into_inner());
                inputs.insert("parts", &edition.parts);
                inputs.mix(|| edition.bodies.key());
                let path = Generated::PrintEdition.path(language);
                let page = views.bare_page("print", &views.nav().print.title, &path);
                ("print.html", path, page)
            }
            Job::NotFound => (
                "404.html",
                "404.html".to_string(),
                views.bare_page("404", "404", "404.html"),
            ),
        };
        if template == "home.html" {
            let glance = views.glance();
            for (section, items) in glance.lists {
                inputs.insert(section.folder(), &items);
            }
            inputs.insert("totals", &glance.totals);
        }
        inputs.insert("page", &page);
        inputs.insert("template", template);
        // The context holds its own copy of the page: a long body is not held twice more.
        let url = std::mem::take(&mut page.url);
        drop(page);
        let file = if path.ends_with(".html") {
            path
        } else {
            format!("{path}index.html")
        };
        let fail = |error: tera::Error| {
            let diagnostic = locate(
                &error,
                &self.templates,
                Some(template),
                |template, message| TemplateError::Render { template, message },
            );
            (diagnostic, url.clone())
        };
        let unwritable = |e: OutputError| {
            (
                Diagnostic::new(e.path().to_path_buf(), Position::UNKNOWN, &e),
                url.clone(),
            )
        };
        let Some(key) = inputs.key() else {
            // One build: the page streams into the sink and is not kept.
            let mut writer = output.open(&file).map_err(unwritable)?;
            self.tera
                .render_to(template, &inputs.context, &mut writer)
                .map_err(fail)?;
            writer
                .flush()
                .map_err(|e| unwritable(OutputError::io(std::path::Path::new(&file), e)))?;
            return Ok(None);
        };
        let known = self.memo.as_ref().and_then(|memo| memo.pages.get(&file));
        let html = match known {
            Some((known, html)) if *known == key => html.clone(),
            _ => Arc::new(
                self.tera
                    .render(template, &inputs.context)
                    .map_err(fail)?
                    .into_bytes(),
            ),
        };
        output
            .put(file.clone(), Content::Shared(html.clone()))
            .map_err(unwritable)?;
        Ok(Some((file, key, html)))
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

/// A page to remember: its output file, the hash of its template input, its HTML.
type Remembered = (String, u64, Arc<Vec<u8>>);

/// Pages of the previous build with a hash of what their templates were given.
#[derive(Debug, Default)]
struct RenderMemo {
    pages: HashMap<String, (u64, Arc<Vec<u8>>)>,
}

/// A template context, and a hash of everything put into it when pages are remembered.
struct Inputs {
    context: Context,
    hasher: Option<DefaultHasher>,
}

impl Inputs {
    fn new(seed: Option<u64>) -> Self {
        let hasher = seed.map(|seed| {
            let mut hasher = DefaultHasher::new();
            seed.hash(&mut hasher);
            hasher
        });
        Inputs {
            context: Context::new(),
            hasher,
        }
    }

    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(hasher) = &mut self.hasher {
            key.hash(hasher);
            // Serialising a view cannot fail: views hold only strings, numbers and lists.
            let _ = serde_json::to_writer(HashWriter(hasher), value);
        }
        self.context.insert(key, value);
    }

    /// Adds to the hash what templates reach outside the context (through functions); the
    /// value is made only when pages are remembered.
    fn mix(&mut self, value: impl FnOnce() -> u64) {
        if let Some(hasher) = &mut self.hasher {
            value().hash(hasher);
        }
    }

    fn key(&self) -> Option<u64> {
        self.hasher.as_ref().map(Hasher::finish)
    }
}

/// Feeds written bytes into a hasher.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How long one page may take to render before the build is stopped (override with the
/// environment variable `OOGST_RENDER_LIMIT_SECS`).
const RENDER_LIMIT: Duration = Duration::from_secs(30);

/// Watches the pages being rendered: a template that loops (nearly) forever is reported
/// with the page it was rendering, and a one-time build stops with exit code 1.
struct Watchdog {
    rendering: Arc<Mutex<HashMap<std::thread::ThreadId, (String, Instant)>>>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(exit_on_runaway: bool) -> Watchdog {
        let limit = std::env::var("OOGST_RENDER_LIMIT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(RENDER_LIMIT, Duration::from_secs);
        let watchdog = Watchdog {
            rendering: Arc::default(),
            done: Arc::default(),
        };
        let (rendering, done) = (watchdog.rendering.clone(), watchdog.done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                let stuck = rendering
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .values()
                    .find(|(_, since)| since.elapsed() > limit)
                    .map(|(what, _)| what.clone());
                if let Some(what) = stuck {
                    eprintln!(
                        "error: rendering {what} has taken more than {} s: a template loops (nearly) forever\n  = hint: look for loops over large ranges in the site's templates{}",
                        limit.as_secs(),
                        if exit_on_runaway {
                            ""
                        } else {
                            "; restart oogst serve once it is fixed"
                        }
                    );
                    if exit_on_runaway {
                        std::process::exit(1);
                    }
                    return;
                }
            }
        });
        watchdog
    }

    /// Marks the current thread as rendering `job` until the guard is dropped.
    fn watch(&self, what: String) -> impl Drop + use<> {
        let thread = std::thread::current().id();
        self.rendering
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(thread, (what, Instant::now()));
        WatchGuard(self.rendering.clone(), thread)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

struct WatchGuard(
    Arc<Mutex<HashMap<std::thread::ThreadId, (String, Instant)>>>,
    std::thread::ThreadId,
);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

/// A page whose body has more HTML than this is big (see [`Job::is_big`]).
const BIG_BODY: usize = 4 << 20;

impl Job {
    /// Whether the page holds much HTML: the print edition, an item with a long body.
    fn is_big(&self, harvest: &Harvest) -> bool {
        match *self {
            Job::Print => true,
            Job::Item(id) => harvest.items[id].body.html.len() > BIG_BODY,
            _ => false,
        }
    }

    /// The page, as a writer knows it.
    fn describe(&self, views: &Views<'_>) -> String {
        let h = views.harvest;
        let language = h.config.language;
        let path = match *self {
            Job::Item(id) => h.items[id].path.clone(),
            Job::Home => String::new(),
            Job::Section(section, n) => views.section_page_path(section, n),
            Job::Matrix => Generated::Matrix.path(language),
            Job::Print => Generated::PrintEdition.path(language),
            Job::Search => Generated::Search.path(language),
            Job::NotFound => "404.html".to_string(),
        };
        h.urls.link(&path)
    }
}

/// A page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Item(usize),
    Home,
    /// List page `n` (from 1) of a section.
    Section(Section, usize),
    Matrix,
    Print,
    Search,
    NotFound,
}

/// Turns a Tera error into a diagnostic at the template file and line it names (or, for a
/// missing parent and a cycle, the line of the `extends` or `include` tag at fault).
/// `rendering` names the template being rendered, for errors that do not say where they are.
fn locate(
    error: &tera::Error,
    templates: &BTreeMap<String, TemplateSource>,
    rendering: Option<&str>,
    make: impl Fn(String, String) -> TemplateError,
) -> Diagnostic {
    let at = |name: &str, position: Position, error: &TemplateError| {
        let Some(template) = templates.get(name) else {
            return Diagnostic::new("templates", position, error);
        };
        // The text compiled, which for the built-in theme is on no disk.
        Diagnostic::new(template.origin.display_path(), position, error).with_source(&template.text)
    };
    let tag_in = |name: &str, tag: &str, target: &str| {
        templates
            .get(name)
            .map_or(Position::UNKNOWN, |t| tag_position(&t.text, tag, target))
    };
    let (name, position, message) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => (
            report.filename().to_string(),
            Position::new(report.span().start_line, report.span().start_col + 1),
            report.message().to_string(),
        ),
        tera::ErrorKind::MissingParent { current, parent } => {
            let error = TemplateError::MissingParent {
                template: current.clone(),
                parent: parent.clone(),
                suggestion: did_you_mean(parent, templates.keys().map(String::as_str))
                    .map(str::to_string),
            };
            return at(current, tag_in(current, "extends", parent), &error);
        }
        tera::ErrorKind::CircularInclude { include_chain, .. } => {
            let (from, to, chain) = cycle(templates, include_chain);
            let error = TemplateError::Cycle {
                template: from.clone(),
                tag: "include",
                chain,
            };
            return at(&from, tag_in(&from, "include", &to), &error);
        }
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            // The chain holds the parents of `tpl`, the last one met before (or `tpl`).
            let mut whole = vec![tpl.clone()];
            whole.extend(inheritance_chain.iter().cloned());
            let (from, to, chain) = cycle(templates, &whole);
            let error = TemplateError::Cycle {
                template: from.clone(),
                tag: "extends",
                chain,
            };
            return at(&from, tag_in(&from, "extends", &to), &error);
        }
        other => from_report_text(&other.to_string()),
    };
    let name = match (name.is_empty(), rendering) {
        (true, Some(template)) => template.to_string(),
        _ => name,
    };
    let shown_name = if name.is_empty() { "?" } else { &name };
    at(&name, position, &make(shown_name.to_string(), message))
}

/// The cycle in a chain of templates that ends with one met before (`a → b → c → b`): the
/// link to blame, as the template whose tag closes it and the one that tag names, and the
/// cycle itself (`b → c → b`). The link blamed is the last one from a template of the site
/// (which the writer can change), else the last one.
fn cycle(
    templates: &BTreeMap<String, TemplateSource>,
    chain: &[String],
) -> (String, String, Vec<String>) {
    let again = chain.last().map_or("", String::as_str);
    let start = chain.iter().position(|t| t == again).unwrap_or(0);
    let cycle = &chain[start..];
    let on_disk = |name: &str| {
        templates
            .get(name)
            .is_some_and(|t| matches!(t.origin, Origin::Disk(_)))
    };
    let link = cycle
        .windows(2)
        .rev()
        .find(|pair| on_disk(&pair[0]))
        .or_else(|| cycle.windows(2).last());
    let (from, to) = match link {
        Some([from, to]) => (from.clone(), to.clone()),
        _ => (again.to_string(), again.to_string()),
    };
    (from, to, cycle.to_vec())
}

/// Where `{% tag "name" %}` is written in a template's text (at the quoted name), or
/// `UNKNOWN` if it is not written so.
fn tag_position(text: &str, tag: &str, name: &str) -> Position {
    for (open, _) in text.match_indices("{%") {
        let rest = &text[open + 2..];
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        let Some(after_tag) = rest.strip_prefix(tag) else {
            continue;
        };
        let quoted = after_tag.trim_start();
        if quoted.len() == after_tag.len() {
            continue;
        }
        let found = ['"', '\'', '`'].into_iter().any(|quote| {
            quoted
                .strip_prefix(quote)
                .and_then(|q| q.strip_prefix(name))
                .is_some_and(|q| q.starts_with(quote))
        });
        if found {
            return Position::of_offset(text, text.len() - quoted.len());
        }
    }
    Position::UNKNOWN
}

/// Reads template, position and message out of a report Tera gives only as text
/// (`error: Unknown filter `x`` then ` --> page.html:3:18`).
fn from_report_text(text: &str) -> (String, Position, String) {
    let message = text
        .lines()
        .next()
        .unwrap_or(text)
        .trim_start_matches("error: ")
        .to_string();
    let place = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "));
    let parsed = place.and_then(|p| {
        let mut parts = p.rsplitn(3, ':');
        let col = parts.next()?.trim().parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        Some((parts.next()?.to_string(), Position::new(line, col)))
    });
    match parsed {
        Some((name, position)) => (name, position, message),
        None => (String::new(), Position::UNKNOWN, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_positions_out_of_report_text() {
        let text =
            "error: Unknown filter `bogus`\n --> conclusion.html:3:18\n  |\n3 | {{ x | bogus }}";
        let (name, position, message) = from_report_text(text);
        assert_eq!(name, "conclusion.html");
        assert_eq!(position, Position::new(3, 18));
        assert_eq!(message, "Unknown filter `bogus`");
    }

    #[test]
    fn finds_the_tag_that_names_a_template() {
        let text = "{# x #}\n{%- include 'b.html' %}\n{% extends \"a.html\" %}";
        assert_eq!(
            tag_position(text, "include", "b.html"),
            Position::new(2, 13)
        );
        assert_eq!(
            tag_position(text, "extends", "a.html"),
            Position::new(3, 12)
        );
        assert_eq!(tag_position(text, "include", "a.html"), Position::UNKNOWN);
        assert_eq!(
            tag_position("{% include \"ab.html\" %}", "include", "a.html"),
            Position::UNKNOWN
        );
        assert_eq!(
            tag_position("{% includes \"a.html\" %}", "include", "a.html"),
            Position::UNKNOWN
        );
    }

    #[test]
    fn blames_the_link_of_a_cycle_a_site_template_makes() {
        let source = |origin| TemplateSource {
            text: String::new(),
            origin,
        };
        let mut templates = BTreeMap::new();
        for name in ["a.html", "b.html"] {
            templates.insert(name.to_string(), source(Origin::BuiltIn("x")));
        }
        templates.insert("c.html".to_string(), source(Origin::Disk("c.html".into())));
        let chain = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let (from, to, found) = cycle(
            &templates,
            &chain(&["a.html", "b.html", "c.html", "b.html"]),
        );
        assert_eq!((from.as_str(), to.as_str()), ("c.html", "b.html"));
        assert_eq!(found, chain(&["b.html", "c.html", "b.html"]));
        let (from, to, _) = cycle(&templates, &chain(&["a.html", "b.html", "a.html"]));
        assert_eq!((from.as_str(), to.as_str()), ("b.html", "a.html"));
    }
}
