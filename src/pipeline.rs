//! The pipeline as one value that remembers its last run, so the preview server rebuilds
//! only what changed: changed files are read and parsed again, bodies whose links cannot
//! have changed are not rendered again, pages whose template input is unchanged are reused.
//! `build` and `check` run it once.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::assets::Fingerprinted;
use crate::config::{CONFIG_FILE, ConfigWarning, SiteConfig};
use crate::content::dates::FileDates;
use crate::content::load::{self, is_ignored};
use crate::content::{Asset, Document, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{self, Harvest, LinkInput, MarkdownCache};
use crate::images::Gallery;
use crate::output::{Content, Counter, OutputError, Sink};
use crate::render::Renderer;
use crate::routes::{self, Routes, UrlMaker};
use crate::theme::{StaticFile, Theme};
use crate::{BuildOptions, Built};

/// What changed on disk since the last run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// `site.yaml`.
    Config,
    /// A template, theme file or UI strings file.
    Theme(PathBuf),
    /// A file in the site's `static/` folder.
    Static(PathBuf),
    /// A file or folder below `content/` (created, changed, removed or renamed).
    Content(PathBuf),
}

/// Config, theme and compiled templates: everything but the content.
struct Frame {
    config: SiteConfig,
    routes: Routes,
    theme: Theme,
    renderer: Option<Renderer>,
    errors: Diagnostics,
}

/// Every content file, parsed (or with the errors that stopped it).
#[derive(Default)]
struct ContentState {
    documents: BTreeMap<String, Result<Document, Diagnostics>>,
    assets: BTreeMap<String, Asset>,
    walk_errors: Diagnostics,
    /// The dates of the files, from the history read when the content was loaded.
    dates: FileDates,
}

/// The pipeline with what it learnt from its last run.
pub struct Pipeline {
    options: BuildOptions,
    /// Keep rendered pages to reuse in the next run (for the preview server).
    remember: bool,
    frame: Option<Frame>,
    content: Option<ContentState>,
    markdown: MarkdownCache,
    /// The harvest of the last good run, when remembering.
    last: Option<Harvest>,
    /// Leave the files that hold every body (print edition, search index) for
    /// [`Pipeline::finish_deferred`] after a quick rebuild.
    defer: bool,
    /// The print edition and search index served are older than the rest of the site.
    deferred_pending: bool,
    /// The site's images, each processed once while its file is unchanged.
    gallery: Arc<Gallery>,
    /// The files published under their hash, as the last full run read them.
    fingerprinted: Fingerprinted,
}

impl Pipeline {
    /// A pipeline for one build.
    pub fn new(options: BuildOptions) -> Self {
        Pipeline {
            remember: false,
            frame: None,
            content: None,
            markdown: MarkdownCache::new(false),
            last: None,
            defer: false,
            deferred_pending: false,
            gallery: Arc::new(Gallery::new(&options.root)),
            fingerprinted: Fingerprinted::default(),
            options,
        }
    }

    /// A pipeline for many builds: it keeps rendered pages to reuse those that do not change.
    pub fn remembering(options: BuildOptions) -> Self {
        Pipeline {
            remember: true,
            markdown: MarkdownCache::new(true),
            ..Pipeline::new(options)
        }
    }

    /// After a quick rebuild of bodies, the files that hold every body (the print edition
    /// and the search index) are left to [`Pipeline::finish_deferred`], so the changed pages
    /// are out at once.
    pub fn deferring_print(mut self) -> Self {
        self.defer = true;
        self
    }

    /// Makes the files a quick rebuild left behind: the print edition, and those files of
    /// the search index that changed, each with its content. `None` when nothing waits.
    pub fn finish_deferred(&mut self) -> Option<Result<Vec<(String, Content)>, Diagnostics>> {
        if !std::mem::take(&mut self.deferred_pending) {
            return None;
        }
        let (Some(frame), Some(harvest)) = (&mut self.frame, &self.last) else {
            return None;
        };
        let renderer = frame.renderer.as_mut()?;
        let root = &self.options.root;
        Some(
            renderer
                .render_deferred(harvest, &frame.theme)
                .map_err(|d| finish(d, root)),
        )
    }

    /// Removes from the image cache what the last run did not use (see
    /// [`Gallery::prune_cache`]); for a build that succeeded, whose images are all known.
    pub fn prune_image_cache(&self) -> usize {
        self.gallery.prune_cache()
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Runs the pipeline after `changes` (everything, the first time), putting every output
    /// file into `sink`. Errors of every stage are returned together.
    pub fn run(&mut self, changes: &[Change], sink: &dyn Sink) -> Result<Built, Diagnostics> {
        let started = Instant::now();
        if let Some(done) = self.run_bodies_only(changes, sink, started) {
            return done;
        }
        self.last = None;
        self.deferred_pending = false;
        let root = self.options.root.clone();
        let content_dir = root.join("content");
        let frame_stale = self.frame.is_none()
            || changes
                .iter()
                .any(|c| matches!(c, Change::Config | Change::Theme(_)));
        if frame_stale {
            self.frame = None;
        }
        // Theme and content are read side by side when both are needed.
        let (frame, loaded) = rayon::join(
            || frame_stale.then(|| load_frame(&self.options, self.remember)),
            || {
                self.content
                    .is_none()
                    .then(|| ContentState::load(&content_dir, !self.remember))
            },
        );
        match (&mut self.content, loaded) {
            (_, Some(loaded)) => self.content = Some(loaded),
            (Some(content), None) => {
                for change in changes {
                    if let Change::Content(path) = change {
                        content.update(&content_dir, path);
                    }
                }
            }
            (None, None) => {}
        }
        if let Some(frame) = frame {
            self.frame = Some(frame.map_err(|d| finish(d, &root))?);
        }
        let (Some(frame), Some(content)) = (&mut self.frame, &self.content) else {
            unreachable!("both are set above")
        };
        let mut diagnostics = frame.errors.clone();
        diagnostics.extend(content.walk_errors.clone());
        let (fingerprinted, problems) = Fingerprinted::read(&root, &frame.theme, &frame.config);
        diagnostics.extend(problems);
        frame.routes.assets = fingerprinted.names.clone();
        self.fingerprinted = fingerprinted;
        let mut documents = Vec::with_capacity(content.documents.len());
        let mut failed = Vec::new();
        for (rel, parsed) in &content.documents {
            match parsed {
                Ok(doc) => documents.push(doc),
                Err(errors) => {
                    diagnostics.extend(errors.clone());
                    failed.push(rel.as_str());
                }
            }
        }
        let input = LinkInput {
            config: frame.config.clone(),
            routes: frame.routes.clone(),
            documents,
            failed,
            content_assets: content.assets.values().collect(),
            drafts: self.options.drafts,
            gallery: self.gallery.clone(),
        };
        let (harvest, errors) = harvest::link(input, &mut self.markdown);
        diagnostics.extend(errors);
        if !self.remember {
            // One build: nothing is needed again, and a large site needs the room.
            drop_aside(self.content.take());
        }

        let output = Counter::new(sink);
        if let Some(renderer) = &mut frame.renderer {
            diagnostics.extend(renderer.render(&harvest, &frame.theme, &output));
        }
        diagnostics.extend(add_files(
            &output,
            &root,
            (&frame.theme, &self.fingerprinted),
            &harvest,
            &self.gallery,
        ));
        let (diagnostics, warnings) = diagnostics.split_warnings();
        if !diagnostics.is_empty() {
            return Err(finish(diagnostics, &root));
        }
        let mut built = built(&harvest, &output, started, &self.gallery);
        built.warnings = finish(warnings, &root);
        self.last = Some(harvest);
        Ok(built)
    }

    /// The quick way when only bodies of Markdown files changed, their front matter not:
    /// those bodies are rendered again, and only the pages that show them. `None` when the
    /// changes need the whole pipeline.
    fn run_bodies_only(
        &mut self,
        changes: &[Change],
        sink: &dyn Sink,
        started: Instant,
    ) -> Option<Result<Built, Diagnostics>> {
        let root = self.options.root.clone();
        let dir = root.join("content");
        let (Some(frame), Some(content), Some(harvest)) =
            (&mut self.frame, &mut self.content, &mut self.last)
        else {
            return None;
        };
        let mut documents = Vec::new();
        for change in changes {
            let Change::Content(path) = change else {
                return None;
            };
            let rel = load::relative(&dir, path);
            let Some(Ok(old)) = content.documents.get(&rel) else {
                return None;
            };
            let mut doc = load::read_source(&dir, path)
                .ok()
                .and_then(|file| Document::parse(file).ok())?;
            doc.file_date = content.dates.of(&rel, path);
            // A new date shows in lists, the feed and the sitemap, not only in the page.
            if doc.kind != old.kind || doc.front != old.front || doc.file_date != old.file_date {
                return None;
            }
            documents.push(doc);
        }
        if documents.is_empty() {
            return None;
        }
        let (changed, problems) = harvest.replace_bodies(&documents.iter().collect::<Vec<_>>())?;
        for doc in documents {
            content.documents.insert(doc.rel.clone(), Ok(doc));
        }
        if !problems.is_empty() {
            self.last = None;
            return Some(Err(finish(problems, &root)));
        }
        let output = Counter::new(sink);
        let renderer = frame.renderer.as_mut()?;
        let mut diagnostics =
            renderer.render_changed(harvest, &frame.theme, &output, &changed, self.defer);
        self.deferred_pending = self.defer;
        diagnostics.extend(add_files(
            &output,
            &root,
            (&frame.theme, &self.fingerprinted),
            harvest,
            &self.gallery,
        ));
        let (diagnostics, warnings) = diagnostics.split_warnings();
        if !diagnostics.is_empty() {
            self.last = None;
            return Some(Err(finish(diagnostics, &root)));
        }
        let mut built = built(harvest, &output, started, &self.gallery);
        built.warnings = finish(warnings, &root);
        Some(Ok(built))
    }
}

/// Frees `value` on a thread of its own: a large harvest takes a while to free, and a
/// one-time build need not wait for that. (If no thread can be started, it is freed here.)
pub fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

fn built(harvest: &Harvest, output: &Counter<'_>, started: Instant, gallery: &Gallery) -> Built {
    let (pages, files) = output.counts();
    Built {
        images: gallery.counts(),
        warnings: Diagnostics::new(),
        items: Section::ALL.map(|s| harvest.section(s).len()),
        pages,
        files,
        elapsed: started.elapsed(),
    }
}

fn load_frame(options: &BuildOptions, remember: bool) -> Result<Frame, Diagnostics> {
    let root = options.root.as_path();
    let mut config = SiteConfig::load(root)?;
    let misnamed = routes::check_section_names(&config);
    if !misnamed.is_empty() {
        let path = root.join(CONFIG_FILE);
        let mut diagnostics = Diagnostics::new();
        for (position, error) in misnamed {
            diagnostics.push(Diagnostic::new(&path, position, &error));
        }
        return Err(diagnostics);
    }
    if let Some(base_url) = &options.base_url {
        config = config
            .with_base_url(base_url)
            .map_err(|e| Diagnostics::from(Diagnostic::new("--base-url", Position::UNKNOWN, &e)))?;
    }
    let mut errors = Diagnostics::new();
    if !UrlMaker::new(&config.base_url).has_host() {
        let warning = ConfigWarning::NoHost(config.base_url.clone());
        errors.push(match (&options.base_url, config.find_key("base_url")) {
            (Some(_), _) => Diagnostic::warning("--base-url", Position::UNKNOWN, &warning),
            (None, at) => Diagnostic::warning(
                root.join(CONFIG_FILE),
                at.unwrap_or(Position::UNKNOWN),
                &warning,
            ),
        });
    }
    let theme = Theme::load(root, &config).unwrap_or_else(|d| {
        errors.extend(d);
        Theme::default()
    });
    let renderer = if theme.templates.is_empty() {
        None
    } else {
        Renderer::new(&theme, remember)
            .map_err(|d| errors.extend(d))
            .ok()
    };
    Ok(Frame {
        routes: Routes::new(&config),
        config,
        theme,
        renderer,
        errors,
    })
}

impl ContentState {
    /// Loads every file below `dir`; `lean` leaves bodies on disk until they are rendered.
    fn load(dir: &Path, lean: bool) -> ContentState {
        let dates = FileDates::read(dir);
        let (documents, assets, walk_errors) = load::load_content(dir, |file| {
            let rel = file.rel.clone();
            let mut parsed = Document::parse(file);
            if let Ok(doc) = &mut parsed {
                doc.file_date = dates.of(&doc.rel, &doc.path);
                if lean {
                    doc.leave_body_on_disk();
                }
            }
            (rel, parsed)
        });
        let documents = documents.into_iter().collect();
        let assets = assets.into_iter().map(|a| (a.rel.clone(), a)).collect();
        ContentState {
            documents,
            assets,
            walk_errors,
            dates,
        }
    }

    /// Takes in what is now at `path` (a file or folder below `dir`, or nothing).
    fn update(&mut self, dir: &Path, path: &Path) {
        let Ok(below) = path.strip_prefix(dir) else {
            return;
        };
        if below.iter().any(|part| is_ignored(&part.to_string_lossy())) {
            return;
        }
        let rel = load::relative(dir, path);
        if path.is_dir() {
            let (files, errors) = load::files_below(path);
            self.walk_errors.extend(errors);
            for file in files {
                self.update_file(dir, &file, &load::relative(dir, &file));
            }
        } else if path.symlink_metadata().is_ok() {
            self.update_file(dir, path, &rel);
        } else {
            let folder = format!("{rel}/");
            self.documents
                .retain(|r, _| r != &rel && !r.starts_with(&folder));
            self.assets
                .retain(|r, _| r != &rel && !r.starts_with(&folder));
        }
    }

    fn update_file(&mut self, dir: &Path, path: &Path, rel: &str) {
        if rel.ends_with(".md") {
            let parsed = load::read_source(dir, path)
                .map_err(Diagnostics::from)
                .and_then(Document::parse)
                .map(|mut doc| {
                    doc.file_date = self.dates.of(rel, path);
                    doc
                });
            self.documents.insert(rel.to_string(), parsed);
        } else {
            let asset = Asset {
                path: path.to_path_buf(),
                rel: rel.to_string(),
            };
            self.assets.insert(rel.to_string(), asset);
        }
    }
}

/// Theme static files, the site's `static/` (which wins over them), files beside the content
/// (which win over the theme's too), each copied as it is, the stylesheet and script under
/// their hash, and the brand's logo. None may replace a page or file oogst made, and
/// `static/` and the content may not both have a file for one path.
fn add_files(
    output: &Counter<'_>,
    root: &Path,
    (theme, fingerprinted): (&Theme, &Fingerprinted),
    harvest: &Harvest,
    gallery: &Gallery,
) -> Diagnostics {
    let (statics, mut diagnostics) = load::list_assets(&root.join("static"));
    let processed = add_pictures(output, harvest, gallery, &mut diagnostics);
    // Output path → where the file comes from, its content, whether it is the site's own.
    let mut files: BTreeMap<String, (PathBuf, Content, bool)> = theme
        .static_files
        .iter()
        .map(|(path, file)| {
            let content = match file {
                StaticFile::BuiltIn(bytes) => Content::BuiltIn(bytes),
                StaticFile::Disk(source) => Content::Copy(source.clone()),
            };
            (path.clone(), (file.source(path), content, false))
        })
        .collect();
    // The original of a processed image is not published: its renditions are.
    let site_files = statics.into_iter().map(|a| (a.rel, a.path)).chain(
        harvest
            .assets
            .iter()
            .filter(|a| !processed.contains(&a.source))
            .map(|a| (a.path.clone(), a.source.clone())),
    );
    for (path, source) in site_files {
        if let Some((other, _, true)) = files.get(&path) {
            let error = OutputError::SameUrl {
                file: source.clone(),
                url: routes::file_url(&path),
                other: other
                    .strip_prefix(root)
                    .unwrap_or(other)
                    .display()
                    .to_string(),
            };
            diagnostics.push(Diagnostic::new(source, Position::UNKNOWN, &error));
            continue;
        }
        files.insert(path, (source.clone(), Content::Copy(source), true));
    }
    let logo = fingerprinted
        .logo()
        .map(|(path, content, source)| (path, (source.to_path_buf(), content, false)));
    for (path, (source, content, _)) in files.into_iter().chain(logo) {
        let (path, content) = fingerprinted.instead_of(&path).unwrap_or((path, content));
        if let Err(e) = output.add(path, content, &source) {
            diagnostics.push(Diagnostic::new(
                e.path().to_path_buf(),
                Position::UNKNOWN,
                &e,
            ));
        }
    }
    diagnostics
}

/// The renditions of every image the harvest shows; returns the sources they were made of.
fn add_pictures(
    output: &Counter<'_>,
    harvest: &Harvest,
    gallery: &Gallery,
    diagnostics: &mut Diagnostics,
) -> BTreeSet<PathBuf> {
    let shown: BTreeSet<&Path> = harvest
        .items
        .iter()
        .flat_map(|item| item.body.figures.iter().chain(&item.image))
        .map(|figure| figure.source.as_path())
        .collect();
    let mut processed = BTreeSet::new();
    for source in shown {
        let Some(picture) = gallery.known(source) else {
            continue;
        };
        if picture.as_is {
            continue;
        }
        for (path, content) in picture.files() {
            if let Err(e) = output.add(path.to_string(), content, source) {
                diagnostics.push(Diagnostic::new(source, Position::UNKNOWN, &e));
            }
        }
        processed.insert(source.to_path_buf());
    }
    processed
}

/// With their source lines, paths relative to the site root, sorted by file and line.
fn finish(diagnostics: Diagnostics, root: &Path) -> Diagnostics {
    diagnostics.with_source_lines().relative_to(root).sorted()
}
