//! oogst: a static-site generator for the harvest of a Community of Practice.
//!
//! The pipeline: load → parse ([`content`]) → link ([`harvest`]) → render ([`render`]) →
//! emit ([`output`]). [`build`] writes the emitted site to disk; [`check`] runs everything
//! but the writing.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod harvest;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod url;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diagnostics::{Diagnostic, Diagnostics, Position};
use harvest::Harvest;
use output::Site;
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

/// A site built in memory, and what it is made of.
#[derive(Debug)]
pub struct Built {
    pub site: Site,
    pub harvest: Harvest,
    pub elapsed: Duration,
}

/// Runs the whole pipeline in memory. Errors of every stage are collected and returned
/// together; a site is returned only when there are none.
pub fn build_site(options: &BuildOptions) -> Result<Built, Diagnostics> {
    Pipeline::new(options.clone()).run(&[])
}

/// Builds the site and writes it to `out`, replacing what was there only when the build
/// succeeded.
pub fn build(options: &BuildOptions, out: &Path) -> Result<Built, Diagnostics> {
    output::check_output_folder(&options.root, out)
        .map_err(|e| Diagnostics::from(Diagnostic::new(out, Position::UNKNOWN, &e)))?;
    let built = build_site(options)?;
    built
        .site
        .write_atomically(out)
        .map_err(|e| Diagnostics::from(Diagnostic::new(out, Position::UNKNOWN, &e)))?;
    Ok(built)
}

/// Runs the whole pipeline without writing anything.
pub fn check(options: &BuildOptions) -> Result<Built, Diagnostics> {
    build_site(options)
}

/// One line on what a build made and how long it took.
pub fn summary(built: &Built) -> String {
    let count = |s| built.harvest.section(s).len();
    format!(
        "built {} pages ({} themes, {} conclusions, {} recommendations, {} files in all) in {} ms",
        built.site.page_count(),
        count(url::Section::Themes),
        count(url::Section::Conclusions),
        count(url::Section::Recommendations),
        built.site.len(),
        built.elapsed.as_millis()
    )
}
