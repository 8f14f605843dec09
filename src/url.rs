//! Every URL of a site is made here: slugs, section URL names, page paths, permalinks.

use crate::config::{Language, SiteConfig};

/// The three harvest sections; their source folders are always these English names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Themes,
    Conclusions,
    Recommendations,
}

impl Section {
    pub const ALL: [Section; 3] = [
        Section::Themes,
        Section::Conclusions,
        Section::Recommendations,
    ];

    /// The folder under `content/` that holds this section.
    pub fn folder(self) -> &'static str {
        match self {
            Section::Themes => "themes",
            Section::Conclusions => "conclusions",
            Section::Recommendations => "recommendations",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.folder() == folder)
    }

    /// The URL name in the site's language, unless `site.yaml` names it.
    pub fn url_name(self, config: &SiteConfig) -> String {
        let configured = match self {
            Section::Themes => &config.sections.themes,
            Section::Conclusions => &config.sections.conclusions,
            Section::Recommendations => &config.sections.recommendations,
        };
        if let Some(name) = configured {
            return slugify(name);
        }
        let name = match (config.language, self) {
            (Language::Nl, Section::Themes) => "themas",
            (Language::Nl, Section::Conclusions) => "conclusies",
            (Language::Nl, Section::Recommendations) => "aanbevelingen",
            (Language::En, s) => s.folder(),
        };
        name.to_string()
    }

    /// The site-relative path of the section's list (and of its intro): `themas/`.
    pub fn path(self, config: &SiteConfig) -> String {
        page_path(&[&self.url_name(config)])
    }

    /// The site-relative path of list page `number` (from 1): `themas/`, `themas/pagina/2/`.
    pub fn list_page_path(self, config: &SiteConfig, number: usize) -> String {
        let first = self.path(config);
        match number {
            1 => first,
            n => {
                let word = match config.language {
                    Language::Nl => "pagina",
                    Language::En => "page",
                };
                page_path(&[&first, word, &n.to_string()])
            }
        }
    }
}

/// Items on one list page of a section: a page must not grow with the site.
pub const LIST_PAGE_SIZE: usize = 100;

/// How many list pages a section of `items` items has (one, even when it is empty).
pub fn list_pages(items: usize) -> usize {
    items.div_ceil(LIST_PAGE_SIZE).max(1)
}

/// The pages oogst makes that have no source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    Matrix,
    PrintEdition,
    Search,
}

impl Generated {
    pub const ALL: [Generated; 3] = [
        Generated::Matrix,
        Generated::PrintEdition,
        Generated::Search,
    ];

    pub fn url_name(self, language: Language) -> &'static str {
        match (self, language) {
            (Generated::Matrix, Language::Nl) => "relatieoverzicht",
            (Generated::Matrix, Language::En) => "matrix",
            (Generated::PrintEdition, Language::Nl) => "printversie",
            (Generated::PrintEdition, Language::En) => "print",
            (Generated::Search, Language::Nl) => "zoeken",
            (Generated::Search, Language::En) => "search",
        }
    }

    /// Its site-relative path: `printversie/`.
    pub fn path(self, language: Language) -> String {
        page_path(&[self.url_name(language)])
    }

    /// What the page is, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Generated::Matrix => "the relation matrix",
            Generated::PrintEdition => "the print edition",
            Generated::Search => "the search page",
        }
    }
}

/// Files oogst writes beside the pages, at fixed site-relative paths in every language.
pub mod published {
    /// The Atom feed.
    pub const FEED: &str = "atom.xml";
    pub const SITEMAP: &str = "sitemap.xml";
    pub const ROBOTS: &str = "robots.txt";
    /// The whole harvest as open data.
    pub const OPEN_DATA: &str = "harvest.json";
    /// The search index: a manifest and the files it names, all in this folder.
    pub const SEARCH_INDEX: &str = "search-index/";
    /// The manifest of the search index, the one file the search script is pointed at.
    pub const SEARCH_MANIFEST: &str = "search-index/index.json";
    /// The search script, a static file of the default theme.
    pub const SEARCH_SCRIPT: &str = "search.js";
}

/// A URL-safe slug: lower case, ASCII, words joined by `-` (`creëren` → `creeren`).
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// The default slug of a content file: its name without `.md` and without a number prefix
/// (`01-cop-als-leerplek.md` → `cop-als-leerplek`).
pub fn slug_from_file_name(stem: &str) -> String {
    let without_number = match stem.split_once(['-', '_']) {
        Some((prefix, rest))
            if !prefix.is_empty()
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && !rest.is_empty() =>
        {
            rest
        }
        _ => stem,
    };
    slugify(without_number)
}

/// The number prefix of a file name, if it has one (`03-x` → 3).
pub fn number_from_file_name(stem: &str) -> Option<u32> {
    let digits: &str = stem.split(['-', '_']).next()?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Joins URL path segments into a site-relative path such as `conclusies/cop/` (no leading slash;
/// the home page is the empty path).
pub fn page_path(segments: &[&str]) -> String {
    let mut path = String::new();
    for segment in segments.iter().filter(|s| !s.is_empty()) {
        path.push_str(segment.trim_matches('/'));
        path.push('/');
    }
    path
}

/// The URL path of an output file: `conclusies/cop/index.html` → `/conclusies/cop/`,
/// `atom.xml` → `/atom.xml` (without the base path).
pub fn file_url(file: &str) -> String {
    let folder = match file.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => file,
    };
    format!("/{folder}")
}

/// Turns site-relative paths into the URLs a page links to and the absolute URLs it is known by.
#[derive(Debug, Clone)]
pub struct UrlMaker {
    /// The path part of the base URL, always with a leading and trailing slash: `/` or `/harvest/`.
    base_path: String,
    /// The scheme and host of the base URL, empty when the base URL is only a path.
    origin: String,
}

impl UrlMaker {
    pub fn new(base_url: &str) -> Self {
        let (origin, path) = match base_url.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                (format!("{scheme}://{host}"), path)
            }
            None => (String::new(), base_url),
        };
        let trimmed = path.trim_matches('/');
        let base_path = if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        };
        UrlMaker { base_path, origin }
    }

    /// The link to a site-relative path, as used inside the site: `/harvest/conclusies/cop/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute URL of a path, when the base URL has a host (for canonical links and feeds).
    pub fn permalink(&self, path: &str) -> Option<String> {
        (!self.origin.is_empty()).then(|| format!("{}{}", self.origin, self.link(path)))
    }

    /// The URL a path is known by outside the site: absolute when the base URL has a host,
    /// else the link (a path from the host's root), which is all there is to go on.
    pub fn public(&self, path: &str) -> String {
        self.permalink(path).unwrap_or_else(|| self.link(path))
    }

    /// Whether the base URL names a host, so [`UrlMaker::public`] URLs are absolute.
    pub fn has_host(&self) -> bool {
        !self.origin.is_empty()
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_number_prefixes_and_diacritics() {
        assert_eq!(
            slug_from_file_name("01-cop-als-leerplek"),
            "cop-als-leerplek"
        );
        assert_eq!(slug_from_file_name("creëren"), "creeren");
        assert_eq!(slug_from_file_name("Thema's"), "thema-s");
        assert_eq!(slug_from_file_name("2024"), "2024");
        assert_eq!(slug_from_file_name("10_a"), "a");
        assert_eq!(number_from_file_name("07-x"), Some(7));
        assert_eq!(number_from_file_name("x-07"), None);
    }

    #[test]
    fn links_carry_the_base_path() {
        let urls = UrlMaker::new("https://example.org/oogst/");
        assert_eq!(urls.link("conclusies/cop/"), "/oogst/conclusies/cop/");
        assert_eq!(urls.link(""), "/oogst/");
        assert_eq!(
            urls.permalink("conclusies/cop/").as_deref(),
            Some("https://example.org/oogst/conclusies/cop/")
        );
        let local = UrlMaker::new("/");
        assert_eq!(local.link("a/"), "/a/");
        assert_eq!(local.permalink("a/"), None);
        assert_eq!(local.public("a/"), "/a/");
        assert_eq!(urls.public("a/"), "https://example.org/oogst/a/");
        assert!(urls.has_host() && !local.has_host());
        assert_eq!(page_path(&["conclusies", "cop"]), "conclusies/cop/");
        assert_eq!(page_path(&[]), "");
        assert_eq!(file_url("conclusies/cop/index.html"), "/conclusies/cop/");
        assert_eq!(file_url("index.html"), "/");
        assert_eq!(file_url("atom.xml"), "/atom.xml");
        assert_eq!(file_url("a/myindex.html"), "/a/myindex.html");
    }
}
