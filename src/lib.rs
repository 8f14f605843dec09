//! oogst: a static-site generator for the harvest of a Community of Practice.
//!
//! The pipeline: config ([`config`], [`routes`]) → load ([`content::load`], [`theme`]) →
//! parse ([`content`]) → link ([`harvest`]) → render ([`render`]) → emit ([`output`]).
//! [`build`] writes the emitted site to disk; [`check`] runs everything but the writing.

pub mod assets;
pub mod brand;
pub mod colour;
pub mod config;
pub mod content;
pub mod diagnostics;
#[cfg(feature = "cli")]
pub mod external;
pub mod harvest;
pub mod images;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod render;
pub mod routes;
pub mod scaffold;
#[cfg(feature = "cli")]
pub mod serve;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// Files and pages are handed to the cores in pieces of at most this many, so a core that is
/// done takes over work from one that is not instead of waiting for it.
pub(crate) const PARALLEL_PIECE: usize = 16;

use diagnostics::{Diagnostic, Diagnostics, Position};
use output::{Discard, InMemory, Site, Staging};
pub use pipeline::Change;
#[cfg(feature = "cli")]
pub use serve::Preview;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder, holding `site.yaml`.
    pub root: PathBuf,
    /// Replaces `base_url` of `site.yaml`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
}

/// What a build made.
#[derive(Debug)]
pub struct Built {
    /// Items per section: themes, conclusions, recommendations.
    pub items: [usize; 3],
    /// HTML pages written.
    pub pages: usize,
    /// Files written in all.
    pub files: usize,
    pub elapsed: Duration,
    /// Images processed, and images taken from the cache.
    pub images: (usize, usize),
    /// Problems told that did not stop the build.
    pub warnings: Diagnostics,
    /// Per language the site is translated into, the items shown in the original.
    pub untranslated: Vec<Untranslated>,
    /// What became of the PDF edition.
    pub pdf: PdfOutcome,
    /// Whether the sink got the whole site or what changed since the run before.
    pub emitted: output::Emitted,
}

/// The items of a harvest not translated into one of its languages yet: they are
/// published in that language with their original text and a notice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Untranslated {
    /// The language's code: `en`.
    pub language: &'static str,
    /// How many items (with home, section intros and pages) the harvest has in all.
    pub of: usize,
    /// The files of the items not translated, below `content/`.
    pub files: Vec<String>,
}

/// What a build did about the PDF edition.
#[derive(Debug, Clone, PartialEq)]
pub enum PdfOutcome {
    /// Made, of this many bytes, in this time: one edition per language, each one file or,
    /// as its print edition, one per part.
    Made {
        bytes: usize,
        elapsed: Duration,
        editions: usize,
        files: usize,
    },
    /// Switched off in `site.yaml`.
    Off,
    /// Left out: the harvest has more items than `pdf.max_items`.
    TooLarge { items: usize, max: usize },
    /// Left out: the bodies hold more text than a report (bytes of HTML, the limit).
    TooLong { bytes: usize, max: usize },
    /// To be made after the run ([`Preview::prepare_pdf`]).
    Later,
    /// Its template or the PDF/UA check failed.
    Failed(Diagnostics),
}

/// Builds the site in memory. Errors of every stage are collected and returned together.
pub fn build_site(options: &BuildOptions) -> Result<(Site, Built), Diagnostics> {
    let memory = InMemory::default();
    let built = pipeline::run_once(options, &memory, None)?;
    Ok((memory.into_site(), built))
}

/// How often the thread that waits for a build looks at its running templates.
const WATCH_EVERY: Duration = Duration::from_millis(100);

/// Runs every stage into `sink` on a thread of its own, while this thread watches the
/// templates it runs ([`render::Watch`]): when one takes longer than the limit, the run
/// ends here with its report, and what is left of it ends with the process.
fn run_watched<S>(options: &BuildOptions, sink: &Arc<S>) -> Result<Built, Diagnostics>
where
    S: output::Sink + Send + Sync + 'static,
{
    let watch = Arc::new(render::Watch::new());
    let (done, result) = mpsc::channel();
    let run = {
        let (options, sink, watch) = (options.clone(), sink.clone(), watch.clone());
        std::thread::Builder::new()
            .name("oogst-build".into())
            // The stack the main thread has on Linux: the PDF is typeset on this thread.
            .stack_size(8 << 20)
            .spawn(move || {
                let _ = done.send(pipeline::run_once(&options, &*sink, Some(watch)));
            })
    };
    let Ok(run) = run else {
        // No thread to spare: each template runs on a thread of its own instead.
        return pipeline::run_once(options, &**sink, None);
    };
    loop {
        match result.recv_timeout(WATCH_EVERY) {
            Ok(built) => {
                let _ = run.join();
                return built;
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Some(report) = watch.overdue() {
                    return Err(report.into());
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                let stopped = Box::new("the build stopped without a result");
                std::panic::resume_unwind(run.join().err().unwrap_or(stopped))
            }
        }
    }
}

/// Builds the site into `out`: files are written to a staging folder as they are made, and
/// the folder replaces `out` only when the whole build succeeded. A folder oogst did not
/// make is replaced only with `force`.
pub fn build(options: &BuildOptions, out: &Path, force: bool) -> Result<Built, Diagnostics> {
    let at_out =
        |e: output::OutputError| Diagnostics::from(Diagnostic::new(out, Position::UNKNOWN, &e));
    output::check_output_folder(&options.root, out, force).map_err(at_out)?;
    let staging = Arc::new(Staging::new(out).map_err(at_out)?);
    let built = run_watched(options, &staging);
    match Arc::try_unwrap(staging) {
        Ok(staging) => {
            let built = built?;
            staging.commit().map_err(at_out)?;
            Ok(built)
        }
        // A template still runs: the build was given up, and what it wrote goes.
        Err(running) => {
            running.abandon();
            Err(built.err().unwrap_or_default())
        }
    }
}

/// Runs the whole pipeline, keeping nothing.
pub fn check(options: &BuildOptions) -> Result<Built, Diagnostics> {
    run_watched(options, &Arc::new(Discard))
}

/// One line on what a build made and how long it took, and one on a PDF left out.
pub fn summary(built: &Built) -> String {
    let [themes, conclusions, recommendations] = built.items;
    let mut line = format!(
        "built {} pages ({themes} themes, {conclusions} conclusions, {recommendations} recommendations, {} files in all) in {} ms",
        built.pages,
        built.files,
        built.elapsed.as_millis()
    );
    match &built.pdf {
        PdfOutcome::Made {
            bytes,
            elapsed,
            editions,
            files,
        } => {
            let what = match (editions, files) {
                (1, 1) => String::new(),
                (1, files) => format!(" in {files} parts"),
                (editions, files) if editions == files => format!(" in {editions} languages"),
                (editions, files) => format!(" in {editions} languages, {files} files"),
            };
            line.push_str(&format!(
                "; the PDF{what} ({} kB) took {} ms",
                bytes.div_ceil(1000),
                elapsed.as_millis()
            ));
        }
        PdfOutcome::TooLarge { items, max } => line.push_str(&format!(
            "\nleft the PDF out: {items} items are more than a report holds (pdf.max_items is {max}; raise it in site.yaml to make one)"
        )),
        PdfOutcome::TooLong { bytes, max } => line.push_str(&format!(
            "\nleft the PDF out: its bodies hold {} MB of text, more than a report holds ({} MB)",
            bytes / 1_000_000,
            max / 1_000_000
        )),
        _ => {}
    }
    for missing in built.untranslated.iter().filter(|u| !u.files.is_empty()) {
        line.push_str(&format!(
            "\n{}: {} of {} pages not translated yet (`oogst check` lists them)",
            missing.language,
            missing.files.len(),
            missing.of
        ));
    }
    line
}
