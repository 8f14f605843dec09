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
pub mod render;
pub mod scaffold;
pub mod url;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::SiteConfig;
use content::Document;
use diagnostics::{Diagnostic, Diagnostics, Position};
use harvest::{Harvest, LinkInput};
use output::{Content, Site};
use render::{Renderer, StaticFile, Theme};

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
    let started = Instant::now();
    let root = options.root.as_path();
    let mut config = SiteConfig::load(root).map_err(|d| finish(d, root))?;
    if let Some(base_url) = &options.base_url {
        config = config.with_base_url(base_url).map_err(|e| {
            finish(
                Diagnostic::new("--base-url", Position::UNKNOWN, &e).into(),
                root,
            )
        })?;
    }
    let mut diagnostics = Diagnostics::new();

    let theme = Theme::load(root, &config).unwrap_or_else(|d| {
        diagnostics.extend(d);
        Theme::default()
    });
    let renderer = if theme.templates.is_empty() {
        None
    } else {
        Renderer::new(&theme)
            .map_err(|d| diagnostics.extend(d))
            .ok()
    };

    let (loaded, errors) = content::load::load_content(&root.join("content"));
    diagnostics.extend(errors);
    let parsed: Vec<(String, Result<Document, Diagnostics>)> = loaded
        .files
        .into_par_iter()
        .map(|file| (file.rel.clone(), Document::parse(file)))
        .collect();
    let mut documents = Vec::with_capacity(parsed.len());
    let mut failed = Vec::new();
    for (rel, result) in parsed {
        match result {
            Ok(doc) => documents.push(doc),
            Err(d) => {
                diagnostics.extend(d);
                failed.push(rel);
            }
        }
    }

    let (harvest, errors) = harvest::link(LinkInput {
        config,
        documents,
        failed,
        content_assets: loaded.assets,
        drafts: options.drafts,
    });
    diagnostics.extend(errors);

    let mut site = Site::new();
    if let Some(mut renderer) = renderer {
        diagnostics.extend(renderer.render(&harvest, &theme, &mut site));
    }
    diagnostics.extend(add_files(&mut site, root, &theme, &harvest));

    if !diagnostics.is_empty() {
        return Err(finish(diagnostics, root));
    }
    Ok(Built {
        site,
        harvest,
        elapsed: started.elapsed(),
    })
}

/// Theme static files, then the site's `static/` (which wins), then files beside the content.
fn add_files(site: &mut Site, root: &Path, theme: &Theme, harvest: &Harvest) -> Diagnostics {
    for (path, file) in &theme.static_files {
        let content = match file {
            StaticFile::BuiltIn(bytes) => Content::BuiltIn(bytes),
            StaticFile::Disk(source) => Content::Copy(source.clone()),
        };
        site.insert_content(path.clone(), content);
    }
    let (statics, diagnostics) = content::load::list_assets(&root.join("static"));
    for asset in statics {
        site.insert_content(asset.rel, Content::Copy(asset.path));
    }
    for asset in &harvest.assets {
        site.insert_content(asset.path.clone(), Content::Copy(asset.source.clone()));
    }
    diagnostics
}

/// Paths relative to the site root, sorted by file and line.
fn finish(diagnostics: Diagnostics, root: &Path) -> Diagnostics {
    diagnostics.relative_to(root).sorted()
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
