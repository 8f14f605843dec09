//! The links between a page and its versions in the site's other languages: the language
//! switch, `hreflang` alternates, and the notice on a page not translated yet.

use serde::Serialize;

use super::jobs::Job;
use crate::config::Language;
use crate::content::translation_rel;
use crate::harvest::{Harvest, Item};

/// A page in one language, as templates see it in `languages` (empty for a site in one
/// language).
#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    /// `nl`, `en`.
    pub code: &'static str,
    /// The language's name in itself: `Nederlands`, `English`.
    pub name: &'static str,
    /// The link to the page in that language.
    pub url: String,
    /// Its absolute URL where `base_url` has a host, for `hreflang`.
    pub href: String,
    /// The language of the page at hand.
    pub current: bool,
    /// The site's own language, the one it is written in.
    pub original: bool,
}

/// The page of `job` in every language of the site, the site's own first.
pub(super) fn links(harvest: &Harvest, job: &Job) -> Vec<LanguageLink> {
    let translations = &harvest.translations;
    let paths: Vec<(Language, String)> = match *job {
        Job::Item(id) => (translations.of_item(id))
            .map(|(language, path)| (language, path.to_string()))
            .collect(),
        Job::Made(made) => translations.of_made(made).collect(),
    };
    let urls = &harvest.routes.urls;
    (paths.into_iter().enumerate())
        .map(|(n, (language, path))| LanguageLink {
            code: language.code(),
            name: language.name(),
            url: urls.link(&path),
            href: urls.public(&path),
            current: language == harvest.config.language,
            original: n == 0,
        })
        .collect()
}

/// The language of an item's text where it differs from the page's (an item not
/// translated yet is shown in the original).
pub(super) fn text_language(harvest: &Harvest, item: &Item) -> Option<&'static str> {
    (item.language != harvest.config.language).then(|| item.language.code())
}

/// The file an item's text comes from, below `content/`: its translation's in a
/// translated harvest, else its own.
pub(super) fn text_file(harvest: &Harvest, item: &Item) -> String {
    match harvest.config.original {
        Some(_) if item.language == harvest.config.language => {
            translation_rel(&item.rel, item.language.code())
        }
        _ => item.rel.clone(),
    }
}
