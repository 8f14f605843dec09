//! Link: the harvest as one model. Slugs and URLs are assigned, relations and `@/` links
//! resolved, backlinks derived, sections ordered.

mod bodies;
mod chunked;
mod error;
mod index;
mod links;
mod parts;
mod relations;
mod relink;
mod translate;
mod unique;

// Lookups by path and slug are many and their keys are ours: a fast hash.
use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Language, SiteConfig};
use crate::content::markdown::{DESCRIPTION_LENGTH, Destination, Figure, Rendered};
use crate::content::slug::{slug_from_file_name, slugify};
use crate::content::spool::Spool;
use crate::content::{Asset, Date, Document, Kind, Section};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::images::{DescriptionError, Gallery};
use crate::routes::{Routes, Shape};
pub use bodies::BodyMemo;
use chunked::Chunked;
pub use error::LinkError;
use index::Index;
use links::{LinkTargets, body_problems};
pub use parts::{Part, text};
pub use relations::Relations;
pub use relink::{Earlier, relink};
pub use translate::{
    Translation, Translations, TranslationsByLanguage, Version, sort_translations, translate,
};

/// Index of an item in [`Harvest::items`].
pub type ItemId = usize;

/// One page made from a Markdown file: home, section intro, harvest item or standalone page.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: Kind,
    pub source: PathBuf,
    /// Its path below `content/`.
    pub rel: String,
    pub slug: String,
    pub number: Option<u32>,
    pub title: String,
    /// The summary from the front matter, else the start of the first paragraph.
    pub summary: String,
    /// Whether the summary was taken from the body.
    pub summary_from_body: bool,
    pub weight: i64,
    pub draft: bool,
    /// Its `date:`, else the day of its file's last commit or change.
    pub date: Option<Date>,
    pub tags: Vec<String>,
    pub extra: serde_json::Value,
    /// The site-relative path of its page: `conclusies/cop-als-leerplek/`.
    pub path: String,
    /// The rendered body: HTML, headings, lead.
    pub body: Arc<Rendered>,
    /// The picture of its `image:` key, for lists and sharing (boxed: most items have none,
    /// and every item is kept for the whole build).
    pub image: Option<Box<Figure>>,
    /// What that picture shows (`image_alt:`), for sharing.
    pub image_alt: String,
    /// The language its title, summary and body are in: the harvest's, or for an item not
    /// translated yet, the site's own.
    pub language: Language,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct OutputAsset {
    pub source: PathBuf,
    /// Its path below its source folder.
    pub rel: String,
    /// Its site-relative path in the output.
    pub path: String,
}

/// The linked harvest, ready to render.
#[derive(Debug)]
pub struct Harvest {
    pub config: SiteConfig,
    /// Every URL and page path of the site.
    pub routes: Routes,
    /// Shared with the harvest of an earlier run where they are the same (see [`relink`]).
    pub items: Vec<Arc<Item>>,
    /// Each item's relations, by [`ItemId`]; beside the items, not in them, so that an item
    /// is shared with an earlier harvest even where items added or removed moved its id.
    pub relations: Chunked<Relations>,
    /// The relations each item's front matter names, resolved: `relations` are these and
    /// those that point back.
    written: Chunked<Relations>,
    pub home: Option<ItemId>,
    /// Section intros (`<section>/_index.md`), where the site has one.
    pub intros: HashMap<Section, ItemId>,
    /// Items of each section, in reading order.
    pub sections: HashMap<Section, Vec<ItemId>>,
    /// Standalone pages, by weight then title.
    pub pages: Vec<ItemId>,
    pub assets: Vec<OutputAsset>,
    /// What resolving links needs, kept for taking in changed bodies later.
    links: Arc<LinkTargets>,
    /// The warnings the link stage found outside bodies (a long image description), kept
    /// for a [`relink`] that reads only some files again.
    warnings: Diagnostics,
    /// Where the bodies' HTML is kept in a one-time build.
    spool: Option<Arc<Spool>>,
    /// Every language's version of the site, for the links between them; empty for a site
    /// in one language.
    pub translations: Arc<Translations>,
    /// The print edition's parts, worked out when first asked for.
    parts: std::sync::OnceLock<Option<Vec<parts::Part>>>,
}

/// What the link stage needs besides the parsed documents.
pub struct LinkInput<'a> {
    pub config: SiteConfig,
    /// The routes made from `config`.
    pub routes: Routes,
    pub documents: Vec<&'a Document>,
    /// Content paths of files that failed to parse: references to them are not reported again.
    pub failed: Vec<&'a str>,
    /// Files beside the content, below `content/`.
    pub content_assets: Vec<&'a Asset>,
    pub drafts: bool,
    /// The site's images, kept between builds by the preview server.
    pub gallery: Arc<Gallery>,
}

/// Links parsed documents into a harvest; every problem is reported together. With a memo
/// (the preview server's), bodies rendered by an earlier run are reused while unchanged.
pub fn link(input: LinkInput<'_>, mut memo: Option<&mut BodyMemo>) -> (Harvest, Diagnostics) {
    let LinkInput {
        config,
        routes,
        documents,
        failed,
        content_assets,
        drafts,
        gallery,
    } = input;
    let mut diagnostics = Diagnostics::new();

    let (documents, left_out): (Vec<&Document>, Vec<&Document>) = documents
        .into_iter()
        .partition(|d| drafts || !d.front.draft);
    // Shared from the start: made into `Arc`s at the end, every item would be held twice.
    let mut items: Vec<Arc<Item>> = (documents.par_iter())
        .map(|d| Arc::new(new_item(d, &routes)))
        .collect();
    unique::check_unique(&documents, &items, &routes, &mut diagnostics);
    let assets = place_assets(content_assets, &routes);
    let index = Index::new(&items, &left_out, &failed);

    let resolved: Vec<(Relations, Diagnostics)> = documents
        .par_iter()
        .map(|doc| {
            let mut problems = Diagnostics::new();
            (
                relations::resolve_relations(doc, &index, &mut problems),
                problems,
            )
        })
        .collect();
    let mut written = Vec::with_capacity(resolved.len());
    for (relations, problems) in resolved {
        written.push(relations);
        diagnostics.extend(problems);
    }

    let mut targets = LinkTargets {
        index,
        paths: items.iter().map(|i| i.path.as_str().into()).collect(),
        asset_paths: assets
            .iter()
            .map(|a| (a.rel.clone(), (a.path.clone(), a.source.clone())))
            .collect(),
        gallery,
        fingerprint: 0,
    };
    let safe = config.markdown.safe;
    let (bodies, fingerprint, spool) = bodies::render_bodies(
        &documents,
        &targets,
        &routes.urls,
        safe,
        memo.as_deref_mut(),
        &mut diagnostics,
    );
    if let Some(memo) = memo {
        memo.keep_only(&documents);
    }
    targets.fingerprint = fingerprint;
    for (item, body) in items.iter_mut().zip(bodies) {
        take_body(Arc::make_mut(item), body);
    }
    diagnostics.extend(body_problems(&items, 0..items.len(), &targets.index));
    let mut pictures = Diagnostics::new();
    for (item, doc) in items.iter_mut().zip(&documents) {
        front_image(Arc::make_mut(item), doc, &targets, &routes, &mut pictures);
    }
    let warnings = pictures.warnings();
    diagnostics.extend(pictures);

    let relations = relations::derive_backlinks(&items, &written);
    let related = (relations.into(), written.into());
    let mut harvest = assemble(config, routes, items, related, assets, targets, spool);
    harvest.warnings = warnings;
    (harvest, diagnostics)
}

/// Gives `item` its rendered body, and a summary from the body when its front matter has
/// none.
fn take_body(item: &mut Item, body: Arc<Rendered>) {
    if item.summary.is_empty() {
        item.summary = shorten(&body.lead, SUMMARY_LENGTH);
        item.summary_from_body = true;
    }
    item.body = body;
}

/// Summaries taken from a body are cut at about this many characters.
const SUMMARY_LENGTH: usize = 220;

/// An item with its slug, number, URL and front matter; relations and body come later.
fn new_item(doc: &Document, routes: &Routes) -> Item {
    let front = &doc.front;
    let slug = match &front.slug {
        Some(s) => slugify(s),
        None => slug_from_file_name(doc.stem()),
    };
    let path = routes.content_page(doc.kind, &doc.rel, &slug);
    Item {
        kind: doc.kind,
        source: doc.path.clone(),
        rel: doc.rel.clone(),
        slug,
        number: front.number,
        title: front.title.trim().to_string(),
        summary: front.summary.clone().unwrap_or_default().trim().to_string(),
        summary_from_body: false,
        weight: front.weight.unwrap_or(0),
        draft: front.draft,
        date: doc.date(),
        tags: front.tags.clone(),
        extra: serde_json::to_value(&front.extra).unwrap_or(serde_json::Value::Null),
        path,
        body: Arc::default(),
        image: None,
        image_alt: String::new(),
        language: routes.language(),
    }
}

/// Gives `item` the picture its `image:` key names, resolved like an image in its body, and
/// its description (`image_alt:`, required with it); a problem is told at its key.
fn front_image(
    item: &mut Item,
    doc: &Document,
    targets: &LinkTargets,
    routes: &Routes,
    diagnostics: &mut Diagnostics,
) {
    if let Some((figure, alt)) = item_image(doc, targets, routes, diagnostics) {
        item.image = Some(Box::new(figure));
        item.image_alt = alt;
    }
}

fn item_image(
    doc: &Document,
    targets: &LinkTargets,
    routes: &Routes,
    diagnostics: &mut Diagnostics,
) -> Option<(Figure, String)> {
    let front = &doc.front;
    let alt = front
        .image_alt
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    let Some(written) = front.image.as_deref().map(str::trim) else {
        if front.image_alt.is_some() {
            let at = doc.key_position("image_alt");
            diagnostics.push(Diagnostic::new(
                &doc.path,
                at,
                &DescriptionError::ImageAltAlone,
            ));
        }
        return None;
    };
    let at = || doc.key_position("image");
    let length = alt.chars().count();
    if alt.is_empty() {
        let missing = DescriptionError::MissingImageAlt(written.to_string());
        diagnostics.push(Diagnostic::new(&doc.path, at(), &missing));
    } else if length > DESCRIPTION_LENGTH {
        let at = doc.key_position("image_alt");
        let long = DescriptionError::ImageAltTooLong(length);
        diagnostics.push(Diagnostic::warning(&doc.path, at, &long));
    }
    let problem = |message: String, hint: Option<String>| Diagnostic {
        file: doc.path.clone(),
        position: at(),
        message,
        hint,
        source_line: None,
        warning: false,
    };
    match links::resolve_link(written, doc, targets, &routes.urls) {
        Destination::Image(figure) => return Some((figure, alt.to_string())),
        Destination::Unusable { message, hint } => diagnostics.push(problem(message, hint)),
        Destination::Broken(reason) => {
            diagnostics.push(problem(format!("`image`: {reason}"), None))
        }
        _ => diagnostics.push(problem(
            format!("`image`: `{written}` is not a JPEG, PNG, WebP or SVG file of the site"),
            Some(
                "name a file beside the content file, or one in `static/` as `/img/photo.jpg`"
                    .into(),
            ),
        )),
    }
    None
}

/// Where files beside the content go (see [`Routes::asset`]).
fn place_assets(assets: Vec<&Asset>, routes: &Routes) -> Vec<OutputAsset> {
    assets
        .into_iter()
        .map(|asset| OutputAsset {
            source: asset.path.clone(),
            rel: asset.rel.clone(),
            path: routes.asset(&asset.rel),
        })
        .collect()
}

/// Each item's relations and the relations its front matter names, by [`ItemId`].
type Related = (Chunked<Relations>, Chunked<Relations>);

fn assemble(
    config: SiteConfig,
    routes: Routes,
    items: Vec<Arc<Item>>,
    (relations, written): Related,
    assets: Vec<OutputAsset>,
    links: LinkTargets,
    spool: Option<Arc<Spool>>,
) -> Harvest {
    let mut home = None;
    let mut intros = HashMap::default();
    let mut sections: HashMap<Section, Vec<ItemId>> =
        Section::ALL.iter().map(|&s| (s, Vec::new())).collect();
    let mut pages = Vec::new();
    for (id, item) in items.iter().enumerate() {
        match item.kind {
            Kind::Home => home = Some(id),
            Kind::SectionIntro(s) => {
                intros.insert(s, id);
            }
            Kind::Item(s) => sections.entry(s).or_default().push(id),
            Kind::Page => pages.push(id),
        }
    }
    let order: Vec<_> = items
        .iter()
        .map(|item| relations::reading_order(item))
        .collect();
    for list in sections.values_mut().chain([&mut pages]) {
        list.sort_by(|&a, &b| order[a].cmp(&order[b]));
    }
    Harvest {
        config,
        routes,
        items,
        relations,
        written,
        home,
        intros,
        sections,
        pages,
        assets,
        links: Arc::new(links),
        warnings: Diagnostics::new(),
        spool,
        translations: Arc::default(),
        parts: Default::default(),
    }
}

/// `text` cut at a word boundary to at most about `max` characters, with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', ' ']))
}

impl Harvest {
    /// The item of the content file at `rel` (`conclusions/01-x.md`), if it is published.
    pub fn item_of(&self, rel: &str) -> Option<ItemId> {
        self.links.index.by_rel.get(rel).copied()
    }

    /// The items of a section, in reading order.
    pub fn section(&self, section: Section) -> &[ItemId] {
        self.sections.get(&section).map_or(&[], Vec::as_slice)
    }

    /// The first error reading a body back from where a one-time build keeps them: the
    /// pages made since lack it.
    pub fn spool_error(&self) -> Option<crate::content::spool::SpoolError> {
        let source = self.spool.as_ref().and_then(|spool| spool.take_error())?;
        Some(crate::content::spool::SpoolError { source })
    }

    /// What decides the pages the routes make for this harvest.
    pub fn shape(&self) -> Shape {
        Shape {
            home: self.home.is_some(),
            intros: Section::ALL.map(|s| self.intros.contains_key(&s)),
            items: Section::ALL.map(|s| self.section(s).len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cut_at_words() {
        assert_eq!(shorten("kort", 10), "kort");
        assert_eq!(shorten("een twee drie vier", 10), "een twee…");
    }
}
