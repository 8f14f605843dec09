//! What templates see: plain views of the harvest, one shape per page kind.

use serde::Serialize;

use crate::config::Language;
use crate::content::Kind;
use std::sync::Arc;

use super::kept::Kept;
use crate::content::Section;
use crate::content::markdown::{Heading, Rendered};
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::{Generated, Made, published};

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    /// The language of its text where it is not the page's: an item's title not translated yet.
    pub lang: Option<&'static str>,
}

/// The site, for every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub organisation: Option<String>,
    pub language: &'static str,
    /// The language as Open Graph wants it: `nl_NL`, `en_GB`.
    pub locale: &'static str,
    pub base_url: String,
    /// The link to the home page (the base path).
    pub home_url: String,
    pub extra: serde_json::Value,
    pub brand: BrandView,
}

/// The organisation's look from `brand:` in `site.yaml`, each part none when not given.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BrandView {
    /// The accent in light mode and in print (`#154273`), and in dark mode (given, or a
    /// shade of the same hue that passes on the dark background).
    pub accent: Option<String>,
    pub accent_dark: Option<String>,
    /// A CSS font stack, checked to hold nothing that ends a declaration.
    pub font: Option<String>,
    /// The URL of the logo, and its text alternative (`logo_alt`, else the site's title).
    pub logo: Option<String>,
    pub logo_alt: String,
}

/// Links every page needs: sections, generated pages, standalone pages, assets.
#[derive(Debug, Clone, Serialize)]
pub struct Nav {
    pub home: String,
    pub themes: Link,
    pub conclusions: Link,
    pub recommendations: Link,
    pub matrix: Link,
    pub print: Link,
    /// The search page.
    pub search: Link,
    pub pages: Vec<Link>,
    pub stylesheet: String,
    /// The search script and the search index's manifest it reads.
    pub search_script: String,
    pub search_index: String,
    /// The Atom feed and `harvest.json`.
    pub feed: String,
    pub open_data: String,
    /// The PDF edition, once there is one.
    pub pdf: Option<PdfLink>,
}

/// The link to the PDF edition, with its size as a reader sees it (`245 kB`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PdfLink {
    pub title: String,
    pub url: String,
    /// Unknown while the preview server is still making it.
    pub size: Option<String>,
    /// For an edition in parts, how many: the link leads to the print edition's index,
    /// which lists their files.
    pub parts: Option<usize>,
}

/// A view made into a template value once per render and shared by every page that shows
/// it: putting it into a template context copies nothing.
#[derive(Debug, Clone)]
pub struct Shared(tera::Value);

impl Shared {
    pub(super) fn of<T: Serialize>(view: &T) -> Shared {
        Shared(tera::Value::from_serializable(view))
    }
}

impl Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Into a template context, Tera takes its own value over as it is.
        self.0.serialize(serializer)
    }
}

/// An item as it appears in lists and relations: [`ItemRefFields`].
pub type ItemRef = Shared;

/// What templates see of an [`ItemRef`].
#[derive(Serialize)]
struct ItemRefFields<'a> {
    /// `theme`, `conclusion`, `recommendation`, `page`, `section` or `home`.
    kind: &'static str,
    number: Option<u32>,
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: String,
    n_themes: usize,
    n_conclusions: usize,
    n_recommendations: usize,
    /// The picture of its `image:` key, shown as decoration beside its title.
    image: Option<ImageView>,
    /// The language of its title and summary where it is not the page's.
    lang: Option<&'static str>,
}

/// A picture as templates show it: in a card, or as the page's picture for sharing.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    /// The smallest size, for a card.
    pub small: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
    /// The absolute URL when `base_url` has a host, else the link.
    pub url: String,
    /// What it shows, for sharing (`og:image:alt`); a card shows it as decoration.
    pub alt: String,
}

impl ImageView {
    fn of(item: &Item, urls: &crate::routes::UrlMaker) -> Option<ImageView> {
        let figure = item.image.as_ref()?;
        Some(ImageView {
            alt: item.image_alt.clone(),
            src: figure.src.clone(),
            small: figure.small.clone(),
            srcset: figure.srcset.clone(),
            width: figure.width,
            height: figure.height,
            url: urls
                .permalink(&figure.path)
                .unwrap_or_else(|| figure.src.clone()),
        })
    }
}

/// The page being rendered.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub kind: &'static str,
    pub slug: String,
    pub number: Option<u32>,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub permalink: Option<String>,
    pub content: Body,
    pub toc: Toc,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub tags: Vec<String>,
    pub extra: serde_json::Value,
    pub themes: Vec<ItemRef>,
    pub conclusions: Vec<ItemRef>,
    pub recommendations: Vec<ItemRef>,
    pub prev: Option<ItemRef>,
    pub next: Option<ItemRef>,
    pub breadcrumbs: Vec<Link>,
    /// The section list this page belongs to (for items), to mark it in the navigation.
    pub section_url: Option<String>,
    /// How to cite a harvest item.
    pub cite: Option<Citation>,
    /// The picture of its `image:` key.
    pub image: Option<ImageView>,
    /// Where its source file is edited, when `site.yaml` has an `edit_url`.
    pub edit_url: Option<String>,
    /// The language of its text where it is not the page's: an item not translated yet.
    pub lang: Option<&'static str>,
}

/// A page's body as HTML, shared with the harvest rather than copied: templates see a string.
#[derive(Debug, Clone, Default)]
pub struct Body(Option<Arc<Rendered>>);

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(body) => serializer.serialize_str(&body.html_text()),
            None => serializer.serialize_str(""),
        }
    }
}

/// A page's headings for its table of contents, the first [`TOC_LIMIT`], shared with the
/// harvest like [`Body`].
#[derive(Debug, Clone, Default)]
pub struct Toc(Option<Arc<Rendered>>);

/// A table of contents longer than this helps no reader, and costs memory with every entry.
pub const TOC_LIMIT: usize = 250;

impl Serialize for Toc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let headings: &[Heading] = self.0.as_ref().map_or(&[], |body| &body.headings);
        serializer.collect_seq(headings.iter().take(TOC_LIMIT))
    }
}

/// What a reference to a harvest item needs: `Organisation (2026). Conclusie 3: Title.
/// Site title. URL`.
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    /// The organisation of `site.yaml`, else its author, else the site's title.
    pub author: String,
    /// The year of the item's date (its `date:`, else its file's).
    pub year: Option<String>,
    /// Its kind and number, where it has one: `Conclusion 3`.
    pub label: Option<String>,
    /// The item's title.
    pub title: String,
    /// The language of its title where it is not the page's.
    pub lang: Option<&'static str>,
    pub site: String,
    /// The absolute URL when `base_url` has a host, else the path.
    pub url: String,
}

/// How many items' [`ItemRef`]s (about 1.2 KB each) a [`Views`] keeps; beyond, a ref is
/// made each time it is shown (100,000 items: 2-4% more processor time, about 15 MiB
/// lower peak).
const KEPT_REFS: usize = 20_000;

/// Builds views of one harvest.
pub struct Views<'h> {
    pub harvest: &'h Harvest,
    pub strings: &'h serde_json::Map<String, serde_json::Value>,
    /// Each item's [`ItemRef`], made when first asked for; kept for [`KEPT_REFS`] items.
    refs: Kept<ItemRef>,
    /// Each item's place in its section's reading order (for its previous and next).
    places: Vec<Option<usize>>,
}

impl<'h> Views<'h> {
    pub fn new(
        harvest: &'h Harvest,
        strings: &'h serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        Views {
            harvest,
            strings,
            refs: Kept::new(harvest.items.len(), KEPT_REFS),
            places: {
                let mut places = vec![None; harvest.items.len()];
                for section in Section::ALL {
                    for (at, &id) in harvest.section(section).iter().enumerate() {
                        places[id] = Some(at);
                    }
                }
                places
            },
        }
    }

    /// The UI string `key` of the site's language (the key itself if the theme lacks it).
    pub(crate) fn text(&self, key: &str) -> String {
        crate::harvest::text(self.strings, key)
    }

    pub fn site(&self) -> SiteView {
        let c = &self.harvest.config;
        SiteView {
            title: c.title.clone(),
            subtitle: c.subtitle.clone(),
            description: c.description.clone(),
            author: c.author.clone(),
            organisation: c.organisation.clone(),
            language: c.language.code(),
            locale: match c.language {
                Language::Nl => "nl_NL",
                Language::En => "en_GB",
            },
            base_url: c.base_url.clone(),
            home_url: (self.harvest.routes.urls).link(&self.harvest.routes.made(Made::Home)),
            extra: serde_json::to_value(&c.extra).unwrap_or_default(),
            brand: self.brand(),
        }
    }

    fn brand(&self) -> BrandView {
        let (brand, routes) = (&self.harvest.config.brand, &self.harvest.routes);
        BrandView {
            accent: brand.palette.map(|p| p.light.to_string()),
            accent_dark: brand.palette.map(|p| p.dark.to_string()),
            font: brand.font.as_ref().map(|f| f.trim().to_string()),
            logo: routes.assets.logo().map(|path| routes.urls.link(path)),
            logo_alt: (brand.logo_alt.as_ref()).map_or_else(
                || self.harvest.config.title.clone(),
                |alt| alt.trim().to_string(),
            ),
        }
    }

    pub fn nav(&self) -> Nav {
        let h = self.harvest;
        let section = |s: Section| Link {
            title: self.section_title(s),
            url: h.routes.urls.link(&self.section_path(s)),
            lang: self.section_lang(s),
        };
        let routes = &h.routes;
        Nav {
            home: h.routes.urls.link(&h.routes.made(Made::Home)),
            themes: section(Section::Themes),
            conclusions: section(Section::Conclusions),
            recommendations: section(Section::Recommendations),
            matrix: Link {
                title: self.text("matrix"),
                url: h.routes.urls.link(&routes.generated(Generated::Matrix)),
                lang: None,
            },
            print: Link {
                title: self.text("print_edition"),
                url: h
                    .routes
                    .urls
                    .link(&routes.generated(Generated::PrintEdition)),
                lang: None,
            },
            search: Link {
                title: self.text("search"),
                url: h.routes.urls.link(&routes.generated(Generated::Search)),
                lang: None,
            },
            pages: h.pages.iter().map(|&id| self.link_to(id)).collect(),
            stylesheet: routes
                .urls
                .link(&routes.assets.path(crate::routes::STYLESHEET)),
            search_script: routes
                .urls
                .link(&routes.assets.path(published::SEARCH_SCRIPT)),
            search_index: (h.routes.urls).link(&h.routes.per_language(published::SEARCH_MANIFEST)),
            feed: h.routes.urls.link(&h.routes.per_language(published::FEED)),
            open_data: h.routes.urls.link(published::OPEN_DATA),
            pdf: None,
        }
    }

    /// The link to the PDF edition of `bytes` bytes.
    pub fn pdf_link(&self, bytes: Option<usize>) -> PdfLink {
        let h = self.harvest;
        self.pdf_file_link(self.text("pdf_download"), h.routes.pdf(), bytes)
    }

    /// The link to a file of the PDF edition at `path`, of `bytes` bytes.
    pub fn pdf_file_link(&self, title: String, path: &str, bytes: Option<usize>) -> PdfLink {
        let h = self.harvest;
        PdfLink {
            title,
            url: h.routes.urls.link(path),
            size: bytes.map(|b| file_size(b, h.config.language)),
            parts: None,
        }
    }

    /// The link to a PDF edition in `parts` parts: the print edition's index, which lists
    /// their files.
    pub fn pdf_parts_link(&self, parts: usize) -> PdfLink {
        let h = self.harvest;
        let index = h.routes.generated(Generated::PrintEdition);
        PdfLink {
            title: self.text("pdf_parts").replace("{n}", &parts.to_string()),
            url: h.routes.urls.link(&index),
            size: None,
            parts: Some(parts),
        }
    }

    pub fn section_title(&self, section: Section) -> String {
        self.harvest.section_title(section, self.strings)
    }

    /// The language of a section's title and introduction where it is not the page's.
    pub fn section_lang(&self, section: Section) -> Option<&'static str> {
        let &id = self.harvest.intros.get(&section)?;
        super::languages::text_language(self.harvest, &self.harvest.items[id])
    }

    pub fn section_path(&self, section: Section) -> String {
        self.harvest.routes.section(section)
    }

    fn link_to(&self, id: ItemId) -> Link {
        let item = &self.harvest.items[id];
        Link {
            title: item.title.clone(),
            url: self.harvest.routes.urls.link(&item.path),
            lang: super::languages::text_language(self.harvest, item),
        }
    }

    pub fn item_ref(&self, id: ItemId) -> ItemRef {
        super::affected::shown(id);
        let make = || {
            let item = &self.harvest.items[id];
            let relations = &self.harvest.relations[id];
            Shared::of(&ItemRefFields {
                kind: kind_name(item.kind),
                number: item.number,
                slug: &item.slug,
                title: &item.title,
                summary: &item.summary,
                url: self.harvest.routes.urls.link(&item.path),
                n_themes: relations.themes.len(),
                n_conclusions: relations.conclusions.len(),
                n_recommendations: relations.recommendations.len(),
                image: ImageView::of(item, &self.harvest.routes.urls),
                lang: super::languages::text_language(self.harvest, item),
            })
        };
        self.refs.get(id, make)
    }

    /// Gives back the [`ItemRef`]s made so far, once the pages that show them are made;
    /// one asked for after this is made each time.
    pub fn forget_refs(&mut self) {
        self.refs.forget();
    }

    pub(super) fn refs(&self, ids: &[ItemId]) -> Vec<ItemRef> {
        ids.iter().map(|&id| self.item_ref(id)).collect()
    }

    /// The view of an item's own page.
    pub fn page(&self, id: ItemId) -> PageView {
        let h = self.harvest;
        let item = &h.items[id];
        let mut view = self.bare_page(kind_name(item.kind), &item.title, &item.path);
        view.slug = item.slug.clone();
        view.number = item.number;
        view.summary = item.summary.clone();
        view.content = Body(Some(item.body.clone()));
        view.toc = Toc(Some(item.body.clone()));
        view.date = item.date.map(|d| d.to_string());
        view.date_display = item
            .date
            .map(|d| format_date(d, h.config.language, self.strings));
        view.tags = item.tags.clone();
        view.image = ImageView::of(item, &h.routes.urls);
        view.extra = item.extra.clone();
        view.edit_url = h.routes.edit_url(&super::languages::text_file(h, item));
        view.lang = super::languages::text_language(h, item);
        let relations = &h.relations[id];
        view.themes = self.refs(&relations.themes);
        view.conclusions = self.refs(&relations.conclusions);
        view.recommendations = self.refs(&relations.recommendations);
        if let Kind::Item(section) = item.kind {
            let list = h.section(section);
            if let Some(at) = self.places[id] {
                view.prev = at.checked_sub(1).map(|p| self.item_ref(list[p]));
                view.next = list.get(at + 1).map(|&n| self.item_ref(n));
            }
            let section_link = Link {
                title: self.section_title(section),
                url: h.routes.urls.link(&self.section_path(section)),
                lang: self.section_lang(section),
            };
            view.section_url = Some(section_link.url.clone());
            view.breadcrumbs.push(section_link);
            view.cite = Some(self.citation(item));
        }
        if item.kind != Kind::Home {
            view.breadcrumbs.push(Link {
                title: item.title.clone(),
                url: view.url.clone(),
                lang: view.lang,
            });
        }
        view
    }

    /// A page view with only its kind, title and place filled in (for generated pages).
    pub fn bare_page(&self, kind: &'static str, title: &str, path: &str) -> PageView {
        let h = self.harvest;
        let home = Link {
            title: self.text("home"),
            url: h.routes.urls.link(&h.routes.made(Made::Home)),
            lang: None,
        };
        PageView {
            kind,
            slug: String::new(),
            number: None,
            title: title.to_string(),
            summary: String::new(),
            url: h.routes.urls.link(path),
            permalink: h.routes.urls.permalink(path),
            content: Body::default(),
            toc: Toc::default(),
            date: None,
            date_display: None,
            tags: Vec::new(),
            extra: serde_json::Value::Null,
            themes: Vec::new(),
            conclusions: Vec::new(),
            recommendations: Vec::new(),
            prev: None,
            next: None,
            breadcrumbs: vec![home],
            section_url: None,
            cite: None,
            image: None,
            edit_url: None,
            lang: None,
        }
    }

    fn citation(&self, item: &Item) -> Citation {
        let c = &self.harvest.config;
        let year = item.date.map(|d| d.year.to_string());
        let label = match (item.kind, item.number) {
            (Kind::Item(Section::Conclusions | Section::Recommendations), Some(n)) => {
                Some(format!("{} {n}", self.text(kind_name(item.kind))))
            }
            _ => None,
        };
        Citation {
            author: c
                .organisation
                .clone()
                .or_else(|| c.author.clone())
                .unwrap_or_else(|| c.title.clone()),
            year,
            label,
            title: item.title.clone(),
            lang: super::languages::text_language(self.harvest, item),
            site: c.title.clone(),
            url: self.harvest.routes.urls.public(&item.path),
        }
    }
}

pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Home => "home",
        Kind::SectionIntro(_) => "section",
        Kind::Item(Section::Themes) => "theme",
        Kind::Item(Section::Conclusions) => "conclusion",
        Kind::Item(Section::Recommendations) => "recommendation",
        Kind::Page => "page",
    }
}

/// `2026-03-05` → `5 maart 2026` (month names from the theme's UI strings).
fn format_date(
    date: crate::content::Date,
    language: Language,
    strings: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let month = strings
        .get("months")
        .and_then(|m| m.as_array())
        .and_then(|m| m.get(usize::from(date.month) - 1))
        .and_then(|m| m.as_str());
    match (month, language) {
        (Some(name), _) => format!("{} {name} {}", date.day, date.year),
        (None, _) => date.to_string(),
    }
}

/// A file size as readers write it: `245 kB`, `1,2 MB` (with the language's decimal mark).
pub fn file_size(bytes: usize, language: Language) -> String {
    if bytes < 1_000_000 {
        return format!("{} kB", bytes.div_ceil(1000).max(1));
    }
    let tenths = bytes.div_ceil(100_000);
    let mark = match language {
        Language::Nl => ',',
        Language::En => '.',
    };
    format!("{}{mark}{} MB", tenths / 10, tenths % 10)
}
