//! A harvest in another language: the same items in the same order, with the title,
//! summary, slug, tags and body of each item's translation where it has one and its
//! original where not; relations and numbers are the original's, as they hold in every
//! language. Pages live under the language's own routes (`/en/…`), and `@/` links in a
//! translation lead to pages of the same language.

use std::sync::Arc;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::LinkError;
use super::links::{LinkTargets, body_problems};
use super::{BodyMemo, Harvest, Item, ItemId, assemble, bodies, take_body, unique};
use crate::config::{Language, SiteConfig};
use crate::content::Document;
use crate::content::slug::slugify;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::routes::{Made, Routes};

/// What [`translate`] needs besides the harvest in the site's own language.
pub struct Translation<'a> {
    /// The site's configuration in the language ([`SiteConfig::in_language`]).
    pub config: SiteConfig,
    /// The routes made from `config`.
    pub routes: Routes,
    /// By [`ItemId`] of the original harvest: the item's translation, if it has one that
    /// is published (a draft is not, unless drafts are built).
    pub translations: Vec<Option<&'a Document>>,
    /// By [`ItemId`]: the item's own file.
    pub sources: Vec<&'a Document>,
}

/// The translations among `documents` by language and source file. A translation into a
/// language the site does not have, or whose source file does not exist, is an error; one
/// whose source is left out (a draft, a file that failed) is left out with it, as is a
/// draft translation unless `drafts`.
pub fn sort_translations<'a>(
    documents: &[&'a Document],
    sources: &dyn Fn(&str) -> bool,
    config: &SiteConfig,
    drafts: bool,
) -> (TranslationsByLanguage<'a>, Diagnostics) {
    let languages = config.languages();
    let mut sorted = TranslationsByLanguage::default();
    let mut diagnostics = Diagnostics::new();
    for &doc in documents {
        let Some(code) = &doc.language else {
            continue;
        };
        let source_rel = doc.source_rel().into_owned();
        let error = match Language::from_code(code) {
            Some(l) if l == config.language => LinkError::OwnLanguage {
                code: code.clone(),
                source_rel,
            },
            Some(l) if languages.contains(&l) && sources(&source_rel) => {
                if drafts || !doc.front.draft {
                    sorted.entry(l).or_default().insert(source_rel, doc);
                }
                continue;
            }
            Some(l) if languages.contains(&l) => LinkError::NoSource {
                source_rel,
                code: code.clone(),
            },
            _ => LinkError::NotALanguage {
                code: code.clone(),
                languages: languages
                    .iter()
                    .map(|l| format!("`{}`", l.code()))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        };
        diagnostics.push(Diagnostic::new(&doc.path, Position::new(1, 1), &error));
    }
    (sorted, diagnostics)
}

/// Translations by language, then by the path of their source file below `content/`.
pub type TranslationsByLanguage<'a> =
    BTreeMap<Language, rustc_hash::FxHashMap<String, &'a Document>>;

/// The harvest `original` in the language of `input`; problems of the translations'
/// files are reported (those of the originals were, with the original).
pub fn translate(
    original: &Harvest,
    input: Translation<'_>,
    mut memo: Option<&mut BodyMemo>,
) -> (Harvest, Diagnostics) {
    let Translation {
        config,
        routes,
        translations,
        sources,
    } = input;
    let language = config.language;
    let mut items: Vec<Arc<Item>> = original
        .items
        .iter()
        .map(|item| &**item)
        .zip(&translations)
        .map(|(item, translation)| Arc::new(translated_item(item, *translation, language, &routes)))
        .collect();
    let documents: Vec<&Document> = sources
        .iter()
        .zip(&translations)
        .map(|(source, translation)| translation.unwrap_or(source))
        .collect();
    // Only the translations' own problems are told: the others were, in the original.
    let files: HashSet<&Path> = translations
        .iter()
        .flatten()
        .map(|d| d.path.as_path())
        .collect();
    let mut diagnostics = Diagnostics::new();
    unique::check_unique(&documents, &items, &routes, &mut diagnostics);
    let links = &*original.links;
    let mut targets = LinkTargets {
        index: links.index.clone(),
        paths: items.iter().map(|i| i.path.as_str().into()).collect(),
        asset_paths: links.asset_paths.clone(),
        gallery: links.gallery.clone(),
        fingerprint: 0,
    };
    // The bodies of the translations are rendered; an item not translated keeps the
    // original's body, whose links lead to the original's pages (where its anchors are).
    let translated: Vec<ItemId> = (0..items.len())
        .filter(|&id| translations[id].is_some())
        .collect();
    let texts: Vec<&Document> = translations.iter().flatten().copied().collect();
    let mut found = Diagnostics::new();
    let safe = config.markdown.safe;
    let (bodies, fingerprint, spool) = bodies::render_bodies(
        &texts,
        &targets,
        &routes.urls,
        safe,
        memo.as_deref_mut(),
        &mut found,
    );
    if let Some(memo) = memo {
        memo.keep_only(&texts);
    }
    targets.fingerprint = fingerprint;
    for (&id, body) in translated.iter().zip(bodies) {
        take_body(Arc::make_mut(&mut items[id]), body);
    }
    found.extend(body_problems(&items, translated, &targets.index));
    for problem in found.iter().filter(|d| files.contains(d.file.as_path())) {
        diagnostics.push(problem.clone());
    }
    let assets = original.assets.clone();
    let related = (original.relations.clone(), original.written.clone());
    (
        assemble(config, routes, items, related, assets, targets, spool),
        diagnostics,
    )
}

/// `item` in `language`: with the text of its `translation`, or as it is.
fn translated_item(
    item: &Item,
    translation: Option<&Document>,
    language: Language,
    routes: &Routes,
) -> Item {
    let mut item = item.clone();
    if let Some(doc) = translation {
        let front = &doc.front;
        item.source = doc.path.clone();
        item.title = front.title.trim().to_string();
        item.summary = front.summary.clone().unwrap_or_default().trim().to_string();
        item.summary_from_body = false;
        if let Some(slug) = &front.slug {
            item.slug = slugify(slug);
        }
        item.tags = front.tags.clone();
        if !front.extra.is_empty() {
            item.extra = serde_json::to_value(&front.extra).unwrap_or(serde_json::Value::Null);
        }
        if let Some(alt) = &front.image_alt {
            item.image_alt = alt.trim().to_string();
        }
        item.language = language;
    }
    item.path = routes.content_page(item.kind, &item.rel, &item.slug);
    item
}

/// Every language's version of a site, kept with each language's harvest for the links
/// between them: the language switch, `hreflang`, the sitemap and the open data.
#[derive(Debug, Default)]
pub struct Translations {
    /// The site's own language first.
    pub versions: Vec<Version>,
}

/// A site in one language.
#[derive(Debug)]
pub struct Version {
    pub routes: Routes,
    /// By [`ItemId`]: each item's page, title and summary, and whether it is translated.
    pub items: Vec<VersionItem>,
}

/// An item in one language.
#[derive(Debug)]
pub struct VersionItem {
    pub path: String,
    pub title: String,
    pub summary: String,
    pub translated: bool,
}

impl Translations {
    /// The versions of the harvests of every language (the site's own first); none for a
    /// site in one language.
    pub fn of(harvests: &[Harvest]) -> Translations {
        if harvests.len() < 2 {
            return Translations::default();
        }
        let versions = harvests
            .iter()
            .map(|h| Version {
                routes: h.routes.clone(),
                items: (h.items.iter())
                    .map(|item| VersionItem {
                        path: item.path.clone(),
                        title: item.title.clone(),
                        summary: item.summary.clone(),
                        translated: item.language == h.config.language,
                    })
                    .collect(),
            })
            .collect();
        Translations { versions }
    }

    /// The page of an item in every language: (language, path).
    pub fn of_item(&self, id: ItemId) -> impl Iterator<Item = (Language, &str)> {
        (self.versions.iter()).map(move |v| (v.routes.language(), v.items[id].path.as_str()))
    }

    /// A page oogst makes, in every language: (language, path).
    pub fn of_made(&self, made: Made) -> impl Iterator<Item = (Language, String)> + '_ {
        (self.versions.iter()).map(move |v| (v.routes.language(), v.routes.made(made)))
    }
}

impl Harvest {
    /// The files of the items shown in the site's own language for want of a translation
    /// into this harvest's: `conclusions/01-x.md`. None in the site's own language.
    pub fn untranslated(&self) -> Vec<&str> {
        let language = self.config.language;
        (self.items.iter())
            .filter(|item| item.language != language)
            .map(|item| item.rel.as_str())
            .collect()
    }
}
