//! Links in bodies: what an `@/` link or a relative path becomes, and whether the heading
//! an `@/file.md#anchor` link names exists.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Borrow;
use std::path::PathBuf;
use std::sync::Arc;

use super::error::LinkError;
use super::index::{Index, Missing};
use super::{Item, ItemId};
use crate::content::Document;
use crate::content::markdown::{AnchorLink, BrokenLink, Destination, FigureProblem, content_link};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::images::{self, DescriptionError, Gallery, Place};
use crate::routes::UrlMaker;

/// The lookups links are resolved with: kept with the harvest for taking in changed
/// bodies later.
#[derive(Debug, Clone)]
pub(super) struct LinkTargets {
    pub(super) index: Index,
    /// Each item's page path, by [`ItemId`].
    pub(super) paths: Vec<Arc<str>>,
    /// Output paths and sources of the files beside the content, by their path below
    /// `content/`.
    pub(super) asset_paths: HashMap<String, (String, PathBuf)>,
    /// The images of the site, processed as bodies ask for them.
    pub(super) gallery: Arc<Gallery>,
    /// A hash of the lookups a body depends on besides pages (its `@/` links are checked
    /// one by one), part of every body's cache key.
    pub(super) fingerprint: u64,
}

/// The problems of the links in the bodies of `items`: links that lead nowhere, and
/// anchors that name no heading.
pub(super) fn body_problems<I: Borrow<Item>>(
    items: &[I],
    ids: impl IntoIterator<Item = ItemId>,
    index: &Index,
) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for id in ids {
        let item = items[id].borrow();
        for (position, reason) in &item.body.broken_links {
            diagnostics.push(Diagnostic::new(
                &item.source,
                *position,
                &LinkError::BrokenLink(reason.clone()),
            ));
        }
        for (position, problem) in &item.body.figure_problems {
            diagnostics.push(figure_problem(&item.source, *position, problem));
        }
        for link in &item.body.anchor_links {
            if let Some(error) = check_anchor(link, index, items) {
                diagnostics.push(Diagnostic::new(&item.source, link.position, &error));
            }
        }
    }
    diagnostics
}

/// An `@/file.md#anchor` link must name a heading of that file.
fn check_anchor<I: Borrow<Item>>(
    link: &AnchorLink,
    index: &Index,
    items: &[I],
) -> Option<LinkError> {
    let &target = index.by_rel.get(link.target.as_str())?;
    let headings = &items[target].borrow().body.headings;
    if headings.iter().any(|h| h.id == link.anchor) {
        return None;
    }
    Some(LinkError::MissingAnchor {
        suggestion: did_you_mean(&link.anchor, headings.iter().map(|h| h.id.as_str()))
            .map(str::to_string),
        target: link.target.clone(),
        anchor: link.anchor.clone(),
    })
}

/// What a link or image destination in `doc`'s body becomes.
pub(super) fn resolve_link<'a>(
    dest: &'a str,
    doc: &Document,
    targets: &'a LinkTargets,
    urls: &UrlMaker,
) -> Destination {
    let index = &targets.index;
    if let Some((file, anchor)) = content_link(dest) {
        return match index.by_rel.get(file) {
            Some(&id) => {
                let link = urls.link(&targets.paths[id]);
                Destination::Url(anchor.map_or(link.clone(), |a| format!("{link}#{a}")))
            }
            None => match index.missing.get(&(None, file.to_string())) {
                Some(Missing::Failed) => Destination::Keep,
                Some(Missing::Draft) => Destination::Broken(BrokenLink::Draft(dest.to_string())),
                None => {
                    let split = |rel: &'a str| rel.rsplit_once('/').unwrap_or(("", rel));
                    let (folder, name) = split(file);
                    let siblings = (index.by_rel.keys())
                        .map(|r| split(r))
                        .filter(|(f, _)| *f == folder);
                    let near = did_you_mean(name, siblings.map(|(_, n)| n));
                    Destination::Broken(BrokenLink::NoContent {
                        dest: dest.to_string(),
                        file: file.to_string(),
                        suggestion: near.map(|n| format!("@/{}", file.replacen(name, n, 1))),
                    })
                }
            },
        };
    }
    let is_external = has_scheme(dest);
    if !is_external && let Some(image) = static_image(dest, targets, urls) {
        return image;
    }
    if is_external || dest.starts_with('#') || dest.starts_with('/') || dest.is_empty() {
        return Destination::Keep;
    }
    let (file, fragment) = dest
        .split_once(['#', '?'])
        .map_or((dest, ""), |(f, _)| (f, &dest[f.len()..]));
    let folder = doc.rel.rsplit_once('/').map_or("", |(f, _)| f);
    let Some(joined) = join_relative(folder, file) else {
        return Destination::Keep;
    };
    if joined.ends_with(".md") {
        return Destination::Broken(BrokenLink::MarkdownFile {
            dest: dest.to_string(),
            file: joined,
        });
    }
    match targets.asset_paths.get(joined.as_str()) {
        Some((path, source)) if images::is_image(path) => {
            shown(&targets.gallery, source, path, Place::Content, urls)
        }
        Some((path, _)) => Destination::Url(format!("{}{fragment}", urls.link(path))),
        None => Destination::Broken(BrokenLink::NoFile {
            dest: dest.to_string(),
            file: joined,
        }),
    }
}

/// An image in `static/`, written from the site's root: `/img/photo.jpg`.
fn static_image(dest: &str, targets: &LinkTargets, urls: &UrlMaker) -> Option<Destination> {
    let path = dest.strip_prefix('/')?;
    if !images::is_image(path) {
        return None;
    }
    let source = targets.gallery.static_file(path)?;
    Some(shown(&targets.gallery, &source, path, Place::Static, urls))
}

/// An image file, processed, as a destination.
fn shown(
    gallery: &Gallery,
    source: &std::path::Path,
    path: &str,
    place: Place,
    urls: &UrlMaker,
) -> Destination {
    match gallery.picture(source, path, place) {
        Ok(picture) => Destination::Image(picture.figure(urls)),
        Err(error) => Destination::Unusable {
            message: error.to_string(),
            hint: crate::diagnostics::Hint::hint(&error),
        },
    }
}

/// A problem with an image in a body, at its place in `file`.
fn figure_problem(
    file: &std::path::Path,
    position: crate::diagnostics::Position,
    problem: &FigureProblem,
) -> Diagnostic {
    match problem {
        FigureProblem::Undescribed(dest) => {
            Diagnostic::new(file, position, &DescriptionError::Missing(dest.clone()))
        }
        FigureProblem::LongDescription(dest, length) => Diagnostic::warning(
            file,
            position,
            &DescriptionError::TooLong(dest.clone(), *length),
        ),
        FigureProblem::Unusable { message, hint } => Diagnostic {
            file: file.to_path_buf(),
            position,
            message: message.clone(),
            hint: hint.clone(),
            source_line: None,
            warning: false,
        },
    }
}

/// Whether a link starts with a URL scheme (`https:`, `mailto:`, `tel:` ...): not a file.
fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `folder` joined with a relative `path`, `..` and `.` resolved; `None` if it leaves `content/`.
fn join_relative(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_inside_content() {
        assert_eq!(
            join_relative("conclusions", "schema.png").as_deref(),
            Some("conclusions/schema.png")
        );
        assert_eq!(
            join_relative("conclusions", "../img/a.png").as_deref(),
            Some("img/a.png")
        );
        assert_eq!(join_relative("", "../../etc/passwd"), None);
    }

    #[test]
    fn links_with_a_scheme_are_not_files() {
        for dest in [
            "https://x.org/a",
            "mailto:a@b.nl",
            "tel:+31",
            "javascript:x()",
            "ftp://x",
        ] {
            assert!(has_scheme(dest), "{dest}");
        }
        for dest in ["schema.png", "../img/a.png", "a/b:c.png", "#kop", "1:2.png"] {
            assert!(!has_scheme(dest), "{dest}");
        }
    }
}
