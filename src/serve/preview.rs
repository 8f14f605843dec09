//! What the preview server remembers between rebuilds, in one place: the config, theme and
//! compiled templates, every content file parsed, the last harvest, and the memo of each
//! stage. A rebuild reads and parses only the files that changed, renders again only the
//! bodies whose links could have changed, and reuses every page whose template input is
//! the same; the result equals a clean build, byte for byte.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::content::load;
use crate::content::{Document, translation_of};
use crate::diagnostics::Diagnostics;
use crate::harvest::{self, BodyMemo, Harvest};
use crate::images::Gallery;
use crate::output::{Counter, Emitted, Later, Sink};
use crate::pipeline::{
    self, Change, ContentState, Frame, add_files, conclude, finish, load_frame, pdf_files,
    pdf_stage, render_and_emit, wants_pdf,
};
use crate::render::{Again, RenderMemo};
use crate::{BuildOptions, Built, PdfOutcome, pdf};

/// The pipeline as the preview server runs it, with everything it remembers.
pub struct Preview {
    options: BuildOptions,
    frame: Option<Frame>,
    /// Every content file as last read; bodies are kept in memory.
    content: Option<ContentState>,
    /// The harvests of the last good run: the site's own language first, then one per
    /// language it is translated into.
    last: Option<Vec<Harvest>>,
    /// The memos of the bodies and of the pages, one per language.
    bodies: Vec<BodyMemo>,
    render: Vec<RenderMemo>,
    /// The site's images, each processed once while its file is unchanged.
    gallery: Arc<Gallery>,
    /// Leave the files that hold every body (print edition, search index) for
    /// [`Preview::finish_deferred`] after a quick rebuild.
    defer: bool,
    /// The print edition and search index served are older than the rest of the site.
    deferred_pending: bool,
    /// Leave the PDF edition to [`Preview::prepare_pdf`] (the preview server makes it on a
    /// thread of its own).
    pdf_later: bool,
    /// The PDF served is older than the rest of the site.
    pdf_pending: bool,
    /// After an edit of Markdown files, put out only the files that changed.
    emit_changes: bool,
    /// The files of the last run copied as they are (static files, images), sorted: those
    /// not copied again are gone.
    added: Vec<String>,
}

impl Preview {
    pub fn new(options: BuildOptions) -> Self {
        Preview {
            frame: None,
            content: None,
            last: None,
            bodies: Vec::new(),
            render: Vec::new(),
            gallery: Arc::new(Gallery::new(&options.root)),
            defer: false,
            deferred_pending: false,
            pdf_later: false,
            pdf_pending: false,
            emit_changes: false,
            added: Vec::new(),
            options,
        }
    }

    /// After an edit of Markdown files only, a run puts into its sink only the files that
    /// changed since the run before, and says which are gone ([`Built::emitted`]); else the
    /// whole site.
    pub fn emitting_changes(mut self) -> Self {
        self.emit_changes = true;
        self
    }

    /// How a rebuild after `changes` puts out its files.
    fn again(&self, changes: &[Change]) -> Again {
        let markdown = |change: &Change| match change {
            Change::Content(path) => path.extension().is_some_and(|e| e == "md"),
            _ => false,
        };
        Again {
            defer: self.defer,
            whole: !self.emit_changes || !changes.iter().all(markdown),
        }
    }

    /// What the run that put `output` out emitted, after a quick rebuild as `again` says;
    /// the files it copied are remembered for the next.
    fn emitted(&mut self, output: &Counter<'_>, again: Option<Again>) -> Emitted {
        let mut added = output.added();
        added.sort_unstable();
        let was = std::mem::replace(&mut self.added, added);
        match again {
            Some(Again { whole: false, .. }) => {
                let mut removed = output.removed();
                let now = &self.added;
                removed.extend(was.into_iter().filter(|p| now.binary_search(p).is_err()));
                Emitted::Changes { removed }
            }
            _ => Emitted::Whole,
        }
    }

    /// After a quick rebuild of bodies, the files that hold every body (the print edition
    /// and the search index) are left to [`Preview::finish_deferred`], so the changed pages
    /// are out at once.
    pub fn deferring_print(mut self) -> Self {
        self.defer = true;
        self
    }

    /// Leaves the PDF edition out of every run: [`Preview::prepare_pdf`] gathers what it
    /// is made from after a run, to be made elsewhere. Pages link to it without its size.
    pub fn making_pdf_later(mut self) -> Self {
        self.pdf_later = true;
        self
    }

    /// What the PDF edition of the last good run is made from in each language, with the
    /// path it goes to; `None` when they are up to date or not wanted.
    pub fn prepare_pdf(&mut self) -> Option<Result<Vec<(String, pdf::Prepared)>, Diagnostics>> {
        if !std::mem::take(&mut self.pdf_pending) {
            return None;
        }
        let (Some(frame), Some(harvests)) = (&self.frame, self.last.as_deref()) else {
            return None;
        };
        let root = &self.options.root;
        let prepared = harvests.iter().flat_map(|harvest| {
            let files = pdf_files(harvest, &frame.theme);
            files.into_iter().map(|file| {
                let prepared = pdf::prepare(harvest, &frame.theme, &self.gallery, file.scope());
                prepared.map(|prepared| (file.path, prepared))
            })
        });
        Some(
            prepared
                .collect::<Result<_, _>>()
                .map_err(|d| finish(d, root)),
        )
    }

    /// How many pages the last run ran their template for; it reused the others.
    pub fn pages_rendered(&self) -> usize {
        let renderer = self.frame.as_ref().and_then(|f| f.renderer.as_ref());
        renderer.map_or(0, |r| r.pages_rendered())
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Makes the files a quick rebuild left behind: the print edition, and those files of
    /// the search index that changed, each with its content. `None` when nothing waits.
    pub fn finish_deferred(&mut self) -> Option<Result<Later, Diagnostics>> {
        if !std::mem::take(&mut self.deferred_pending) {
            return None;
        }
        let (Some(frame), Some(harvests)) = (&mut self.frame, self.last.as_deref()) else {
            return None;
        };
        let renderer = frame.renderer.as_mut()?;
        let root = &self.options.root;
        let mut later = Later::new();
        for (harvest, memo) in harvests.iter().zip(self.render.iter_mut()) {
            match renderer.render_deferred(harvest, &frame.theme, memo) {
                Ok(files) => later.extend(files),
                Err(errors) => return Some(Err(finish(errors, root))),
            }
        }
        Some(Ok(later))
    }

    /// Runs the pipeline after `changes` (everything, the first time), putting every output
    /// file into `sink`. Errors of every stage are returned together.
    pub fn run(&mut self, changes: &[Change], sink: &dyn Sink) -> Result<Built, Diagnostics> {
        let started = Instant::now();
        let again = self.again(changes);
        if let Some(done) = self.run_bodies_only(changes, sink, started, again) {
            return done;
        }
        // The harvest before this run, to find what the run changed; kept only if it succeeds.
        let before = self.last.take();
        self.deferred_pending = false;
        self.pdf_pending = false;
        let root = self.options.root.clone();
        let content_dir = root.join("content");
        let frame_stale = self.frame.is_none()
            || changes
                .iter()
                .any(|c| matches!(c, Change::Config | Change::Theme(_)));
        if frame_stale {
            self.frame = None;
            // Pages were made by the templates being replaced.
            self.render = Vec::new();
        }
        // Theme and content are read side by side when both are needed.
        let (frame, loaded) = rayon::join(
            || frame_stale.then(|| load_frame(&self.options)),
            || {
                self.content
                    .is_none()
                    .then(|| ContentState::load(&content_dir, false))
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
        let drafts = self.options.drafts;
        let problems = pipeline::load_assets(&root, frame);
        // After edits of content only, the harvest is linked again from the last one.
        let edited: Option<Vec<String>> = changes
            .iter()
            .map(|change| match change {
                Change::Content(path) => Some(load::relative(&content_dir, path)),
                _ => None,
            })
            .collect();
        let earlier = match (&before, edited.as_deref()) {
            (Some(before), Some(changed)) if !frame_stale => Some(harvest::Earlier {
                harvest: &before[0],
                changed,
            }),
            _ => None,
        };
        let (harvests, mut diagnostics) = pipeline::link(
            frame,
            content,
            drafts,
            &self.gallery,
            Some(&mut self.bodies),
            earlier,
        );
        diagnostics.extend(problems);
        let output = Counter::new(sink);
        // After an edit of content only, the pages it reaches in each language; else every
        // page.
        let content_only = !frame_stale
            && !diagnostics.has_errors()
            && (self.pdf_later || wants_pdf(&harvests[0]) != PdfOutcome::Later);
        let quick = 'quick: {
            let Some(before) = before
                .as_deref()
                .filter(|b| content_only && b.len() == harvests.len())
            else {
                break 'quick None;
            };
            let (Some(renderer), theme) = (&frame.renderer, &frame.theme) else {
                break 'quick None;
            };
            let memos = &mut self.render;
            let known = memos.len() == harvests.len()
                && (harvests.iter().zip(memos.iter()))
                    .all(|(harvest, memo)| renderer.same_globals(harvest, theme, memo));
            if !known {
                break 'quick None;
            }
            // A translation changed is its source's item changed, in every language.
            let mut changed: HashSet<String> = HashSet::new();
            for change in changes {
                if let Change::Content(path) = change {
                    let rel = load::relative(&content_dir, path);
                    if let Some((source, _)) = translation_of(&rel) {
                        changed.insert(source);
                    }
                    changed.insert(rel);
                }
            }
            let changed = changed.iter().map(String::as_str).collect();
            let pdf = pdf_stage(&harvests, frame, &self.gallery, &output, true);
            let (Some(renderer), theme) = (&mut frame.renderer, &frame.theme) else {
                break 'quick None;
            };
            for ((before, harvest), memo) in before.iter().zip(&harvests).zip(memos.iter_mut()) {
                let rendered = renderer
                    .render_affected(before, harvest, theme, &output, &changed, again, memo);
                diagnostics.extend(rendered);
            }
            diagnostics.extend(add_files(&output, &root, frame, &harvests, &self.gallery));
            Some(pdf)
        };
        self.deferred_pending = quick.is_some() && self.defer;
        let emitted = quick.is_some().then_some(again);
        let pdf = match quick {
            Some(pdf) => pdf,
            None => render_and_emit(
                &root,
                frame,
                &harvests,
                &self.gallery,
                Some(&mut self.render),
                &output,
                &mut diagnostics,
                self.pdf_later,
            ),
        };
        let pending = pdf == PdfOutcome::Later;
        let mut built = conclude(
            &root,
            diagnostics,
            &harvests,
            &output,
            started,
            &self.gallery,
            pdf,
        )?;
        built.emitted = self.emitted(&output, emitted);
        self.pdf_pending = pending;
        self.last = Some(harvests);
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
        again: Again,
    ) -> Option<Result<Built, Diagnostics>> {
        let root = self.options.root.clone();
        let (Some(frame), Some(content), Some([harvest]), Some(memo), Some(bodies)) = (
            &mut self.frame,
            &mut self.content,
            self.last.as_deref_mut(),
            self.render.first_mut(),
            self.bodies.first_mut(),
        ) else {
            return None;
        };
        // A PDF made in the run holds every body and links from every page with its size.
        if !self.pdf_later && wants_pdf(harvest) == PdfOutcome::Later {
            return None;
        }
        let documents = changed_bodies(&root.join("content"), content, changes)?;
        let (changed, problems) =
            harvest.replace_bodies(&documents.iter().collect::<Vec<_>>(), bodies)?;
        for doc in documents {
            content.documents.insert(doc.rel.clone(), Ok(doc));
        }
        // Warnings (a long image description) go on to the report, as in a full run.
        if problems.has_errors() {
            self.last = None;
            return Some(Err(finish(problems, &root)));
        }
        let output = Counter::new(sink);
        let renderer = frame.renderer.as_mut()?;
        let mut diagnostics = problems;
        diagnostics.extend(renderer.render_changed(
            harvest,
            &frame.theme,
            &output,
            &changed,
            again,
            memo,
        ));
        self.deferred_pending = self.defer;
        self.pdf_pending = self.pdf_later && wants_pdf(harvest) == PdfOutcome::Later;
        let harvests = std::slice::from_ref(&*harvest);
        diagnostics.extend(add_files(&output, &root, frame, harvests, &self.gallery));
        let pdf = match self.pdf_pending {
            true => PdfOutcome::Later,
            false => PdfOutcome::Off,
        };
        let built = conclude(
            &root,
            diagnostics,
            harvests,
            &output,
            started,
            &self.gallery,
            pdf,
        );
        match built {
            Ok(mut built) => {
                built.emitted = self.emitted(&output, Some(again));
                Some(Ok(built))
            }
            Err(errors) => {
                self.last = None;
                Some(Err(errors))
            }
        }
    }
}

/// The documents of `changes` parsed anew, when every change is to a Markdown file whose
/// kind and front matter stayed as they were; else `None`.
fn changed_bodies(dir: &Path, content: &ContentState, changes: &[Change]) -> Option<Vec<Document>> {
    let mut documents = Vec::new();
    for change in changes {
        let Change::Content(path) = change else {
            return None;
        };
        let rel = load::relative(dir, path);
        let Some(Ok(old)) = content.documents.get(&rel) else {
            return None;
        };
        let file = load::read_source(dir, path).ok()?;
        let doc = content.dates.parse(file).ok()?;
        // A new date shows in lists, the feed and the sitemap, not only in the page.
        if doc.kind != old.kind || doc.front != old.front || doc.file_date != old.file_date {
            return None;
        }
        documents.push(doc);
    }
    (!documents.is_empty()).then_some(documents)
}
