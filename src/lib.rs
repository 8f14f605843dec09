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
pub mod external;
pub mod harvest;
pub mod images;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod serve;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Files and pages are handed to the cores in pieces of at most this many, so a core that is
/// done takes over work from one that is not instead of waiting for it.
pub(crate) const PARALLEL_PIECE: usize = 16;

use diagnostics::{Diagnostic, Diagnostics, Position};
use output::{Discard, InMemory, Site, Staging};
pub use pipeline::{Change, Pipeline};

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
}

/// Builds the site in memory. Errors of every stage are collected and returned together.
pub fn build_site(options: &BuildOptions) -> Result<(Site, Built), Diagnostics> {
    let memory = InMemory::default();
    let built = Pipeline::new(options.clone()).run(&[], &memory)?;
    Ok((memory.into_site(), built))
}

/// Builds the site into `out`: files are written to a staging folder as they are made, and
/// the folder replaces `out` only when the whole build succeeded. A folder oogst did not
/// make is replaced only with `force`.
pub fn build(options: &BuildOptions, out: &Path, force: bool) -> Result<Built, Diagnostics> {
    let at_out =
        |e: output::OutputError| Diagnostics::from(Diagnostic::new(out, Position::UNKNOWN, &e));
    output::check_output_folder(&options.root, out, force).map_err(at_out)?;
    let staging = Staging::new(out).map_err(at_out)?;
    let mut pipeline = Pipeline::new(options.clone());
    let built = pipeline.run(&[], &staging);
    if built.is_ok() {
        pipeline.prune_image_cache();
    }
    pipeline::drop_aside(pipeline);
    let built = built?;
    staging.commit().map_err(at_out)?;

    Ok(built)
}

/// Runs the whole pipeline, keeping nothing.
pub fn check(options: &BuildOptions) -> Result<Built, Diagnostics> {
    let mut pipeline = Pipeline::new(options.clone());
    let built = pipeline.run(&[], &Discard);
    pipeline::drop_aside(pipeline);
    built
}

/// One line on what a build made and how long it took.
pub fn summary(built: &Built) -> String {
    let [themes, conclusions, recommendations] = built.items;
    format!(
        "built {} pages ({themes} themes, {conclusions} conclusions, {recommendations} recommendations, {} files in all) in {} ms",
        built.pages,
        built.files,
        built.elapsed.as_millis()
    )
}
