//! What a site gives outsiders besides its pages: an Atom feed, a sitemap, `robots.txt` and
//! `harvest.json`, the whole harvest as open data.
//!
//! URLs in these files are absolute when `base_url` names a host. When it is only a path, the
//! files use paths from the host's root and say so in a comment: feed readers and search
//! engines need absolute URLs, so a site that is published should set `base_url` in full.

use std::io::Write;

use serde::{Deserialize, Serialize, Serializer};

use super::context::{Views, kind_name};
use crate::content::Section;
use crate::content::{Date, Kind};
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::{Generated, published};

/// The newest this many items are in the feed.
pub const FEED_LIMIT: usize = 100;

/// What `updated` says when no item has a date: a fixed moment, so builds stay reproducible.
const NO_DATE: &str = "1970-01-01T00:00:00Z";

/// Makes the feed, the sitemap and `robots.txt`, giving each to `emit` (site-relative path
/// and bytes). `harvest.json` is written by [`write_open_data`].
pub fn files(views: &Views<'_>, emit: &mut dyn FnMut(String, Vec<u8>)) {
    emit(published::FEED.to_string(), feed(views).into_bytes());
    emit(published::SITEMAP.to_string(), sitemap(views).into_bytes());
    emit(
        published::ROBOTS.to_string(),
        robots(views.harvest).into_bytes(),
    );
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
            feed: urls.public(published::FEED),
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

/// A comment for files whose URLs cannot be absolute.
fn no_host_note(harvest: &Harvest) -> &'static str {
    if harvest.routes.urls.has_host() {
        ""
    } else {
        "<!-- base_url has no host: URLs here are paths. Set base_url to the full URL \
         (https://...) for URLs that feed readers and search engines can use. -->\n"
    }
}

/// The Atom feed (RFC 4287): the newest [`FEED_LIMIT`] items by date, undated ones after
/// them in reading order, each with its summary.
fn feed(views: &Views<'_>) -> String {
    let h = views.harvest;
    let c = &h.config;
    let mut items: Vec<ItemId> = published_items(h).collect();
    // Stable: items of the same date keep their reading order.
    items.sort_by_key(|&id| std::cmp::Reverse(h.items[id].date.map(|d| (d.year, d.month, d.day))));
    items.truncate(FEED_LIMIT);
    let newest = items.first().and_then(|&id| h.items[id].date);
    let updated = newest.map_or_else(|| NO_DATE.to_string(), timestamp);
    let home = h.routes.urls.public("");
    let mut xml = String::with_capacity(1024 + items.len() * 512);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(no_host_note(h));
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        c.language.code()
    ));
    element(&mut xml, "  ", "title", &c.title);
    if let Some(subtitle) = c.subtitle.as_ref().or(c.description.as_ref()) {
        element(&mut xml, "  ", "subtitle", subtitle);
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&h.routes.urls.public(published::FEED))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&home)
    ));
    element(&mut xml, "  ", "id", &home);
    element(&mut xml, "  ", "updated", &updated);
    let author = c
        .organisation
        .as_ref()
        .or(c.author.as_ref())
        .unwrap_or(&c.title);
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(author)
    ));
    xml.push_str("  <generator>oogst</generator>\n");
    for id in items {
        let item = &h.items[id];
        let url = h.routes.urls.public(&item.path);
        xml.push_str("  <entry>\n");
        element(&mut xml, "    ", "title", &entry_title(views, item));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&url)
        ));
        element(&mut xml, "    ", "id", &url);
        let entry_updated = item.date.map_or_else(|| updated.clone(), timestamp);
        element(&mut xml, "    ", "updated", &entry_updated);
        if !item.summary.is_empty() {
            element(&mut xml, "    ", "summary", &item.summary);
        }
        for tag in &item.tags {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", escape(tag)));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
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

/// The sitemap (sitemaps.org 0.9): every page a reader may land on, not the search page
/// nor the 404 page; items with their date as `lastmod`.
fn sitemap(views: &Views<'_>) -> String {
    let h = views.harvest;
    let mut xml = String::with_capacity(1024 + h.items.len() * 96);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(no_host_note(h));
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str, date: Option<Date>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(&h.routes.urls.public(path)));
        xml.push_str("</loc>");
        if let Some(date) = date {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    };
    url("", h.home.and_then(|id| h.items[id].date));
    for section in Section::ALL {
        for n in 1..=views.section_pages(section) {
            url(&views.section_page_path(section, n), None);
        }
    }
    for id in published_items(h) {
        url(&h.items[id].path, h.items[id].date);
    }
    url(&h.routes.generated(Generated::Matrix), None);
    url(&h.routes.generated(Generated::PrintEdition), None);
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be read, and where the sitemap is. Crawlers read it only at
/// the root of a host, so under a sub-path it is there for whoever serves the root.
fn robots(harvest: &Harvest) -> String {
    let mut text = String::from("User-agent: *\nDisallow:\n\n");
    if !harvest.routes.urls.has_host() {
        text.push_str("# base_url has no host: set it to the full URL (https://...) so the sitemap URL is absolute.\n");
    }
    text.push_str(&format!(
        "Sitemap: {}\n",
        harvest.routes.urls.public(published::SITEMAP)
    ));
    text
}

/// `<name>text</name>` on a line of its own.
fn element(xml: &mut String, indent: &str, name: &str, text: &str) {
    xml.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape(text)));
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
        let r = &item.relations;
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
    fn xml_text_is_escaped_and_stray_control_characters_dropped() {
        assert_eq!(
            escape("a < b & \"c\" 'd'\u{1}"),
            "a &lt; b &amp; &quot;c&quot; &apos;d&apos;"
        );
    }
}
