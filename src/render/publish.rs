//! What a site gives outsiders besides its pages: an Atom feed, a sitemap, `robots.txt` and
//! `harvest.json`, the whole harvest as open data. The feed, the sitemap and `robots.txt`
//! are templates of the theme (named after their file); this module gives them their data.
//!
//! URLs in these files are absolute when `base_url` names a host. When it is only a path, the
//! files use paths from the host's root and say so in a comment: feed readers and search
//! engines need absolute URLs, so a site that is published should set `base_url` in full.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize, Serializer};

use super::context::{Views, kind_name};
use super::jobs::Job;
use crate::content::Section;
use crate::content::{Date, Kind};
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::{Generated, Made, published};

/// The newest this many items are in the feed.
pub const FEED_LIMIT: usize = 100;

/// The templates of the feed, the sitemap and `robots.txt`, named after the files they make.
pub const TEMPLATES: [&str; 3] = [published::FEED, published::SITEMAP, published::ROBOTS];

/// What the feed and `robots.txt` templates see besides `site`, `nav` and `t`: `has_host`
/// (whether `base_url` names a host), `sitemap_url`, and `feed` (see [`sitemaps`] for the
/// sitemap's).
pub fn context(views: &Views<'_>, template: &str) -> tera::Context {
    let h = views.harvest;
    let mut context = tera::Context::new();
    context.insert("has_host", &h.routes.urls.has_host());
    context.insert("sitemap_url", &h.routes.urls.public(published::SITEMAP));
    if template == published::FEED {
        context.insert("feed", &feed(views));
    }
    context
}

/// The most URLs one sitemap file holds: the sitemap protocol's limit.
pub const SITEMAP_URLS: usize = 50_000;

/// What the sitemap template sees for each file of the sitemap, with the file's path: one
/// `sitemap.xml` while the site has at most [`SITEMAP_URLS`] pages, else `sitemap-1.xml`,
/// `sitemap-2.xml`, … (which [`sitemap_index`] lists in `sitemap.xml`). Each file's
/// context is made as it is asked for, so a large site holds one file's at a time.
pub fn sitemaps<'v>(
    views: &'v Views<'_>,
) -> impl ExactSizeIterator<Item = (String, tera::Context)> + 'v {
    let Sitemap { urls, languages } = sitemap(views);
    let files = split_sitemap(urls, SITEMAP_URLS);
    let one = files.len() == 1;
    (files.into_iter().enumerate()).map(move |(n, urls)| {
        let mut context = context(views, published::SITEMAP);
        context.insert("sitemap", &Sitemap { urls, languages });
        let path = match one {
            true => published::SITEMAP.to_string(),
            false => sitemap_part(n + 1),
        };
        (path, context)
    })
}

/// The path of file `n` (from 1) of a sitemap in several files.
fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// `urls` in files of at most `most` each; one file, empty or not, when they fit in it.
fn split_sitemap<T>(urls: Vec<T>, most: usize) -> Vec<Vec<T>> {
    if urls.len() <= most {
        return vec![urls];
    }
    let mut files = Vec::with_capacity(urls.len().div_ceil(most));
    let mut urls = urls.into_iter().peekable();
    while urls.peek().is_some() {
        files.push(urls.by_ref().take(most).collect());
    }
    files
}

/// `sitemap.xml` as the index of the sitemap's `files` (sitemaps.org 0.9).
pub fn sitemap_index(views: &Views<'_>, files: usize) -> Vec<u8> {
    let urls = &views.harvest.routes.urls;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=files {
        let loc = escape(&urls.public(&sitemap_part(n)));
        xml.push_str(&format!("  <sitemap><loc>{loc}</loc></sitemap>\n"));
    }
    xml.push_str("</sitemapindex>\n");
    xml.into_bytes()
}

/// Registers the `xml` filter: text made safe for XML content and attribute values, and
/// marked safe so autoescape does not escape it again.
pub fn register_xml_filter(tera: &mut tera::Tera) {
    tera.register_filter("xml", |text: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&escape(text))
    });
}
/// Writes `harvest.json` (an [`OpenHarvest`]) item by item, holding none of it whole.
pub fn write_open_data(harvest: &Harvest, out: impl Write) -> serde_json::Result<()> {
    let c = &harvest.config;
    let urls = &harvest.routes.urls;
    let open = OpenHarvestOut {
        format: OPEN_DATA_FORMAT,
        version: OPEN_DATA_VERSION,
        site: OpenSite {
            title: c.title.clone(),
            subtitle: c.subtitle.clone(),
            description: c.description.clone(),
            author: c.author.clone(),
            organisation: c.organisation.clone(),
            language: c.language.code().to_string(),
            url: urls.public(""),
            feed: urls.public(&harvest.routes.per_language(published::FEED)),
            languages: (harvest.translations.versions.iter().skip(1))
                .map(|v| v.routes.language().code().to_string())
                .collect(),
        },
        items: ItemsOut(harvest),
    };
    serde_json::to_writer(out, &open)
}

/// The items of the three sections in reading order, then the standalone pages.
fn published_items(harvest: &Harvest) -> impl Iterator<Item = ItemId> + '_ {
    let sections = Section::ALL.iter().flat_map(|&s| harvest.section(s));
    sections.chain(&harvest.pages).copied()
}

/// The feed as its template sees it.
#[derive(Serialize)]
struct Feed {
    language: &'static str,
    title: String,
    subtitle: Option<String>,
    /// The feed's own URL.
    url: String,
    /// The home page's URL, also the feed's id.
    home: String,
    updated: String,
    author: String,
    entries: Vec<Entry>,
}

/// One item in the feed.
#[derive(Serialize)]
struct Entry {
    title: String,
    url: String,
    updated: String,
    summary: String,
    tags: Vec<String>,
}

/// The Atom feed (RFC 4287): the newest [`FEED_LIMIT`] items by date, undated ones after
/// them in reading order, each with its summary.
fn feed(views: &Views<'_>) -> Feed {
    let h = views.harvest;
    let c = &h.config;
    let mut items: Vec<ItemId> = published_items(h).collect();
    // Stable: items of the same date keep their reading order.
    items.sort_by_key(|&id| std::cmp::Reverse(h.items[id].date));
    items.truncate(FEED_LIMIT);
    let updated = timestamp(newest_date(h));
    let entries = items
        .iter()
        .map(|&id| {
            let item = &h.items[id];
            Entry {
                title: entry_title(views, item),
                url: h.routes.urls.public(&item.path),
                updated: item.date.map_or_else(|| updated.clone(), timestamp),
                summary: item.summary.clone(),
                tags: item.tags.clone(),
            }
        })
        .collect();
    let author = c
        .organisation
        .as_ref()
        .or(c.author.as_ref())
        .unwrap_or(&c.title);
    Feed {
        language: c.language.code(),
        title: c.title.clone(),
        subtitle: c.subtitle.clone().or_else(|| c.description.clone()),
        url: h
            .routes
            .urls
            .public(&h.routes.per_language(published::FEED)),
        home: h.routes.urls.public(&h.routes.made(Made::Home)),
        updated,
        author: author.clone(),
        entries,
    }
}

/// The newest date of any page of the harvest; for a site without content, the date of
/// `site.yaml` (the first day of the Unix clock only where neither can be read).
fn newest_date(h: &Harvest) -> Date {
    h.items
        .iter()
        .filter_map(|item| item.date)
        .max()
        .or(h.config.date)
        .unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
}

/// `Conclusie 3: title` for numbered items, the title for others.
fn entry_title(views: &Views<'_>, item: &Item) -> String {
    match (item.kind, item.number) {
        (Kind::Item(Section::Conclusions | Section::Recommendations), Some(n)) => {
            format!("{} {n}: {}", views.text(kind_name(item.kind)), item.title)
        }
        _ => item.title.clone(),
    }
}

/// The sitemap as its template sees it.
#[derive(Serialize)]
struct Sitemap {
    urls: Vec<SitemapUrl>,
    /// Whether the site has more than one language, so pages name their alternates.
    languages: bool,
}

/// One page in the sitemap, with its date if it has one, and its versions in every
/// language (none for a site in one language).
#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<Alternate>,
}

/// A page in one language, for `xhtml:link rel="alternate"`.
#[derive(Serialize, Clone)]
struct Alternate {
    /// `nl`, `en`, or `x-default` (the site's own language).
    hreflang: &'static str,
    href: String,
}

/// The sitemap (sitemaps.org 0.9): every page a reader may land on, in every language, not
/// the search pages nor the 404 pages; items with their date as `lastmod`; each page with
/// its versions in the other languages. None without a host: a sitemap holds full URLs
/// only.
fn sitemap(views: &Views<'_>) -> Sitemap {
    let h = views.harvest;
    let routes = &h.routes;
    if !routes.urls.has_host() {
        return Sitemap {
            urls: Vec::new(),
            languages: false,
        };
    }
    let made = routes.made_pages(&h.shape());
    let mut pages: Vec<(Job, Option<Date>)> = Vec::with_capacity(made.len() + h.items.len());
    pages.push((
        Job::Made(Made::Home),
        h.home.and_then(|id| h.items[id].date),
    ));
    let lists = made.iter().filter(|m| matches!(m, Made::List(..)));
    pages.extend(lists.map(|&m| (Job::Made(m), None)));
    pages.extend(published_items(h).map(|id| (Job::Item(id), h.items[id].date)));
    // The overviews last, so the sitemap lists the harvest before them.
    let matrix = made.iter().filter(|m| matches!(m, Made::Matrix(_)));
    pages.extend(matrix.map(|&m| (Job::Made(m), None)));
    pages.push((Job::Made(Made::Generated(Generated::PrintEdition)), None));
    // The parts of a print edition in parts, in the site's own language.
    let parts = super::print::plan(views).unwrap_or_default();
    let versions = &h.translations.versions;
    let mut urls = Vec::with_capacity(pages.len() * versions.len().max(1));
    for (page, date) in pages {
        let lastmod = date.map(|d| d.to_string());
        if versions.is_empty() {
            let path = match page {
                Job::Item(id) => h.items[id].path.clone(),
                Job::Made(made) => routes.made(made),
            };
            let (loc, alternates) = (routes.urls.public(&path), Vec::new());
            urls.push(SitemapUrl {
                loc,
                lastmod,
                alternates,
            });
            continue;
        }
        let mut alternates: Vec<Alternate> = (versions.iter())
            .map(|v| Alternate {
                hreflang: v.routes.language().code(),
                href: v.routes.urls.public(&match page {
                    Job::Item(id) => v.items[id].path.clone(),
                    Job::Made(made) => v.routes.made(made),
                }),
            })
            .collect();
        alternates.push(Alternate {
            hreflang: "x-default",
            href: alternates[0].href.clone(),
        });
        for alternate in &alternates[..versions.len()] {
            urls.push(SitemapUrl {
                loc: alternate.href.clone(),
                lastmod: lastmod.clone(),
                alternates: alternates.clone(),
            });
        }
    }
    let parts = parts.iter().map(|part| SitemapUrl {
        loc: routes.urls.public(&part.path),
        lastmod: None,
        alternates: Vec::new(),
    });
    urls.extend(parts);
    let languages = !versions.is_empty();
    Sitemap { urls, languages }
}

/// Text made safe for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// An Atom date-time for a calendar date: its start, in UTC.
fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// `harvest.json`: the whole harvest as open data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenHarvest {
    /// Always `oogst-harvest`.
    pub format: String,
    /// The version of this layout; a change that breaks readers raises it.
    pub version: u32,
    pub site: OpenSite,
    /// Themes, conclusions and recommendations in reading order, then standalone pages.
    pub items: Vec<OpenItem>,
}

/// What `OpenHarvest::format` says, and the version of the layout.
pub const OPEN_DATA_FORMAT: &str = "oogst-harvest";
pub const OPEN_DATA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSite {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub organisation: Option<String>,
    /// `nl` or `en`.
    pub language: String,
    /// The home page: absolute when `base_url` has a host, else a path.
    pub url: String,
    pub feed: String,
    /// The languages the site is translated into, by code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

/// Which part of the harvest an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenKind {
    Theme,
    Conclusion,
    Recommendation,
    Page,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenItem {
    pub kind: OpenKind,
    pub number: Option<u32>,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Absolute when `base_url` has a host, else a path.
    pub url: String,
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Related items, in both directions: a theme lists its conclusions and
    /// recommendations, a conclusion its themes and the recommendations that build on it.
    pub themes: Vec<OpenRef>,
    pub conclusions: Vec<OpenRef>,
    pub recommendations: Vec<OpenRef>,
    /// In a site with translations: the item in each language besides the site's own, by
    /// language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, OpenTranslation>,
}

/// An item in another language than the site's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenTranslation {
    /// Whether it is translated; if not, its title and summary are the original's.
    pub translated: bool,
    pub title: String,
    pub summary: String,
    pub url: String,
}

/// A related item, by slug, number (if it has one) and URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRef {
    pub slug: String,
    pub number: Option<u32>,
    pub url: String,
}

/// [`OpenHarvest`] as it is written: the same fields in the same order, borrowed from the
/// harvest. `tests/publish.rs` reads it back into an [`OpenHarvest`] and writes that again,
/// byte for byte the same.
#[derive(Serialize)]
struct OpenHarvestOut<'a> {
    format: &'static str,
    version: u32,
    site: OpenSite,
    items: ItemsOut<'a>,
}

struct ItemsOut<'a>(&'a Harvest);

impl Serialize for ItemsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let h = self.0;
        // Every item's URL once: relations name them again and again.
        let urls: Vec<String> = h
            .items
            .iter()
            .map(|i| h.routes.urls.public(&i.path))
            .collect();
        serializer.collect_seq(published_items(h).map(|id| OpenItemOut::of(h, id, &urls)))
    }
}

#[derive(Serialize)]
struct OpenItemOut<'a> {
    kind: OpenKind,
    number: Option<u32>,
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: &'a str,
    tags: &'a [String],
    date: Option<String>,
    themes: RefsOut<'a>,
    conclusions: RefsOut<'a>,
    recommendations: RefsOut<'a>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    translations: BTreeMap<&'static str, OpenTranslation>,
}

impl<'a> OpenItemOut<'a> {
    fn of(harvest: &'a Harvest, id: ItemId, urls: &'a [String]) -> Self {
        let item = &harvest.items[id];
        let kind = match item.kind {
            Kind::Item(Section::Themes) => OpenKind::Theme,
            Kind::Item(Section::Conclusions) => OpenKind::Conclusion,
            Kind::Item(Section::Recommendations) => OpenKind::Recommendation,
            _ => OpenKind::Page,
        };
        let r = &harvest.relations[id];
        OpenItemOut {
            kind,
            number: item.number,
            slug: &item.slug,
            title: &item.title,
            summary: &item.summary,
            url: &urls[id],
            tags: &item.tags,
            date: item.date.map(|d| d.to_string()),
            themes: RefsOut(harvest, &r.themes, urls),
            conclusions: RefsOut(harvest, &r.conclusions, urls),
            recommendations: RefsOut(harvest, &r.recommendations, urls),
            translations: (harvest.translations.versions.iter().skip(1))
                .map(|v| {
                    let item = &v.items[id];
                    let translation = OpenTranslation {
                        translated: item.translated,
                        title: item.title.clone(),
                        summary: item.summary.clone(),
                        url: v.routes.urls.public(&item.path),
                    };
                    (v.routes.language().code(), translation)
                })
                .collect(),
        }
    }
}

struct RefsOut<'a>(&'a Harvest, &'a [ItemId], &'a [String]);

/// [`OpenRef`] as it is written.
#[derive(Serialize)]
struct OpenRefOut<'a> {
    slug: &'a str,
    number: Option<u32>,
    url: &'a str,
}

impl Serialize for RefsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let RefsOut(h, ids, urls) = *self;
        serializer.collect_seq(ids.iter().map(|&id| OpenRefOut {
            slug: &h.items[id].slug,
            number: h.items[id].number,
            url: &urls[id],
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_of_more_urls_than_a_file_holds_is_split() {
        assert_eq!(split_sitemap(Vec::<u8>::new(), 2), [Vec::<u8>::new()]);
        assert_eq!(split_sitemap(vec![1, 2], 2), [vec![1, 2]]);
        assert_eq!(
            split_sitemap(vec![1, 2, 3, 4, 5], 2),
            [vec![1, 2], vec![3, 4], vec![5]]
        );
    }

    #[test]
    fn xml_text_is_escaped_and_stray_control_characters_dropped() {
        assert_eq!(
            escape("a < b & \"c\" 'd'\u{1}"),
            "a &lt; b &amp; &quot;c&quot; &apos;d&apos;"
        );
    }
}
