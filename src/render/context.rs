//! What templates see: plain views of the harvest, one shape per page kind.

use serde::Serialize;

use crate::config::Language;
use crate::content::Kind;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::content::markdown::{Heading, Rendered, relocate};
use crate::harvest::{Harvest, Item, ItemId};
use crate::url::{Generated, Section, published};

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
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
}

/// A view made into a template value once per render and shared by every page that shows
/// it: putting it into a template context copies nothing.
#[derive(Debug, Clone)]
pub struct Shared(tera::Value);

impl Shared {
    fn of<T: Serialize>(view: &T) -> Shared {
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

/// A related item where only its name is shown: [`MentionFields`].
pub type Mention = Shared;

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
}

/// A page's body as HTML, shared with the harvest rather than copied: templates see a string.
#[derive(Debug, Clone, Default)]
pub struct Body(Option<Arc<Rendered>>);

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_ref().map_or("", |body| body.html.as_str()))
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
    /// The year of the item's `date`, else `extra.year` of `site.yaml`, else none.
    pub year: Option<String>,
    /// The item's title, after its kind and number where it has one.
    pub title: String,
    pub site: String,
    /// The absolute URL when `base_url` has a host, else the path.
    pub url: String,
}

/// One row of the relation matrix: a recommendation and what it answers.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub recommendation: ItemRef,
    pub conclusions: Vec<ItemRef>,
    pub themes: Vec<ItemRef>,
    /// For each conclusion of the site, in order: does this recommendation answer it?
    pub conclusion_marks: Vec<bool>,
    pub theme_marks: Vec<bool>,
}

/// The relation matrix: a grid when it is small enough to read, else a list of relations.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub dense: bool,
    pub conclusions: Vec<ItemRef>,
    pub themes: Vec<ItemRef>,
    pub rows: Vec<MatrixRow>,
}

/// A part of the print edition: the introduction, a section with its items, the pages.
/// Bodies are not in the view: templates fetch them with `print_body(id=...)`, so the
/// whole harvest is never held twice.
#[derive(Debug, Clone, Serialize)]
pub struct PrintPart {
    pub id: String,
    pub title: String,
    /// Whether `print_body(id=part.id)` has an introduction to give.
    pub has_content: bool,
    pub items: Vec<PrintItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrintItem {
    pub id: String,
    #[serde(flatten)]
    pub item: ItemRef,
    pub themes: Vec<Mention>,
    pub conclusions: Vec<Mention>,
    pub recommendations: Vec<Mention>,
}

/// What templates see of a [`Mention`].
#[derive(Serialize)]
struct MentionFields<'a> {
    kind: &'static str,
    number: Option<u32>,
    slug: &'a str,
    title: &'a str,
    url: String,
}

/// The print edition: its parts for the template, its bodies for `print_body`.
#[derive(Debug, Default)]
pub struct PrintEdition {
    pub parts: Vec<PrintPart>,
    pub bodies: PrintBodies,
}

/// The bodies of the print edition by their id on the page, with the heading levels to
/// move them down by.
#[derive(Debug, Default)]
pub struct PrintBodies(rustc_hash::FxHashMap<String, (Arc<Rendered>, u8)>);

impl PrintBodies {
    /// A hash of what the bodies come from, for knowing when the print edition changed.
    pub fn key(&self) -> u64 {
        let mut entries: Vec<_> = self
            .0
            .iter()
            .map(|(id, (body, demote))| (id, body.source_key, demote))
            .collect();
        entries.sort();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&entries, &mut hasher);
        std::hash::Hasher::finish(&hasher)
    }

    /// The body with `id`, its ids prefixed and its headings set below the page's own.
    pub fn html(&self, id: &str) -> Option<String> {
        let (body, demote) = self.0.get(id)?;
        Some(relocate(&body.html, &format!("{id}-"), *demote))
    }
}

/// The home page's view of the harvest: the first items of each section, and the counts.
pub struct Glance {
    pub lists: Vec<(Section, Vec<ItemRef>)>,
    pub totals: HashMap<&'static str, usize>,
}

/// Links to the list pages of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageNumber>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// Items of each section on the home page; the rest are a link away.
pub const GLANCE_LIMIT: usize = 12;

/// Grids wider than this many conclusions become lists: a page must not grow with the square.
const DENSE_MATRIX_LIMIT: usize = 40;

/// Builds views of one harvest.
pub struct Views<'h> {
    pub harvest: &'h Harvest,
    strings: &'h serde_json::Map<String, serde_json::Value>,
    /// Each item's [`ItemRef`] and [`Mention`], made when first asked for.
    refs: Vec<OnceLock<ItemRef>>,
    mentions: Vec<OnceLock<Mention>>,
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
            refs: (0..harvest.items.len()).map(|_| OnceLock::new()).collect(),
            mentions: (0..harvest.items.len()).map(|_| OnceLock::new()).collect(),
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
        self.strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
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
            home_url: self.harvest.urls.link(""),
            extra: serde_json::to_value(&c.extra).unwrap_or_default(),
        }
    }

    pub fn nav(&self) -> Nav {
        let h = self.harvest;
        let section = |s: Section| Link {
            title: self.section_title(s),
            url: h.urls.link(&self.section_path(s)),
        };
        let language = h.config.language;
        Nav {
            home: h.urls.link(""),
            themes: section(Section::Themes),
            conclusions: section(Section::Conclusions),
            recommendations: section(Section::Recommendations),
            matrix: Link {
                title: self.text("matrix"),
                url: h.urls.link(&Generated::Matrix.path(language)),
            },
            print: Link {
                title: self.text("print_edition"),
                url: h.urls.link(&Generated::PrintEdition.path(language)),
            },
            search: Link {
                title: self.text("search"),
                url: h.urls.link(&Generated::Search.path(language)),
            },
            pages: h.pages.iter().map(|&id| self.link_to(id)).collect(),
            stylesheet: h.urls.link("style.css"),
            search_script: h.urls.link(published::SEARCH_SCRIPT),
            search_index: h.urls.link(published::SEARCH_MANIFEST),
            feed: h.urls.link(published::FEED),
            open_data: h.urls.link(published::OPEN_DATA),
        }
    }

    pub fn section_title(&self, section: Section) -> String {
        match self.harvest.intros.get(&section) {
            Some(&id) => self.harvest.items[id].title.clone(),
            None => self.text(section.folder()),
        }
    }

    pub fn section_path(&self, section: Section) -> String {
        section.path(&self.harvest.config)
    }

    fn link_to(&self, id: ItemId) -> Link {
        let item = &self.harvest.items[id];
        Link {
            title: item.title.clone(),
            url: self.harvest.urls.link(&item.path),
        }
    }

    pub fn item_ref(&self, id: ItemId) -> ItemRef {
        let made = self.refs[id].get_or_init(|| {
            let item = &self.harvest.items[id];
            Shared::of(&ItemRefFields {
                kind: kind_name(item.kind),
                number: item.number,
                slug: &item.slug,
                title: &item.title,
                summary: &item.summary,
                url: self.harvest.urls.link(&item.path),
                n_themes: item.relations.themes.len(),
                n_conclusions: item.relations.conclusions.len(),
                n_recommendations: item.relations.recommendations.len(),
            })
        });
        made.clone()
    }

    fn refs(&self, ids: &[ItemId]) -> Vec<ItemRef> {
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
        view.extra = item.extra.clone();
        view.themes = self.refs(&item.relations.themes);
        view.conclusions = self.refs(&item.relations.conclusions);
        view.recommendations = self.refs(&item.relations.recommendations);
        if let Kind::Item(section) = item.kind {
            let list = h.section(section);
            if let Some(at) = self.places[id] {
                view.prev = at.checked_sub(1).map(|p| self.item_ref(list[p]));
                view.next = list.get(at + 1).map(|&n| self.item_ref(n));
            }
            let section_link = Link {
                title: self.section_title(section),
                url: h.urls.link(&self.section_path(section)),
            };
            view.section_url = Some(section_link.url.clone());
            view.breadcrumbs.push(section_link);
            view.cite = Some(self.citation(item));
        }
        if item.kind != Kind::Home {
            view.breadcrumbs.push(Link {
                title: item.title.clone(),
                url: view.url.clone(),
            });
        }
        view
    }

    /// A page view with only its kind, title and place filled in (for generated pages).
    pub fn bare_page(&self, kind: &'static str, title: &str, path: &str) -> PageView {
        let h = self.harvest;
        let home = Link {
            title: self.text("home"),
            url: h.urls.link(""),
        };
        PageView {
            kind,
            slug: String::new(),
            number: None,
            title: title.to_string(),
            summary: String::new(),
            url: h.urls.link(path),
            permalink: h.urls.permalink(path),
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
        }
    }

    fn citation(&self, item: &Item) -> Citation {
        let c = &self.harvest.config;
        let year = item
            .date
            .map(|d| d.year.to_string())
            .or_else(|| match c.extra.get("year") {
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                    Some(s.trim().to_string())
                }
                _ => None,
            });
        let title = match (item.kind, item.number) {
            (Kind::Item(Section::Conclusions | Section::Recommendations), Some(n)) => {
                format!("{} {n}: {}", self.text(kind_name(item.kind)), item.title)
            }
            _ => item.title.clone(),
        };
        Citation {
            author: c
                .organisation
                .clone()
                .or_else(|| c.author.clone())
                .unwrap_or_else(|| c.title.clone()),
            year,
            title,
            site: c.title.clone(),
            url: self.harvest.urls.public(&item.path),
        }
    }

    /// How many list pages a section has.
    pub fn section_pages(&self, section: Section) -> usize {
        crate::url::list_pages(self.harvest.section(section).len())
    }

    /// The site-relative path of list page `number` (from 1) of a section.
    pub fn section_page_path(&self, section: Section, number: usize) -> String {
        section.list_page_path(&self.harvest.config, number)
    }

    /// List page `number` (from 1) of a section: its intro (on the first page, if the site
    /// has one), its items, and the links to the other list pages.
    pub fn section_page(
        &self,
        section: Section,
        number: usize,
    ) -> (PageView, Vec<ItemRef>, Pagination) {
        let h = self.harvest;
        let path = self.section_path(section);
        let mut view = match h.intros.get(&section) {
            Some(&id) => self.page(id),
            None => {
                let mut view = self.bare_page("section", &self.section_title(section), &path);
                let title = view.title.clone();
                view.breadcrumbs.push(Link {
                    title,
                    url: view.url.clone(),
                });
                view
            }
        };
        view.kind = "section";
        view.slug = section.folder().to_string();
        view.section_url = Some(view.url.clone());
        let total = self.section_pages(section);
        let link = |n: usize| h.urls.link(&self.section_page_path(section, n));
        if number > 1 {
            view.content = Body::default();
            view.toc = Toc::default();
            view.url = link(number);
            view.permalink = h.urls.permalink(&self.section_page_path(section, number));
        }
        let pagination = Pagination {
            current: number,
            total,
            prev: (number > 1).then(|| link(number - 1)),
            next: (number < total).then(|| link(number + 1)),
            pages: (1..=total)
                .map(|n| PageNumber {
                    number: n,
                    url: link(n),
                    current: n == number,
                })
                .collect(),
        };
        let items = h
            .section(section)
            .iter()
            .skip((number - 1) * crate::url::LIST_PAGE_SIZE)
            .take(crate::url::LIST_PAGE_SIZE);
        let refs = items.map(|&id| self.item_ref(id)).collect();
        (view, refs, pagination)
    }

    /// The first items of each section for the home page, and how many there are in all.
    pub fn glance(&self) -> Glance {
        let h = self.harvest;
        let lists = Section::ALL
            .map(|s| {
                (
                    s,
                    h.section(s)
                        .iter()
                        .take(GLANCE_LIMIT)
                        .map(|&id| self.item_ref(id))
                        .collect(),
                )
            })
            .to_vec();
        let totals = Section::ALL
            .map(|s| (s.folder(), h.section(s).len()))
            .into_iter()
            .collect();
        Glance { lists, totals }
    }

    pub fn matrix(&self) -> Matrix {
        let h = self.harvest;
        let conclusions = h.section(Section::Conclusions);
        let themes = h.section(Section::Themes);
        let dense = conclusions.len() <= DENSE_MATRIX_LIMIT;
        let rows = h
            .section(Section::Recommendations)
            .iter()
            .map(|&id| {
                let r = &h.items[id].relations;
                let marks = |all: &[ItemId], mine: &[ItemId]| -> Vec<bool> {
                    if dense {
                        all.iter().map(|c| mine.contains(c)).collect()
                    } else {
                        Vec::new()
                    }
                };
                MatrixRow {
                    recommendation: self.item_ref(id),
                    conclusions: self.refs(&r.conclusions),
                    themes: self.refs(&r.themes),
                    conclusion_marks: marks(conclusions, &r.conclusions),
                    theme_marks: marks(themes, &r.themes),
                }
            })
            .collect();
        Matrix {
            dense,
            conclusions: if dense {
                self.refs(conclusions)
            } else {
                Vec::new()
            },
            themes: if dense { self.refs(themes) } else { Vec::new() },
            rows,
        }
    }

    /// The whole harvest in reading order, and the bodies it shows.
    pub fn print_edition(&self) -> PrintEdition {
        let h = self.harvest;
        let mut parts = Vec::new();
        let mut bodies = PrintBodies::default();
        if let Some(home) = h.home {
            bodies
                .0
                .insert("intro".into(), (h.items[home].body.clone(), 1));
            parts.push(PrintPart {
                id: "intro".into(),
                title: h.items[home].title.clone(),
                has_content: true,
                items: Vec::new(),
            });
        }
        for section in Section::ALL {
            let id = section.folder().to_string();
            if let Some(&intro) = h.intros.get(&section) {
                bodies
                    .0
                    .insert(id.clone(), (h.items[intro].body.clone(), 1));
            }
            parts.push(PrintPart {
                has_content: h.intros.contains_key(&section),
                title: self.section_title(section),
                items: h
                    .section(section)
                    .iter()
                    .map(|&item| self.print_item(item, &mut bodies))
                    .collect(),
                id,
            });
        }
        if !h.pages.is_empty() {
            parts.push(PrintPart {
                id: "pages".into(),
                title: self.text("pages"),
                has_content: false,
                items: h
                    .pages
                    .iter()
                    .map(|&item| self.print_item(item, &mut bodies))
                    .collect(),
            });
        }
        PrintEdition { parts, bodies }
    }

    fn print_item(&self, id: ItemId, bodies: &mut PrintBodies) -> PrintItem {
        let item: &Item = &self.harvest.items[id];
        let anchor = print_anchor(item);
        bodies.0.insert(anchor.clone(), (item.body.clone(), 2));
        PrintItem {
            id: anchor,
            item: self.item_ref(id),
            themes: self.mentions(&item.relations.themes),
            conclusions: self.mentions(&item.relations.conclusions),
            recommendations: self.mentions(&item.relations.recommendations),
        }
    }

    fn mentions(&self, ids: &[ItemId]) -> Vec<Mention> {
        let mention = |id: ItemId| {
            let item = &self.harvest.items[id];
            Shared::of(&MentionFields {
                kind: kind_name(item.kind),
                number: item.number,
                slug: &item.slug,
                title: &item.title,
                url: self.harvest.urls.link(&item.path),
            })
        };
        ids.iter()
            .map(|&id| self.mentions[id].get_or_init(|| mention(id)).clone())
            .collect()
    }
}

/// The id of an item in the print edition: `conclusions-3`, `themes-leren`.
fn print_anchor(item: &Item) -> String {
    let folder = match item.kind {
        Kind::Item(s) => s.folder(),
        _ => "page",
    };
    match (item.kind, item.number) {
        (Kind::Item(Section::Conclusions | Section::Recommendations), Some(n)) => {
            format!("{folder}-{n}")
        }
        _ => format!("{folder}-{}", item.slug),
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
