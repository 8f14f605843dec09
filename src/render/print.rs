//! The print edition: the whole harvest on one page, or in parts. Its view for the
//! template, the bodies it shows (fetched by the template with `print_body`, relocated to
//! fit one page), the anchors of its parts and items, made here once for the template to
//! use, and the plan of an edition in parts: which items each part holds, and the page
//! each item is on (the parts' pages are [`super::print_parts`]).

use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;

use serde::Serialize;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::context::{ItemRef, PdfLink, Shared, Views, kind_name};
use crate::content::markdown::Rendered;
use crate::content::{Kind, Section};
use crate::harvest::{Harvest, Item, ItemId};
use crate::routes::PrintShelf;

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
    /// In the index of an edition in parts: the page of this part, and how many items it
    /// holds. The part is then not on the index page itself.
    pub url: Option<String>,
    pub count: Option<usize>,
    /// The language of its title and introduction where they are not the page's.
    pub lang: Option<&'static str>,
    /// In the index of an edition in parts: the part's file of the PDF edition.
    pub pdf: Option<PdfLink>,
}

/// An item in the print edition: its id there, its reference, and whom it relates to.
#[derive(Debug, Clone, Serialize)]
pub struct PrintItem {
    pub id: String,
    #[serde(flatten)]
    pub item: ItemRef,
    pub themes: Vec<Mention>,
    pub conclusions: Vec<Mention>,
    pub recommendations: Vec<Mention>,
}

/// A related item where only its name is shown: [`MentionFields`].
pub type Mention = Shared;

/// What templates see of a [`Mention`].
#[derive(Serialize)]
struct MentionFields<'a> {
    kind: &'static str,
    number: Option<u32>,
    slug: &'a str,
    title: &'a str,
    url: String,
    /// The language of its title where it is not the page's.
    lang: Option<&'static str>,
    /// Its id in the print edition, and the link to it there (`#conclusions-3`, or in an
    /// edition in parts `/printversie/conclusies-2/#conclusions-3`).
    anchor: String,
    href: String,
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
        Some(relocate(&body.html_text(), &format!("{id}-"), *demote))
    }
}

/// The print edition as the last render of the print page made it, for `print_body`.
pub type SharedEdition = Arc<RwLock<PrintEdition>>;

/// Gives templates `print_body(id=...)`: the body with that id in the print edition.
pub fn register_print_body(tera: &mut Tera, edition: &SharedEdition) {
    let bodies = edition.clone();
    tera.register_function(
        "print_body",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let id: &str = kwargs.must_get("id")?;
            let edition = bodies.read().unwrap_or_else(|e| e.into_inner());
            Ok(edition
                .bodies
                .html(id)
                .map_or(Value::none(), |html| Value::safe_string(&html)))
        },
    );
}

impl Views<'_> {
    /// The whole harvest in reading order, and the bodies it shows; for a harvest of more
    /// than `print.max_items` items, the index of its parts (see [`super::print_parts`]),
    /// with the bodies of every part.
    pub fn print_edition(&self) -> PrintEdition {
        let h = self.harvest;
        let mut bodies = self.print_bodies();
        let intro = h.home.map(|home| PrintPart {
            id: "intro".into(),
            title: h.items[home].title.clone(),
            has_content: true,
            items: Vec::new(),
            url: None,
            count: None,
            pdf: None,
            lang: super::languages::text_language(h, &h.items[home]),
        });
        if let Some(plan) = plan(self) {
            let parts = self.print_index(&plan, intro);
            return PrintEdition { parts, bodies };
        }
        let mut parts: Vec<PrintPart> = intro.into_iter().collect();
        // Each item's mention, made when first asked for.
        let mut made = FxHashMap::default();
        for section in Section::ALL {
            parts.push(PrintPart {
                has_content: h.intros.contains_key(&section),
                title: self.section_title(section),
                items: h
                    .section(section)
                    .iter()
                    .map(|&item| self.print_item(item, &mut made, None))
                    .collect(),
                id: section.folder().to_string(),
                url: None,
                count: None,
                pdf: None,
                lang: self.section_lang(section),
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
                    .map(|&item| self.print_item(item, &mut made, None))
                    .collect(),
                url: None,
                count: None,
                pdf: None,
                lang: None,
            });
        }
        bodies.0.shrink_to_fit();
        PrintEdition { parts, bodies }
    }

    /// The bodies of the print edition by their id there: the introduction, each section's,
    /// each item's.
    fn print_bodies(&self) -> PrintBodies {
        let h = self.harvest;
        let mut bodies = PrintBodies::default();
        if let Some(home) = h.home {
            bodies
                .0
                .insert("intro".into(), (h.items[home].body.clone(), 1));
        }
        for section in Section::ALL {
            if let Some(&intro) = h.intros.get(&section) {
                let id = section.folder().to_string();
                bodies.0.insert(id, (h.items[intro].body.clone(), 1));
            }
        }
        for &id in Section::ALL
            .iter()
            .flat_map(|&s| h.section(s))
            .chain(&h.pages)
        {
            let item = &h.items[id];
            bodies.0.insert(print_anchor(item), (item.body.clone(), 2));
        }
        bodies
    }

    /// One part of an edition in parts, on a page of its own.
    pub(super) fn print_part_view(&self, part: &PartPlan, places: &Places) -> PrintPart {
        let h = self.harvest;
        let (id, has_content, lang) = match part.shelf {
            PrintShelf::Section(section) => (
                section.folder().to_string(),
                part.opens_section && h.intros.contains_key(&section),
                self.section_lang(section),
            ),
            PrintShelf::Pages => ("pages".to_string(), false, None),
        };
        let mut made = FxHashMap::default();
        PrintPart {
            id,
            title: part.title.clone(),
            has_content,
            items: part
                .items
                .iter()
                .map(|&item| self.print_item(item, &mut made, Some(places)))
                .collect(),
            url: None,
            count: None,
            pdf: None,
            lang,
        }
    }

    fn print_item(
        &self,
        id: ItemId,
        made: &mut FxHashMap<ItemId, Mention>,
        places: Option<&Places>,
    ) -> PrintItem {
        let item: &Item = &self.harvest.items[id];
        let r = &self.harvest.relations[id];
        PrintItem {
            id: print_anchor(item),
            item: self.item_ref(id),
            themes: self.mentions(&r.themes, made, places),
            conclusions: self.mentions(&r.conclusions, made, places),
            recommendations: self.mentions(&r.recommendations, made, places),
        }
    }

    fn mentions(
        &self,
        ids: &[ItemId],
        made: &mut FxHashMap<ItemId, Mention>,
        places: Option<&Places>,
    ) -> Vec<Mention> {
        let mention = |id: ItemId| {
            let item = &self.harvest.items[id];
            let (anchor, href) = place(places, self.harvest, id);
            Shared::of(&MentionFields {
                kind: kind_name(item.kind),
                number: item.number,
                slug: &item.slug,
                title: &item.title,
                url: self.harvest.routes.urls.link(&item.path),
                lang: super::languages::text_language(self.harvest, item),
                anchor,
                href,
            })
        };
        ids.iter()
            .map(|&id| made.entry(id).or_insert_with(|| mention(id)).clone())
            .collect()
    }
}

/// One part of a print edition in parts.
#[derive(Debug, Clone)]
pub struct PartPlan {
    pub shelf: PrintShelf,
    /// Its page's site-relative path.
    pub path: String,
    /// The site-relative path of its file of the PDF edition, if the harvest has one.
    pub pdf: String,
    pub title: String,
    /// Whether the section's introduction opens it (the first part of a section).
    pub opens_section: bool,
    pub items: Vec<ItemId>,
}

/// The parts of the print edition (see [`Harvest::print_parts`]), in reading order, with
/// their pages and titles; `None` when it fits one page.
pub fn plan(views: &Views<'_>) -> Option<Vec<PartPlan>> {
    let h = views.harvest;
    let parts = h.print_parts()?;
    let plans = parts.iter().map(|part| PartPlan {
        path: h.routes.print_part(part.shelf, part.number, part.of),
        pdf: h.routes.pdf_part(part.shelf, part.number, part.of),
        title: part.title(h, views.strings),
        opens_section: part.opens_section(),
        shelf: part.shelf,
        items: part.items.clone(),
    });
    Some(plans.collect())
}

/// Where each item of an edition in parts is: the link to its part's page, by item.
pub struct Places(FxHashMap<ItemId, Arc<str>>);

impl Places {
    pub fn of(views: &Views<'_>, plan: &[PartPlan]) -> Places {
        let urls = &views.harvest.routes.urls;
        let mut places = FxHashMap::default();
        for part in plan {
            let link: Arc<str> = urls.link(&part.path).into();
            for &id in &part.items {
                places.insert(id, link.clone());
            }
        }
        Places(places)
    }

    /// The link to `id` in the print edition: `/printversie/conclusies-2/#conclusions-3`.
    pub fn href(&self, id: ItemId, anchor: &str) -> String {
        match self.0.get(&id) {
            Some(page) => format!("{page}#{anchor}"),
            None => format!("#{anchor}"),
        }
    }
}

/// The anchor of `id` in the print edition, with the link to it from any part.
pub(super) fn place(places: Option<&Places>, h: &Harvest, id: ItemId) -> (String, String) {
    let anchor = print_anchor(&h.items[id]);
    let href = match places {
        Some(places) => places.href(id, &anchor),
        None => format!("#{anchor}"),
    };
    (anchor, href)
}

/// The id of an item in the print edition: `conclusions-3`, `themes-leren`, `page-over`,
/// `page-info_over`. As unique as the items' page paths: a page's id is made of its whole
/// path, with `_` (which no slug holds) between folders.
pub(super) fn print_anchor(item: &Item) -> String {
    match (item.kind, item.number) {
        (Kind::Item(section @ (Section::Conclusions | Section::Recommendations)), Some(n)) => {
            format!("{}-{n}", section.folder())
        }
        (Kind::Item(section), _) => format!("{}-{}", section.folder(), item.slug),
        _ => format!("page-{}", item.path.trim_end_matches('/').replace('/', "_")),
    }
}

/// `html` made fit to stand with other bodies on one page (the print edition): every `id`
/// and every in-page `#link` gets `prefix`, so ids do not clash, and every heading moves
/// `demote` levels down (at most to `h6`), under the headings of the page. One pass.
pub fn relocate(html: &str, prefix: &str, demote: u8) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = memchr::memchr2(b'<', b'=', &bytes[i..]) {
        i += found;
        let rest = &bytes[i..];
        let edit = match rest.first() {
            // `<h2` or `</h2`: the digit moves down.
            Some(b'<') => {
                let digit_at = if rest.get(1) == Some(&b'/') { 2 } else { 1 };
                match (rest.get(digit_at), rest.get(digit_at + 1)) {
                    (Some(b'h'), Some(d @ b'1'..=b'6')) => {
                        let level = (d - b'0' + demote).min(6);
                        Some((i + digit_at + 1, 1, char::from(b'0' + level).to_string()))
                    }
                    _ => None,
                }
            }
            // ` id="x"`, ` aria-labelledby="x"` or ` href="#x"`: the prefix goes in front of x.
            _ if rest.starts_with(b"=\"") => {
                let before = &bytes[..i];
                if before.ends_with(b" id") || before.ends_with(b" aria-labelledby") {
                    Some((i + 2, 0, prefix.to_string()))
                } else if before.ends_with(b" href") && rest.get(2) == Some(&b'#') {
                    Some((i + 3, 0, prefix.to_string()))
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some((at, replaced, with)) = edit {
            out.push_str(&html[copied..at]);
            out.push_str(&with);
            copied = at + replaced;
            i = copied;
        } else {
            i += 1;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_relocated_for_one_page_editions() {
        let html = "<h2 id=\"a\">A</h2><p><a href=\"#a\">x</a> <a href=\"/b/\">y</a><hr></p>\
                    <h5>B</h5><header>h</header><sup><a href=\"#fn-1\">1</a></sup><p>id=\"z\"</p>";
        assert_eq!(
            relocate(html, "c1-", 2),
            "<h4 id=\"c1-a\">A</h4><p><a href=\"#c1-a\">x</a> <a href=\"/b/\">y</a><hr></p>\
             <h6>B</h6><header>h</header><sup><a href=\"#c1-fn-1\">1</a></sup><p>id=\"z\"</p>"
        );
        assert_eq!(relocate("plain é text", "p-", 1), "plain é text");
    }
}
