//! Routes: every URL of a site, and the path of every page and file oogst makes, from one
//! value built once from the config.

use crate::config::{ConfigError, Language, SectionNames, SiteConfig};
use crate::content::slug::slugify;
use crate::content::{Kind, Section};
use crate::diagnostics::Position;

mod assets;
mod lists;
mod print;
pub use assets::{AssetNames, FINGERPRINTED};
pub use lists::{LIST_PAGE_SIZE, list_pages, on_list_page};
pub use print::PrintShelf;

/// The URL names of a site's sections and pages, and its URL maker.
#[derive(Debug, Clone)]
pub struct Routes {
    language: Language,
    /// Where the pages of a translation live: `en` of `/en/`; empty in the site's own
    /// language, whose pages are at the root.
    prefix: String,
    /// The URL name of each section, in [`Section::ALL`] order.
    sections: [String; 3],
    /// The file name of the PDF edition, made from the site's title.
    pdf: String,
    /// Turns the paths here into links and absolute URLs.
    pub urls: UrlMaker,
    /// `edit_url` of `site.yaml`, ending in `/`.
    edit: Option<String>,
    /// Where the theme's stylesheet and script and the brand's logo are published: under
    /// names with a hash of their content, set when their files are read.
    pub assets: AssetNames,
}

impl Routes {
    /// The routes of a site with this config.
    pub fn new(config: &SiteConfig) -> Routes {
        let prefix = match config.original {
            Some(_) => config.language.code().to_string(),
            None => String::new(),
        };
        let pdf = pdf_file_name(&config.title);
        Routes {
            language: config.language,
            pdf: match prefix.is_empty() {
                true => pdf,
                false => format!("{prefix}/{pdf}"),
            },
            prefix,
            sections: Section::ALL.map(|section| section_url_name(config, section)),
            urls: UrlMaker::new(&config.base_url),
            edit: config.edit_url.clone(),
            assets: AssetNames::default(),
        }
    }

    /// Where the content file at `rel` (below `content/`) is edited, when `site.yaml` has an
    /// `edit_url`: it, then the file's path from the site root, each part URL-encoded.
    pub fn edit_url(&self, rel: &str) -> Option<String> {
        let base = self.edit.as_ref()?;
        let parts: Vec<String> = std::iter::once("content")
            .chain(rel.split('/'))
            .map(|part| percent_encoding::utf8_percent_encode(part, PATH_PART).to_string())
            .collect();
        Some(format!("{base}{}", parts.join("/")))
    }

    /// The URL name of a section: in the site's language, unless `site.yaml` names it.
    pub fn section_name(&self, section: Section) -> &str {
        &self.sections[section.index()]
    }

    /// The site-relative path of a section's list (and of its intro): `themas/`.
    pub fn section(&self, section: Section) -> String {
        page_path(&[&self.prefix, self.section_name(section)])
    }

    /// The language of the pages these routes make.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The site-relative path of a file made in every language, in this one:
    /// `atom.xml`, `en/atom.xml`.
    pub fn per_language(&self, file: &str) -> String {
        match self.prefix.is_empty() {
            true => file.to_string(),
            false => format!("{}/{file}", self.prefix),
        }
    }

    /// The site-relative path of a generated page: `printversie/`.
    pub fn generated(&self, page: Generated) -> String {
        page_path(&[&self.prefix, page.url_name(self.language)])
    }

    /// The site-relative path of the PDF edition: `oogst-van-de-cop.pdf`, in a translation
    /// `en/harvest-of-the-cop.pdf`.
    pub fn pdf(&self) -> &str {
        &self.pdf
    }

    /// The site-relative path of the page of the content file at `rel` (below `content/`),
    /// of `kind`, with `slug`.
    pub fn content_page(&self, kind: Kind, rel: &str, slug: &str) -> String {
        match kind {
            Kind::Home => page_path(&[&self.prefix]),
            Kind::SectionIntro(section) => self.section(section),
            Kind::Item(section) => page_path(&[&self.prefix, self.section_name(section), slug]),
            Kind::Page => {
                let (folder, file) = rel.rsplit_once('/').unwrap_or(("", rel));
                let folders: Vec<String> = folder.split('/').map(slugify).collect();
                let mut segments: Vec<&str> = std::iter::once(self.prefix.as_str())
                    .chain(folders.iter().map(String::as_str))
                    .collect();
                if file != "_index.md" {
                    segments.push(slug);
                }
                page_path(&segments)
            }
        }
    }

    /// Where a file beside the content goes: the same path, with a section folder renamed
    /// to its URL name (`conclusions/schema.png` → `conclusies/schema.png`).
    pub fn asset(&self, rel: &str) -> String {
        match rel.split_once('/') {
            Some((folder, rest)) => match Section::from_folder(folder) {
                Some(section) => format!("{}/{rest}", self.section_name(section)),
                None => rel.to_string(),
            },
            None => rel.to_string(),
        }
    }

    /// The site-relative path of a page oogst makes.
    pub fn made(&self, page: Made) -> String {
        match page {
            Made::Home => page_path(&[&self.prefix]),
            Made::List(section, number) => self.list_page(section, number),
            Made::Matrix(number) => self.matrix_page(number),
            Made::Generated(page) => self.generated(page),
            Made::NotFound => self.per_language(NOT_FOUND),
        }
    }

    /// Every page oogst makes besides one per content file, the biggest first. The first
    /// list page of a section with an intro is that intro's page too
    /// ([`Made::shows_content`]).
    pub fn made_pages(&self, shape: &Shape) -> Vec<Made> {
        let mut pages = vec![
            Made::Generated(Generated::PrintEdition),
            Made::Generated(Generated::Search),
        ];
        let recommendations = shape.items[Section::Recommendations.index()];
        pages.extend((1..=list_pages(recommendations)).map(Made::Matrix));
        for section in Section::ALL {
            let lists = list_pages(shape.items[section.index()]);
            pages.extend((1..=lists).map(|n| Made::List(section, n)));
        }
        if !shape.home {
            pages.push(Made::Home);
        }
        pages.push(Made::NotFound);
        pages
    }
}

/// The PDF's file name: the title slugified, or `harvest.pdf` for a title with no letters.
fn pdf_file_name(title: &str) -> String {
    match slugify(title) {
        slug if slug.is_empty() => "harvest.pdf".to_string(),
        slug => format!("{slug}.pdf"),
    }
}

/// The URL name `site.yaml` gives a section, if it gives one.
fn configured_name(names: &SectionNames, section: Section) -> Option<&String> {
    match section {
        Section::Themes => names.themes.as_ref(),
        Section::Conclusions => names.conclusions.as_ref(),
        Section::Recommendations => names.recommendations.as_ref(),
    }
}

/// The URL name of a section in the site's language, unless `site.yaml` names it.
fn section_url_name(config: &SiteConfig, section: Section) -> String {
    if let Some(name) = configured_name(&config.sections, section) {
        return slugify(name);
    }
    let name = match (config.language, section) {
        (Language::Nl, Section::Themes) => "themas",
        (Language::Nl, Section::Conclusions) => "conclusies",
        (Language::Nl, Section::Recommendations) => "aanbevelingen",
        (Language::En, s) => s.folder(),
    };
    name.to_string()
}

/// Section URL names set in `site.yaml` must make a URL, each its own, not one of a
/// generated page; every problem with where it is written.
pub fn check_section_names(config: &SiteConfig) -> Vec<(Position, ConfigError)> {
    let routes = Routes::new(config);
    // Every URL name at the top of the site: (name, whose, set in site.yaml).
    let generated = Generated::ALL.into_iter().map(|g| {
        (
            g.url_name(config.language).to_string(),
            "a page oogst makes",
            None,
        )
    });
    let sections = Section::ALL.into_iter().map(|section| {
        (
            routes.section_name(section).to_string(),
            section.folder(),
            configured_name(&config.sections, section),
        )
    });
    let names: Vec<_> = generated.chain(sections).collect();
    let mut errors = Vec::new();
    for (i, (url_name, section, configured)) in names.iter().enumerate() {
        let Some(name) = configured else {
            continue;
        };
        // A clash of two names set here is told once, at the second.
        let clash = names
            .iter()
            .enumerate()
            .find(|(j, (other, _, set))| *j != i && other == url_name && (set.is_none() || *j < i));
        let problem = if url_name.is_empty() {
            "has no letters or digits to make a URL of".to_string()
        } else if let Some((_, (_, owner, _))) = clash {
            format!("makes the URL `/{url_name}/` of {owner}")
        } else {
            continue;
        };
        errors.push((
            config.value_position("sections", section),
            ConfigError::SectionName {
                section,
                name: name.to_string(),
                problem,
            },
        ));
    }
    errors
}

/// What of a harvest decides which pages oogst makes besides the content files' own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// Whether there is a `content/_index.md`.
    pub home: bool,
    /// Per section (in [`Section::ALL`] order): whether it has an `_index.md`.
    pub intros: [bool; 3],
    /// Per section: how many items it has.
    pub items: [usize; 3],
}

impl Shape {
    /// The shape of a harvest of files of these kinds.
    pub fn of(kinds: impl IntoIterator<Item = Kind>) -> Shape {
        let mut shape = Shape::default();
        for kind in kinds {
            match kind {
                Kind::Home => shape.home = true,
                Kind::SectionIntro(section) => shape.intros[section.index()] = true,
                Kind::Item(section) => shape.items[section.index()] += 1,
                Kind::Page => {}
            }
        }
        shape
    }
}

/// A page oogst makes that is not a content file's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Made {
    /// The home page, when there is no `content/_index.md`.
    Home,
    /// List page `n` (from 1) of a section.
    List(Section, usize),
    /// Page `n` (from 1) of the relation matrix: the rows of the recommendations on list
    /// page `n` of their section. The first is at [`Generated::Matrix`]'s URL.
    Matrix(usize),
    /// A page of its own: the search page, the print edition (never the matrix, made in
    /// pages as [`Made::Matrix`]).
    Generated(Generated),
    /// The page for URLs that lead nowhere.
    NotFound,
}

impl Made {
    /// Whether a content file gives this page its text (the first list page of a section
    /// with an `_index.md` shows that intro), so the file may have its URL.
    pub fn shows_content(self, shape: &Shape) -> bool {
        matches!(self, Made::List(section, 1) if shape.intros[section.index()])
    }

    /// What the page is, for messages.
    pub fn describe(self) -> String {
        match self {
            Made::Home => "the home page".to_string(),
            Made::List(section, 1) => format!("the list of {}", section.folder()),
            Made::List(section, n) => format!("page {n} of the list of {}", section.folder()),
            Made::Matrix(1) => Generated::Matrix.describe().to_string(),
            Made::Matrix(n) => format!("page {n} of {}", Generated::Matrix.describe()),
            Made::Generated(page) => page.describe().to_string(),
            Made::NotFound => "the 404 page".to_string(),
        }
    }
}

/// What is encoded in a part of a URL path: all but letters, digits and `-._~`.
const PATH_PART: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The site-relative path of the page for URLs that lead nowhere.
pub const NOT_FOUND: &str = "404.html";

/// The stylesheet, a static file of the theme (published under its hash, see [`AssetNames`]).
pub const STYLESHEET: &str = "style.css";

/// The pages oogst makes that have no source file and no place in a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    /// Its URL name in the site's language.
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

/// The output file of a page at `path`: `conclusies/cop/` → `conclusies/cop/index.html`
/// (a path that names a file already, such as `404.html`, is that file).
pub fn file_of(path: &str) -> String {
    if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{path}index.html")
    }
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

    /// The config of `site.yaml` text that must parse (shared with the submodules' tests).
    pub(super) fn config(text: &str) -> SiteConfig {
        match SiteConfig::parse(text) {
            Ok(config) => config,
            Err(errors) => panic!("{text}: {errors:?}"),
        }
    }

    #[test]
    fn section_names_must_make_urls_of_their_own() {
        let problems = |text: &str| -> Vec<String> {
            check_section_names(&config(text))
                .into_iter()
                .map(|(p, e)| format!("{}: {e}", p.line))
                .collect()
        };
        assert!(problems("title: T\nsections: {themes: onderwerpen}\n").is_empty());
        let found = problems("title: T\nsections:\n  themes: x\n  conclusions: X\n");
        assert_eq!(
            found,
            ["4: the URL name `X` of section `conclusions` makes the URL `/x/` of themes"]
        );
        let found = problems("title: T\nsections: {recommendations: \"!!\"}\n");
        assert!(found[0].contains("has no letters or digits"), "{found:?}");
        let found = problems("title: T\nsections: {themes: zoeken}\n");
        assert!(found[0].contains("a page oogst makes"), "{found:?}");
        let found = problems("title: T\nlanguage: en\nsections: {themes: conclusions}\n");
        assert_eq!(
            found,
            [
                "3: the URL name `conclusions` of section `themes` makes the URL `/conclusions/` of conclusions"
            ]
        );
    }

    #[test]
    fn every_path_follows_the_language_and_the_configured_names() {
        let routes = Routes::new(&config("title: T\nsections: {themes: Onderwerpen}\n"));
        assert_eq!(routes.section(Section::Themes), "onderwerpen/");
        assert_eq!(
            routes.list_page(Section::Conclusions, 2),
            "conclusies/pagina/2/"
        );
        assert_eq!(routes.generated(Generated::PrintEdition), "printversie/");
        assert_eq!(
            routes.content_page(Kind::Item(Section::Recommendations), "x/01-a.md", "a"),
            "aanbevelingen/a/"
        );
        assert_eq!(
            routes.content_page(Kind::Page, "Info Pagina/_index.md", "index"),
            "info-pagina/"
        );
        assert_eq!(
            routes.content_page(Kind::Page, "info/over.md", "over"),
            "info/over/"
        );
        assert_eq!(routes.asset("themes/a.png"), "onderwerpen/a.png");
        assert_eq!(routes.asset("img/a.png"), "img/a.png");
        assert_eq!(routes.edit_url("a.md"), None);
        let editable = Routes::new(&config("title: T\nedit_url: https://x.org/edit/main\n"));
        assert_eq!(
            editable.edit_url("conclusions/01 één.md").as_deref(),
            Some("https://x.org/edit/main/content/conclusions/01%20%C3%A9%C3%A9n.md")
        );
        let english = Routes::new(&config("title: T\nlanguage: en\n"));
        assert_eq!(english.list_page(Section::Themes, 3), "themes/page/3/");
        assert_eq!(english.made(Made::Generated(Generated::Search)), "search/");
        assert_eq!(file_of(&english.made(Made::NotFound)), "404.html");
        assert_eq!(file_of("themes/"), "themes/index.html");
    }

    #[test]
    fn made_pages_follow_the_shape_of_the_harvest() {
        let routes = Routes::new(&config("title: T\n"));
        let shape = Shape::of([
            Kind::SectionIntro(Section::Themes),
            Kind::Item(Section::Themes),
            Kind::Page,
        ]);
        let made = routes.made_pages(&shape);
        assert!(made.contains(&Made::Home) && made.contains(&Made::NotFound));
        for section in Section::ALL {
            assert!(made.contains(&Made::List(section, 1)));
            assert!(!made.contains(&Made::List(section, 2)));
        }
        assert!(Made::List(Section::Themes, 1).shows_content(&shape));
        assert!(!Made::List(Section::Conclusions, 1).shows_content(&shape));
        let big = Shape {
            items: [0, LIST_PAGE_SIZE + 1, 0],
            home: true,
            ..Shape::default()
        };
        let made = routes.made_pages(&big);
        assert!(made.contains(&Made::List(Section::Conclusions, 2)) && !made.contains(&Made::Home));
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
