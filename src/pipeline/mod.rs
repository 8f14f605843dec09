//! The pipeline: load → parse → link → render → emit, each stage a function of its inputs.
//! `build` and `check` run the stages once ([`run_once`]); the preview server runs them
//! again and again with what it remembers (`serve::Preview`), through the same functions.
//! Without the preview (a build without the feature `cli`, such as the fuzz targets'), the
//! parts only it calls are unused.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::assets::Fingerprinted;
use crate::config::{CONFIG_FILE, ConfigWarning, SiteConfig};
use crate::content::dates::FileDates;
use crate::content::load::{self, is_ignored};
use crate::content::{Asset, Document, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{self, BodyMemo, Harvest, LinkInput};
use crate::images::Gallery;
use crate::output::{Counter, Emitted, Sink};
use crate::render::{RenderMemo, Renderer, Watch};
use crate::routes::{self, Routes, UrlMaker};
use crate::theme::Theme;
use crate::{BuildOptions, Built, PdfOutcome, Untranslated};

mod files;
mod pdf;
pub(crate) use files::add_files;
pub(crate) use pdf::{pdf_files, pdf_stage, wants_pdf};

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
pub(crate) struct Frame {
    pub(crate) config: SiteConfig,
    pub(crate) routes: Routes,
    pub(crate) theme: Theme,
    pub(crate) renderer: Option<Renderer>,
    pub(crate) errors: Diagnostics,
    /// The files published under their hash, as the last run read them.
    pub(crate) fingerprinted: Fingerprinted,
}

/// Every content file, parsed (or with the errors that stopped it).
#[derive(Default)]
pub(crate) struct ContentState {
    pub(crate) documents: BTreeMap<String, Result<Document, Diagnostics>>,
    assets: BTreeMap<String, Asset>,
    walk_errors: Diagnostics,
    /// The dates of the files, from the history read when the content was loaded.
    pub(crate) dates: FileDates,
}

/// Runs every stage once, putting every output file into `sink`; errors of every stage are
/// returned together. Keeps nothing but the image cache on disk, pruned of what this build
/// did not use when it succeeds. With a `watch`, templates run where their pages are made
/// and the caller keeps their time limit ([`crate::render::Watch`]).
pub fn run_once(
    options: &BuildOptions,
    sink: &dyn Sink,
    watch: Option<Arc<Watch>>,
) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    let root = options.root.as_path();
    let gallery = Arc::new(Gallery::new(root));
    // Theme and content are read side by side; bodies stay on disk until they are rendered.
    let (frame, content) = rayon::join(
        || load_frame(options),
        || ContentState::load(&root.join("content"), true),
    );
    let mut frame = frame.map_err(|d| finish(d, root))?;
    if let (Some(renderer), Some(watch)) = (frame.renderer.as_mut(), watch) {
        renderer.watched_by(watch);
    }
    let problems = load_assets(root, &mut frame);
    let (harvests, mut diagnostics) = link(&frame, &content, options.drafts, &gallery, None, None);
    diagnostics.extend(problems);
    // Nothing is needed again, and a large site needs the room.
    drop_aside(content);
    let output = Counter::new(sink);
    let pdf = render_and_emit(
        root,
        &mut frame,
        &harvests,
        &gallery,
        None,
        &output,
        &mut diagnostics,
        false,
    );
    let built = conclude(
        root,
        diagnostics,
        &harvests,
        &output,
        started,
        &gallery,
        pdf,
    );
    if built.is_ok() {
        gallery.prune_cache();
    }
    drop_aside((frame, harvests));
    built
}

/// The load stage for the files published under their hash (stylesheet, script, logo): read
/// at every run, as they can change while config and theme do not; the routes learn their
/// names. Returns the problems found.
pub(crate) fn load_assets(root: &Path, frame: &mut Frame) -> Diagnostics {
    let (fingerprinted, problems) = Fingerprinted::read(root, &frame.theme, &frame.config);
    frame.routes.assets = fingerprinted.names.clone();
    frame.fingerprinted = fingerprinted;
    problems
}

/// The link stage over what the load and parse stages gave: `frame` and `content`. Gives
/// the harvest in the site's own language, then one per language it is translated into.
/// Errors of the earlier stages come first in the diagnostics returned. With memos (one
/// per language, made as needed), bodies are reused as [`harvest::link`] says. With the
/// `earlier` harvest, only what the changed files reach is linked again where it can be
/// ([`harvest::relink`]).
pub(crate) fn link(
    frame: &Frame,
    content: &ContentState,
    drafts: bool,
    gallery: &Arc<Gallery>,
    mut memos: Option<&mut Vec<BodyMemo>>,
    earlier: Option<harvest::Earlier<'_>>,
) -> (Vec<Harvest>, Diagnostics) {
    let mut diagnostics = frame.errors.clone();
    diagnostics.extend(content.walk_errors.clone());
    let mut documents = Vec::with_capacity(content.documents.len());
    let mut translated = Vec::new();
    let mut failed = Vec::new();
    for (rel, parsed) in &content.documents {
        match parsed {
            Ok(doc) if doc.language.is_some() => translated.push(doc),
            Ok(doc) => documents.push(doc),
            Err(errors) => {
                diagnostics.extend(errors.clone());
                failed.push(rel.as_str());
            }
        }
    }
    let languages = frame.config.languages();
    if let Some(memos) = memos.as_deref_mut() {
        memos.resize_with(languages.len(), BodyMemo::default);
    }
    let memo = memos.as_deref_mut().and_then(|m| m.first_mut());
    let relinked = match (earlier, memo) {
        (Some(earlier), Some(memo)) if failed.is_empty() => {
            let (config, routes) = (&frame.config, &frame.routes);
            harvest::relink(earlier, config, routes, &documents, drafts, memo)
        }
        _ => None,
    };
    let (harvest, errors) = relinked.unwrap_or_else(|| {
        let input = LinkInput {
            config: frame.config.clone(),
            routes: frame.routes.clone(),
            documents,
            failed,
            content_assets: content.assets.values().collect(),
            drafts,
            gallery: gallery.clone(),
        };
        let memo = memos.as_deref_mut().and_then(|m| m.first_mut());
        harvest::link(input, memo)
    });
    diagnostics.extend(errors);
    let source = |rel: &str| content.documents.contains_key(rel);
    let (mut by_language, errors) =
        harvest::sort_translations(&translated, &source, &frame.config, drafts);
    diagnostics.extend(errors);
    let mut harvests = vec![harvest];
    for (n, &language) in languages.iter().enumerate().skip(1) {
        let config = frame.config.in_language(language);
        let mut routes = Routes::new(&config);
        routes.assets = frame.routes.assets.clone();
        let own = &harvests[0];
        let translations = by_language.remove(&language).unwrap_or_default();
        let sources = own
            .items
            .iter()
            .filter_map(|item| match content.documents.get(&item.rel) {
                Some(Ok(doc)) => Some(doc),
                _ => None,
            });
        let input = harvest::Translation {
            config,
            routes,
            translations: (own.items.iter())
                .map(|item| translations.get(&item.rel).copied())
                .collect(),
            sources: sources.collect(),
        };
        let memo = memos.as_deref_mut().and_then(|m| m.get_mut(n));
        let (translated, errors) = harvest::translate(own, input, memo);
        diagnostics.extend(errors);
        harvests.push(translated);
    }
    let translations = Arc::new(harvest::Translations::of(&harvests));
    for harvest in &mut harvests {
        harvest.translations = translations.clone();
    }
    (harvests, diagnostics)
}

/// The render and emit stages: the PDF edition (unless the run has failed already, or it is
/// to be made `pdf_later`), every page of every language, the files beside them, static
/// files and images of the site at `root` into `output`. Their problems are added to
/// `diagnostics`. With memos (one per language, made as needed), pages are reused as
/// [`Renderer::render`] says.
#[allow(clippy::too_many_arguments)]
pub(crate) fn render_and_emit(
    root: &Path,
    frame: &mut Frame,
    harvests: &[Harvest],
    gallery: &Gallery,
    mut memos: Option<&mut Vec<RenderMemo>>,
    output: &Counter<'_>,
    diagnostics: &mut Diagnostics,
    pdf_later: bool,
) -> PdfOutcome {
    let pdf = match diagnostics.has_errors() {
        true => PdfOutcome::Off,
        false => pdf_stage(harvests, frame, gallery, output, pdf_later),
    };
    if let PdfOutcome::Failed(errors) = &pdf {
        diagnostics.extend(errors.clone());
    }
    if let Some(memos) = memos.as_deref_mut() {
        memos.resize_with(harvests.len(), RenderMemo::default);
    }
    if let Some(renderer) = &mut frame.renderer {
        for (n, harvest) in harvests.iter().enumerate() {
            let memo = memos.as_deref_mut().and_then(|m| m.get_mut(n));
            diagnostics.extend(renderer.render(harvest, &frame.theme, output, memo));
        }
    }
    diagnostics.extend(add_files(output, root, frame, harvests, gallery));
    if let Some(error) = harvests.iter().find_map(Harvest::spool_error) {
        diagnostics.push(Diagnostic::new(
            std::env::temp_dir(),
            Position::UNKNOWN,
            &error,
        ));
    }
    pdf
}

/// What a run of the site at `root` made, with its warnings, when `diagnostics` hold nothing
/// worse; else the errors, and the warnings after them. Both as [`finish`] gives them.
pub(crate) fn conclude(
    root: &Path,
    diagnostics: Diagnostics,
    harvests: &[Harvest],
    output: &Counter<'_>,
    started: Instant,
    gallery: &Gallery,
    pdf: PdfOutcome,
) -> Result<Built, Diagnostics> {
    let (errors, warnings) = diagnostics.split_warnings();
    if !errors.is_empty() {
        return Err(finish(errors.with_warnings(warnings), root));
    }
    let (pages, files) = output.counts();
    let harvest = &harvests[0];
    let untranslated = (harvests.iter().skip(1))
        .map(|h| Untranslated {
            language: h.config.language.code(),
            of: h.items.len(),
            files: h.untranslated().into_iter().map(String::from).collect(),
        })
        .collect();
    Ok(Built {
        images: gallery.counts(),
        warnings: finish(warnings, root),
        untranslated,
        items: Section::ALL.map(|s| harvest.section(s).len()),
        pages,
        files,
        elapsed: started.elapsed(),
        pdf,
        emitted: Emitted::Whole,
    })
}

/// Frees `value` on a thread of its own: a large harvest takes a while to free, and a
/// one-time build need not wait for that. (If no thread can be started, it is freed here.)
pub fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// The load stage for everything but the content: config, routes, theme, compiled templates.
/// A broken config stops the run; errors in the theme are carried to the end of the run.
pub(crate) fn load_frame(options: &BuildOptions) -> Result<Frame, Diagnostics> {
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
        Renderer::new(&theme).map_err(|d| errors.extend(d)).ok()
    };
    Ok(Frame {
        routes: Routes::new(&config),
        config,
        theme,
        renderer,
        errors,
        fingerprinted: Fingerprinted::default(),
    })
}

impl ContentState {
    /// Loads every file below `dir`; `lean` leaves bodies on disk until they are rendered.
    pub(crate) fn load(dir: &Path, lean: bool) -> ContentState {
        let dates = FileDates::read(dir);
        let (documents, assets, walk_errors) = load::load_content(dir, |file| {
            let rel = file.rel.clone();
            let mut parsed = dates.parse(file);
            if lean && let Ok(doc) = &mut parsed {
                doc.leave_body_on_disk();
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
    pub(crate) fn update(&mut self, dir: &Path, path: &Path) {
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
                .and_then(|file| self.dates.parse(file));
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

/// With their source lines, paths relative to the site root, sorted by file and line.
pub(crate) fn finish(diagnostics: Diagnostics, root: &Path) -> Diagnostics {
    diagnostics.with_source_lines().relative_to(root).sorted()
}
