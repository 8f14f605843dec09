//! Uniqueness: two files may not make one URL nor take a page oogst makes, and two items
//! of a section may not share a number.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::Item;
use super::error::LinkError;
use crate::content::slug::{slug_from_file_name, slugify};
use crate::content::{Document, Kind, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::routes::{Routes, Shape};

/// Two files may not make the same URL, nor take the URL of a page oogst makes, nor two
/// items of a section share a number.
pub(super) fn check_unique(
    documents: &[&Document],
    items: &[Arc<Item>],
    routes: &Routes,
    diagnostics: &mut Diagnostics,
) {
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, item) in items.iter().enumerate() {
        by_path.entry(&item.path).or_default().push(i);
    }
    let made = made_pages(&Shape::of(items.iter().map(|item| item.kind)), routes);
    for (path, mut files) in by_path {
        let made_here = made.get(path);
        if files.len() < 2 && made_here.is_none() {
            continue;
        }
        // The file that keeps the URL is one that did not ask for it with a `slug:` of its
        // own, the first by path; every other file is told, at its `slug:` if it has one.
        files.sort_by_key(|&i| (slug_moves(documents[i]), &items[i].rel));
        let (blamed, error): (&[usize], _) = match made_here {
            Some(page) => (
                &files,
                LinkError::MadeUrl {
                    path: format!("/{path}"),
                    page: page.clone(),
                },
            ),
            None => (
                &files[1..],
                LinkError::DuplicateUrl {
                    path: format!("/{path}"),
                    other: format!("content/{}", documents[files[0]].rel),
                },
            ),
        };
        for &i in blamed {
            let doc = documents[i];
            let at = match (slug_decides(doc), made_here.is_some()) {
                (true, _) => doc.key_position("slug"),
                (false, true) => Position::new(1, 1),
                (false, false) => Position::UNKNOWN,
            };
            diagnostics.push(Diagnostic::new(&doc.path, at, &error));
        }
    }
    let mut numbers: HashMap<(Section, u32), &Item> = HashMap::default();
    for (doc, item) in documents.iter().zip(items) {
        if let (Kind::Item(section), Some(number)) = (item.kind, item.number)
            && let Some(other) = numbers.insert((section, number), item)
        {
            let error = LinkError::DuplicateNumber {
                number,
                other: format!("content/{}", other.rel),
            };
            diagnostics.push(Diagnostic::new(
                &doc.path,
                doc.key_position("number"),
                &error,
            ));
        }
    }
}

/// Whether the document's URL is made from its `slug:` (items and pages but `_index.md`).
fn slug_decides(doc: &Document) -> bool {
    doc.front.slug.is_some()
        && (matches!(doc.kind, Kind::Item(_)) || (doc.kind == Kind::Page && doc.stem() != "_index"))
}

/// Whether the document's `slug:` gives it another URL than its file name would.
fn slug_moves(doc: &Document) -> bool {
    slug_decides(doc)
        && doc
            .front
            .slug
            .as_deref()
            .is_some_and(|slug| slugify(slug) != slug_from_file_name(doc.stem()))
}

/// The pages oogst makes without a content file of their own for a harvest of `shape`, by
/// path, with what each is (the routes' page list, less the list pages that show a
/// section's intro).
pub(super) fn made_pages(shape: &Shape, routes: &Routes) -> HashMap<String, String> {
    routes
        .made_pages(shape)
        .into_iter()
        .filter(|page| !page.shows_content(shape))
        .map(|page| (routes.made(page), page.describe()))
        .collect()
}
