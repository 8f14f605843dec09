//! The emit stage for the files beside the pages: the theme's static files, the site's
//! `static/`, files beside the content, and the sizes made of every image a page shows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Frame;
use crate::content::load;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::Harvest;
use crate::images::{self, Gallery};
use crate::output::{Content, Counter, OutputError};
use crate::routes;
use crate::theme::StaticFile;

/// Who an output file comes from, which decides what may replace it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The theme: the site's own files replace it.
    Theme,
    /// A file of `static/` or beside the content.
    Site,
    /// What is made of an image a page shows.
    Image,
}

/// Theme static files, the sizes of every image the pages show, the site's `static/` (which
/// wins over the theme) and files beside the content (which win over the theme's too). A
/// raster image in `static/` is published stripped of its metadata, every other file as it
/// is; an image beside the content only through the sizes made of it, when a page shows it.
/// The stylesheet and script are published under their hash, with the brand's logo.
/// None may replace a page or file oogst made, and no two of the site's files may have one
/// path.
pub(crate) fn add_files(
    output: &Counter<'_>,
    root: &Path,
    frame: &Frame,
    harvests: &[Harvest],
    gallery: &Gallery,
) -> Diagnostics {
    let (theme, fingerprinted) = (&frame.theme, &frame.fingerprinted);
    // Files beside the content are the same in every language.
    let harvest = &harvests[0];
    let (statics, mut diagnostics) = load::list_assets(&root.join("static"));
    // Output path → where the file comes from, its content, whose it is.
    let mut files: BTreeMap<String, (PathBuf, Content, Owner)> = theme
        .static_files
        .iter()
        .map(|(path, file)| {
            let content = match file {
                StaticFile::BuiltIn(bytes) => Content::BuiltIn(bytes),
                StaticFile::Disk(source) => Content::Copy(source.clone()),
            };
            (path.clone(), (file.source(path), content, Owner::Theme))
        })
        .collect();
    // One clash of two files is told once, however many of their sizes clash.
    let mut clashed = BTreeSet::new();
    let mut claim = |path: String, source: PathBuf, content: Content, owner: Owner| {
        let (other, other_owner) = match files.get(&path) {
            Some((other, _, owner @ (Owner::Site | Owner::Image))) => {
                (shorten(other, root), *owner)
            }
            _ => {
                files.insert(path, (source, content, owner));
                return;
            }
        };
        if !clashed.insert((source.clone(), other.clone())) {
            return;
        }
        let (file, url) = (source.clone(), routes::file_url(&path));
        let error = match other_owner {
            Owner::Image => OutputError::SameUrlAsImage { file, url, other },
            _ => OutputError::SameUrl { file, url, other },
        };
        diagnostics.push(Diagnostic::new(source, Position::UNKNOWN, &error));
    };
    for (path, source, content) in pictures(harvests, gallery) {
        claim(path, source, content, Owner::Image);
    }
    let statics: Vec<_> = statics
        .into_par_iter()
        .map(|asset| {
            let content = if images::is_raster(&asset.rel) {
                gallery.stripped(&asset.path, &asset.rel)
            } else {
                Ok(Content::Copy(asset.path.clone()))
            };
            (asset, content)
        })
        .collect();
    let assets = harvest
        .assets
        .iter()
        .filter(|a| !images::is_image(&a.path))
        .map(|a| {
            (
                a.path.clone(),
                a.source.clone(),
                Ok(Content::Copy(a.source.clone())),
            )
        });
    let site_files = statics
        .into_iter()
        .map(|(asset, content)| (asset.rel, asset.path, content))
        .chain(assets);
    let mut unusable = Diagnostics::new();
    for (path, source, content) in site_files {
        match content {
            Ok(content) => claim(path, source, content, Owner::Site),
            Err(e) => unusable.push(Diagnostic::new(source, Position::UNKNOWN, &e)),
        }
    }
    diagnostics.extend(unusable);
    let logo = fingerprinted
        .logo()
        .map(|(path, content, source)| (path, (source.to_path_buf(), content, Owner::Site)));
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

/// `file` from the site root, for a message.
fn shorten(file: &Path, root: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// What is published of every image the harvests show, by output path and source.
fn pictures(harvests: &[Harvest], gallery: &Gallery) -> Vec<(String, PathBuf, Content)> {
    let shown: BTreeSet<&Path> = (harvests.iter())
        .flat_map(|harvest| &harvest.items)
        .flat_map(|item| item.body.figures.iter().chain(item.image.as_deref()))
        .map(|figure| figure.source.as_path())
        .collect();
    let mut files = Vec::new();
    for source in shown {
        let Some(picture) = gallery.known(source) else {
            continue;
        };
        for (path, content) in picture.files() {
            files.push((path.to_string(), source.to_path_buf(), content));
        }
    }
    files
}
