//! Link: the harvest as one model. Slugs and URLs are assigned, relations and `@/` links
//! resolved, backlinks derived, sections ordered.

// Lookups by path and slug are many and their keys are ours: a fast hash.
use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use thiserror::Error;

use crate::config::SiteConfig;
use crate::content::markdown::{self, AnchorLink, BrokenLink, Destination, Rendered};
use crate::content::{Asset, Date, Document, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position, did_you_mean};
use crate::url::{self, Section, UrlMaker};

/// Index of an item in [`Harvest::items`].
pub type ItemId = usize;

/// The relations of an item, in the three directions a reader can follow.
///
/// For a conclusion, `themes` are written in its front matter and `recommendations` are
/// derived (the recommendations that build on it); for a theme, both lists are derived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    pub themes: Vec<ItemId>,
    pub conclusions: Vec<ItemId>,
    pub recommendations: Vec<ItemId>,
}

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
    pub date: Option<Date>,
    pub tags: Vec<String>,
    pub extra: serde_json::Value,
    /// The site-relative path of its page: `conclusies/cop-als-leerplek/`.
    pub path: String,
    /// The rendered body: HTML, headings, lead.
    pub body: Arc<Rendered>,
    pub relations: Relations,
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
    pub urls: UrlMaker,
    pub items: Vec<Item>,
    pub home: Option<ItemId>,
    /// Section intros (`<section>/_index.md`), where the site has one.
    pub intros: HashMap<Section, ItemId>,
    /// Items of each section, in reading order.
    pub sections: HashMap<Section, Vec<ItemId>>,
    /// Standalone pages, by weight then title.
    pub pages: Vec<ItemId>,
    pub assets: Vec<OutputAsset>,
    /// What resolving links needs, kept for taking in changed bodies later.
    links: LinkState,
}

/// The lookups `@/` links are resolved with.
#[derive(Debug)]
struct LinkState {
    index: Index,
    paths: Vec<String>,
    asset_paths: HashMap<String, String>,
    targets: u64,
}

#[derive(Debug, Error)]
pub enum LinkError {
    #[error("`{reference}` is not a {kind}")]
    Dangling {
        reference: String,
        kind: &'static str,
        suggestion: Option<String>,
    },
    #[error("`{reference}` is a draft, which this build leaves out")]
    ToDraft { reference: String },
    #[error("number {number} is already used by {other}")]
    DuplicateNumber { number: u32, other: String },
    #[error("this page would have the same URL `{path}` as {other}")]
    DuplicateUrl { path: String, other: String },
    #[error("this page would have the same URL `{path}` as {page}, which oogst makes")]
    MadeUrl { path: String, page: String },
    #[error("broken link: {0}")]
    BrokenLink(BrokenLink),
    #[error("`{target}` has no heading with the anchor `#{anchor}`")]
    MissingAnchor {
        target: String,
        anchor: String,
        suggestion: Option<String>,
    },
}

impl Hint for LinkError {
    fn hint(&self) -> Option<String> {
        match self {
            LinkError::Dangling {
                suggestion: Some(s),
                ..
            }
            | LinkError::MissingAnchor {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            LinkError::Dangling { kind, .. } => Some(format!(
                "refer to a {kind} by its slug (file name without number prefix and `.md`){}",
                if *kind == "conclusion" {
                    " or its number"
                } else {
                    ""
                }
            )),
            LinkError::ToDraft { .. } => Some(
                "remove the relation, set `draft: false` on the other file, or build with --drafts"
                    .into(),
            ),
            LinkError::DuplicateNumber { .. } => {
                Some("give each item of a section its own `number`".into())
            }
            LinkError::DuplicateUrl { .. } => {
                Some("rename one of the files or give it another `slug`".into())
            }
            LinkError::MadeUrl { .. } => {
                Some("rename or move the file, or give it another `slug`".into())
            }
            LinkError::BrokenLink(BrokenLink::Draft(_)) => Some(
                "remove the link, set `draft: false` on the other file, or build with --drafts"
                    .into(),
            ),
            LinkError::BrokenLink(BrokenLink::MarkdownFile { .. }) => {
                Some("link to other content as `@/conclusions/01-name.md`".into())
            }
            LinkError::BrokenLink(_) => {
                Some("link to content as `@/<folder>/<file>.md`, to files by their path".into())
            }
            LinkError::MissingAnchor { .. } => None,
        }
    }
}

/// What the link stage needs besides the parsed documents.
pub struct LinkInput<'a> {
    pub config: SiteConfig,
    pub documents: Vec<&'a Document>,
    /// Content paths of files that failed to parse: references to them are not reported again.
    pub failed: Vec<&'a str>,
    /// Files beside the content, below `content/`.
    pub content_assets: Vec<&'a Asset>,
    pub drafts: bool,
}

/// Rendered bodies of earlier builds, by content path; an entry is reused while the body
/// and everything its links can point to are unchanged.
#[derive(Debug)]
pub struct MarkdownCache {
    entries: HashMap<String, (u64, Arc<Rendered>)>,
    /// Whether bodies are kept for the next build; a one-time build does not even make the
    /// keys to find them by.
    keep: bool,
}

impl MarkdownCache {
    pub fn new(keep: bool) -> Self {
        MarkdownCache {
            entries: HashMap::default(),
            keep,
        }
    }
}

/// Links parsed documents into a harvest; every problem is reported together.
pub fn link(input: LinkInput<'_>, cache: &mut MarkdownCache) -> (Harvest, Diagnostics) {
    let LinkInput {
        config,
        documents,
        failed,
        content_assets,
        drafts,
    } = input;
    let mut diagnostics = Diagnostics::new();
    let urls = UrlMaker::new(&config.base_url);

    let (documents, left_out): (Vec<&Document>, Vec<&Document>) = documents
        .into_iter()
        .partition(|d| drafts || !d.front.draft);
    let mut items: Vec<Item> = documents.par_iter().map(|d| new_item(d, &config)).collect();
    check_unique(&documents, &items, &config, &mut diagnostics);
    let assets = place_assets(content_assets, &config);
    let index = Index::new(&items, &left_out, &failed);

    let relations: Vec<(Relations, Diagnostics)> = documents
        .par_iter()
        .map(|doc| {
            let mut problems = Diagnostics::new();
            (resolve_relations(doc, &index, &mut problems), problems)
        })
        .collect();
    for (item, (relations, problems)) in items.iter_mut().zip(relations) {
        item.relations = relations;
        diagnostics.extend(problems);
    }

    let asset_paths: HashMap<&str, &str> = assets
        .iter()
        .map(|a| (a.rel.as_str(), a.path.as_str()))
        .collect();
    let paths: Vec<&str> = items.iter().map(|i| i.path.as_str()).collect();
    let safe = config.markdown.safe;
    let targets = if cache.keep {
        link_targets_fingerprint(&index, &paths, &assets, &urls, safe)
    } else {
        0
    };
    let rendered: Vec<(Arc<Rendered>, Option<Diagnostic>)> = documents
        .par_iter()
        .with_max_len(crate::PARALLEL_PIECE)
        .map(|doc| {
            let body = match doc.body() {
                Ok(body) => body,
                Err(unreadable) => return (Arc::default(), Some(unreadable)),
            };
            let key = if cache.keep {
                body_key(doc, &body, targets)
            } else {
                0
            };
            if let Some((cached_key, rendered)) = cache.entries.get(&doc.rel)
                && *cached_key == key
            {
                return (rendered.clone(), None);
            }
            let resolve = |dest: &str| resolve_link(dest, doc, &index, &paths, &asset_paths, &urls);
            let mut rendered = markdown::render(&body, doc.body_line, &resolve, safe);
            rendered.source_key = key;
            (Arc::new(rendered), None)
        })
        .collect();
    let kept_paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let kept_assets: HashMap<String, String> = asset_paths
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut bodies = Vec::with_capacity(rendered.len());
    for (body, unreadable) in rendered {
        diagnostics.extend(unreadable.map(Diagnostics::from).unwrap_or_default());
        bodies.push(body);
    }
    if cache.keep {
        cache.entries = documents
            .iter()
            .zip(&bodies)
            .map(|(doc, body)| (doc.rel.clone(), (body.source_key, body.clone())))
            .collect();
    }

    for ((item, doc), body) in items.iter_mut().zip(&documents).zip(&bodies) {
        for (position, reason) in &body.broken_links {
            diagnostics.push(Diagnostic::new(
                &doc.path,
                *position,
                &LinkError::BrokenLink(reason.clone()),
            ));
        }
        if item.summary.is_empty() {
            item.summary = shorten(&body.lead, SUMMARY_LENGTH);
            item.summary_from_body = true;
        }
        item.body = body.clone();
    }
    for (doc, body) in documents.iter().zip(&bodies) {
        for link in &body.anchor_links {
            if let Some(error) = check_anchor(link, &index, &items) {
                diagnostics.push(Diagnostic::new(&doc.path, link.position, &error));
            }
        }
    }

    derive_backlinks(&mut items);
    let links = LinkState {
        paths: kept_paths,
        asset_paths: kept_assets,
        index,
        targets,
    };
    (assemble(config, urls, items, assets, links), diagnostics)
}

/// Summaries taken from a body are cut at about this many characters.
const SUMMARY_LENGTH: usize = 220;

/// An `@/file.md#anchor` link must name a heading of that file.
fn check_anchor(link: &AnchorLink, index: &Index, items: &[Item]) -> Option<LinkError> {
    let &target = index.by_rel.get(&link.target)?;
    let headings = &items[target].body.headings;
    if headings.iter().any(|h| h.id == link.anchor) {
        return None;
    }
    Some(LinkError::MissingAnchor {
        suggestion: did_you_mean(&link.anchor, headings.iter().map(|h| h.id.as_str()))
            .map(str::to_string),
        target: link.target.clone(),
        anchor: link.anchor.clone(),
    })
}

/// A hash of everything a body's links can resolve to: page paths, what is missing and why,
/// files beside the content, the base URL.
fn link_targets_fingerprint(
    index: &Index,
    paths: &[&str],
    assets: &[OutputAsset],
    urls: &UrlMaker,
    safe: bool,
) -> u64 {
    let mut hasher = DefaultHasher::new();
    (urls.base_path(), safe).hash(&mut hasher);
    index.rels.hash(&mut hasher);
    paths.hash(&mut hasher);
    let mut missing: Vec<_> = index.missing.iter().collect();
    missing.sort();
    missing.hash(&mut hasher);
    for asset in assets {
        (&asset.rel, &asset.path).hash(&mut hasher);
    }
    hasher.finish()
}

fn body_key(doc: &Document, body: &str, targets: u64) -> u64 {
    let mut hasher = DefaultHasher::new();
    (body, doc.body_line, &doc.path, targets).hash(&mut hasher);
    hasher.finish()
}

/// An item with its slug, number, URL and front matter; relations and body come later.
fn new_item(doc: &Document, config: &SiteConfig) -> Item {
    let front = &doc.front;
    let slug = match &front.slug {
        Some(s) => url::slugify(s),
        None => url::slug_from_file_name(doc.stem()),
    };
    let path = match doc.kind {
        Kind::Home => String::new(),
        Kind::SectionIntro(s) => s.path(config),
        Kind::Item(s) => url::page_path(&[&s.url_name(config), &slug]),
        Kind::Page => {
            let folder = doc.rel.rsplit_once('/').map_or("", |(f, _)| f);
            let folders: Vec<String> = folder.split('/').map(url::slugify).collect();
            let mut segments: Vec<&str> = folders.iter().map(String::as_str).collect();
            if doc.stem() != "_index" {
                segments.push(&slug);
            }
            url::page_path(&segments)
        }
    };
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
        date: front.date,
        tags: front.tags.clone(),
        extra: serde_json::to_value(&front.extra).unwrap_or(serde_json::Value::Null),
        path,
        body: Arc::default(),
        relations: Relations::default(),
    }
}

/// Two files may not make the same URL, nor take the URL of a page oogst makes, nor two
/// items of a section share a number.
fn check_unique(
    documents: &[&Document],
    items: &[Item],
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) {
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, item) in items.iter().enumerate() {
        by_path.entry(&item.path).or_default().push(i);
    }
    let made = made_pages(items, config);
    for (path, mut files) in by_path {
        let made_here = made.get(path);
        if files.len() < 2 && made_here.is_none() {
            continue;
        }
        // The file that keeps the URL is one that did not ask for it with a `slug:` of its
        // own, the first by path; every other file is told, at its `slug:` if it has one.
        files.sort_by_key(|&i| (slug_moves(documents[i]), &items[i].rel));
        let (blamed, error): (&[usize], _) = match made_here {
            Some(page) => (
                &files,
                LinkError::MadeUrl {
                    path: format!("/{path}"),
                    page: page.clone(),
                },
            ),
            None => (
                &files[1..],
                LinkError::DuplicateUrl {
                    path: format!("/{path}"),
                    other: format!("content/{}", items[files[0]].rel),
                },
            ),
        };
        for &i in blamed {
            let doc = documents[i];
            let at = match (slug_decides(doc), made_here.is_some()) {
                (true, _) => doc.key_position("slug"),
                (false, true) => Position::new(1, 1),
                (false, false) => Position::UNKNOWN,
            };
            diagnostics.push(Diagnostic::new(&doc.path, at, &error));
        }
    }
    let mut numbers: HashMap<(Section, u32), &Item> = HashMap::default();
    for (doc, item) in documents.iter().zip(items) {
        if let (Kind::Item(section), Some(number)) = (item.kind, item.number)
            && let Some(other) = numbers.insert((section, number), item)
        {
            let error = LinkError::DuplicateNumber {
                number,
                other: format!("content/{}", other.rel),
            };
            diagnostics.push(Diagnostic::new(
                &doc.path,
                doc.key_position("number"),
                &error,
            ));
        }
    }
}

/// Whether the document's URL is made from its `slug:` (items and pages but `_index.md`).
fn slug_decides(doc: &Document) -> bool {
    doc.front.slug.is_some()
        && (matches!(doc.kind, Kind::Item(_)) || (doc.kind == Kind::Page && doc.stem() != "_index"))
}

/// Whether the document's `slug:` gives it another URL than its file name would.
fn slug_moves(doc: &Document) -> bool {
    slug_decides(doc)
        && doc
            .front
            .slug
            .as_deref()
            .is_some_and(|slug| url::slugify(slug) != url::slug_from_file_name(doc.stem()))
}

/// The pages oogst makes without a content file of their own, by path, with what each is:
/// the relation matrix, print edition and search page, every list page of a section (the
/// first is its intro's page when it has one), the home page when there is no
/// `content/_index.md`. (These are the pages of `Renderer::jobs` other than the items'.)
fn made_pages(items: &[Item], config: &SiteConfig) -> HashMap<String, String> {
    let mut made: HashMap<String, String> = url::Generated::ALL
        .into_iter()
        .map(|g| (g.path(config.language), g.describe().to_string()))
        .collect();
    let mut kinds: HashMap<Kind, usize> = HashMap::default();
    for item in items {
        *kinds.entry(item.kind).or_default() += 1;
    }
    let count = |kind: Kind| kinds.get(&kind).copied().unwrap_or(0);
    for section in Section::ALL {
        let lists = url::list_pages(count(Kind::Item(section)));
        let first = if count(Kind::SectionIntro(section)) > 0 {
            2
        } else {
            1
        };
        for number in first..=lists {
            let what = match number {
                1 => format!("the list of {}", section.folder()),
                n => format!("page {n} of the list of {}", section.folder()),
            };
            made.insert(section.list_page_path(config, number), what);
        }
    }
    if count(Kind::Home) == 0 {
        made.insert(String::new(), "the home page".to_string());
    }
    made
}

/// Why a reference finds no live item, when it names something that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Missing {
    Draft,
    Failed,
}

/// Looks items up by content path, slug and number; knows the drafts left out and the
/// files that failed, so a reference to one of those is reported once, rightly.
#[derive(Debug)]
struct Index {
    by_rel: HashMap<String, ItemId>,
    by_slug: HashMap<(Section, String), ItemId>,
    by_number: HashMap<(Section, u32), ItemId>,
    slugs: HashMap<Section, Vec<String>>,
    rels: Vec<String>,
    missing: HashMap<(Option<Section>, String), Missing>,
}

impl Index {
    fn new(items: &[Item], left_out: &[&Document], failed: &[&str]) -> Index {
        let mut index = Index {
            by_rel: HashMap::default(),
            by_slug: HashMap::default(),
            by_number: HashMap::default(),
            slugs: HashMap::default(),
            rels: items.iter().map(|i| i.rel.clone()).collect(),
            missing: HashMap::default(),
        };
        for (id, item) in items.iter().enumerate() {
            index.by_rel.insert(item.rel.clone(), id);
            if let Kind::Item(section) = item.kind {
                index.by_slug.insert((section, item.slug.clone()), id);
                index
                    .slugs
                    .entry(section)
                    .or_default()
                    .push(item.slug.clone());
                if let Some(n) = item.number {
                    index.by_number.insert((section, n), id);
                }
            }
        }
        for doc in left_out {
            let slug = doc
                .front
                .slug
                .as_deref()
                .map_or_else(|| url::slug_from_file_name(doc.stem()), url::slugify);
            index.remember(&doc.rel, Some(slug), doc.front.number, Missing::Draft);
        }
        for rel in failed {
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md");
            let number = url::number_from_file_name(stem);
            index.remember(
                rel,
                Some(url::slug_from_file_name(stem)),
                number,
                Missing::Failed,
            );
        }
        index
    }

    fn remember(&mut self, rel: &str, slug: Option<String>, number: Option<u32>, why: Missing) {
        self.missing.insert((None, rel.to_string()), why);
        if let Kind::Item(section) = Kind::of(rel) {
            if let Some(slug) = slug {
                self.missing.insert((Some(section), slug), why);
            }
            if let Some(n) = number {
                self.missing.insert((Some(section), n.to_string()), why);
            }
        }
    }

    fn find(&self, section: Section, reference: &str) -> Option<ItemId> {
        match reference.parse::<u32>() {
            Ok(n) if section != Section::Themes => self.by_number.get(&(section, n)).copied(),
            _ => self.by_slug.get(&(section, reference.to_string())).copied(),
        }
    }
}

/// Resolves the `themes:` and `conclusions:` of a document to items.
fn resolve_relations(doc: &Document, index: &Index, diagnostics: &mut Diagnostics) -> Relations {
    let mut relations = Relations::default();
    let wanted = doc
        .front
        .themes
        .iter()
        .map(|t| ("themes", Section::Themes, t.clone()))
        .chain(
            doc.front
                .conclusions
                .iter()
                .map(|c| ("conclusions", Section::Conclusions, c.to_string())),
        );
    for (key, section, reference) in wanted {
        let found = index.find(section, &reference);
        match found {
            Some(id) => {
                let list = match section {
                    Section::Themes => &mut relations.themes,
                    _ => &mut relations.conclusions,
                };
                if !list.contains(&id) {
                    list.push(id);
                }
            }
            None => {
                let error = match index.missing.get(&(Some(section), reference.clone())) {
                    Some(Missing::Failed) => continue,
                    Some(Missing::Draft) => LinkError::ToDraft {
                        reference: reference.clone(),
                    },
                    None => LinkError::Dangling {
                        suggestion: did_you_mean(
                            &reference,
                            index
                                .slugs
                                .get(&section)
                                .into_iter()
                                .flatten()
                                .map(String::as_str),
                        )
                        .map(str::to_string),
                        kind: singular(section),
                        reference: reference.clone(),
                    },
                };
                diagnostics.push(Diagnostic::new(
                    &doc.path,
                    doc.value_position(key, &reference),
                    &error,
                ));
            }
        }
    }
    relations
}

fn singular(section: Section) -> &'static str {
    match section {
        Section::Themes => "theme",
        Section::Conclusions => "conclusion",
        Section::Recommendations => "recommendation",
    }
}

/// What a link or image destination in `doc`'s body becomes.
fn resolve_link<'a>(
    dest: &'a str,
    doc: &Document,
    index: &'a Index,
    paths: &[&str],
    assets: &HashMap<&str, &str>,
    urls: &UrlMaker,
) -> Destination {
    if let Some(target) = dest.strip_prefix("@/") {
        let (file, anchor) = match target.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (target, None),
        };
        return match index.by_rel.get(file) {
            Some(&id) => {
                let link = urls.link(paths[id]);
                Destination::Url(anchor.map_or(link.clone(), |a| format!("{link}#{a}")))
            }
            None => match index.missing.get(&(None, file.to_string())) {
                Some(Missing::Failed) => Destination::Keep,
                Some(Missing::Draft) => Destination::Broken(BrokenLink::Draft(dest.to_string())),
                None => {
                    let split = |rel: &'a str| rel.rsplit_once('/').unwrap_or(("", rel));
                    let (folder, name) = split(file);
                    let siblings = index
                        .rels
                        .iter()
                        .map(|r| split(r))
                        .filter(|(f, _)| *f == folder);
                    let near = did_you_mean(name, siblings.map(|(_, n)| n));
                    Destination::Broken(BrokenLink::NoContent {
                        dest: dest.to_string(),
                        file: file.to_string(),
                        suggestion: near.map(|n| format!("@/{}", file.replacen(name, n, 1))),
                    })
                }
            },
        };
    }
    let is_external = has_scheme(dest);
    if is_external || dest.starts_with('#') || dest.starts_with('/') || dest.is_empty() {
        return Destination::Keep;
    }
    let (file, fragment) = dest
        .split_once(['#', '?'])
        .map_or((dest, ""), |(f, _)| (f, &dest[f.len()..]));
    let folder = doc.rel.rsplit_once('/').map_or("", |(f, _)| f);
    let Some(joined) = join_relative(folder, file) else {
        return Destination::Keep;
    };
    if joined.ends_with(".md") {
        return Destination::Broken(BrokenLink::MarkdownFile {
            dest: dest.to_string(),
            file: joined,
        });
    }
    match assets.get(joined.as_str()) {
        Some(path) => Destination::Url(format!("{}{fragment}", urls.link(path))),
        None => Destination::Broken(BrokenLink::NoFile {
            dest: dest.to_string(),
            file: joined,
        }),
    }
}

/// Whether a link starts with a URL scheme (`https:`, `mailto:`, `tel:` ...): not a file.
fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `folder` joined with a relative `path`, `..` and `.` resolved; `None` if it leaves `content/`.
fn join_relative(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Where files beside the content go: the same path, with section folders renamed to
/// their URL names (`conclusions/schema.png` → `conclusies/schema.png`).
fn place_assets(assets: Vec<&Asset>, config: &SiteConfig) -> Vec<OutputAsset> {
    assets
        .into_iter()
        .map(|asset| {
            let path = match asset.rel.split_once('/') {
                Some((folder, rest)) => match Section::from_folder(folder) {
                    Some(section) => format!("{}/{rest}", section.url_name(config)),
                    None => asset.rel.clone(),
                },
                None => asset.rel.clone(),
            };
            OutputAsset {
                source: asset.path.clone(),
                rel: asset.rel.clone(),
                path,
            }
        })
        .collect()
}

/// Fills in the relations that point back: a theme's conclusions and recommendations,
/// a conclusion's recommendations.
fn derive_backlinks(items: &mut [Item]) {
    let mut back: Vec<(ItemId, Section, ItemId)> = Vec::new();
    for (id, item) in items.iter().enumerate() {
        let Kind::Item(section) = item.kind else {
            continue;
        };
        for &theme in &item.relations.themes {
            back.push((theme, section, id));
        }
        for &conclusion in &item.relations.conclusions {
            back.push((conclusion, section, id));
        }
    }
    for (target, section, source) in back {
        let relations = &mut items[target].relations;
        let list = match section {
            Section::Themes => &mut relations.themes,
            Section::Conclusions => &mut relations.conclusions,
            Section::Recommendations => &mut relations.recommendations,
        };
        if !list.contains(&source) {
            list.push(source);
        }
    }
    let order: Vec<_> = items.iter().map(reading_order).collect();
    for item in items.iter_mut() {
        let r = &mut item.relations;
        for list in [&mut r.themes, &mut r.conclusions, &mut r.recommendations] {
            list.sort_by(|&a, &b| order[a].cmp(&order[b]));
        }
    }
}

/// Items are read by number, then weight, then title.
fn reading_order(item: &Item) -> (u32, i64, String) {
    (
        item.number.unwrap_or(u32::MAX),
        item.weight,
        item.title.to_lowercase(),
    )
}

fn assemble(
    config: SiteConfig,
    urls: UrlMaker,
    items: Vec<Item>,
    assets: Vec<OutputAsset>,
    links: LinkState,
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
    let order: Vec<_> = items.iter().map(reading_order).collect();
    for list in sections.values_mut().chain([&mut pages]) {
        list.sort_by(|&a, &b| order[a].cmp(&order[b]));
    }
    Harvest {
        config,
        urls,
        items,
        home,
        intros,
        sections,
        pages,
        assets,
        links,
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
    /// Takes in the new bodies of documents whose front matter did not change, and returns
    /// the items whose pages changed with the problems of the whole harvest's links.
    /// Returns `None`, having changed nothing, when a body's change reaches beyond its own
    /// pages (a summary taken from the body shows in lists): then the harvest is linked anew.
    pub fn replace_bodies(&mut self, docs: &[&Document]) -> Option<(Vec<ItemId>, Diagnostics)> {
        let links = &self.links;
        let paths: Vec<&str> = links.paths.iter().map(String::as_str).collect();
        let assets: HashMap<&str, &str> = links
            .asset_paths
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut diagnostics = Diagnostics::new();
        let mut replaced = Vec::new();
        for doc in docs {
            let &id = links.index.by_rel.get(&doc.rel)?;
            let body = match doc.body() {
                Ok(body) => body,
                Err(unreadable) => {
                    diagnostics.push(unreadable);
                    continue;
                }
            };
            let resolve =
                |dest: &str| resolve_link(dest, doc, &links.index, &paths, &assets, &self.urls);
            let mut rendered =
                markdown::render(&body, doc.body_line, &resolve, self.config.markdown.safe);
            rendered.source_key = body_key(doc, &body, links.targets);
            let item = &self.items[id];
            if item.summary_from_body && shorten(&rendered.lead, SUMMARY_LENGTH) != item.summary {
                return None;
            }
            replaced.push((id, doc.path.clone(), Arc::new(rendered)));
        }
        let changed: Vec<ItemId> = replaced.iter().map(|(id, _, _)| *id).collect();
        for (id, _, body) in replaced {
            self.items[id].body = body;
        }
        for item in &self.items {
            for (position, reason) in &item.body.broken_links {
                diagnostics.push(Diagnostic::new(
                    &item.source,
                    *position,
                    &LinkError::BrokenLink(reason.clone()),
                ));
            }
            for link in &item.body.anchor_links {
                if let Some(error) = check_anchor(link, &self.links.index, &self.items) {
                    diagnostics.push(Diagnostic::new(&item.source, link.position, &error));
                }
            }
        }
        Some((changed, diagnostics))
    }

    /// The items of a section, in reading order.
    pub fn section(&self, section: Section) -> &[ItemId] {
        self.sections.get(&section).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_inside_content() {
        assert_eq!(
            join_relative("conclusions", "schema.png").as_deref(),
            Some("conclusions/schema.png")
        );
        assert_eq!(
            join_relative("conclusions", "../img/a.png").as_deref(),
            Some("img/a.png")
        );
        assert_eq!(join_relative("", "../../etc/passwd"), None);
    }

    #[test]
    fn links_with_a_scheme_are_not_files() {
        for dest in [
            "https://x.org/a",
            "mailto:a@b.nl",
            "tel:+31",
            "javascript:x()",
            "ftp://x",
        ] {
            assert!(has_scheme(dest), "{dest}");
        }
        for dest in ["schema.png", "../img/a.png", "a/b:c.png", "#kop", "1:2.png"] {
            assert!(!has_scheme(dest), "{dest}");
        }
    }

    #[test]
    fn summaries_are_cut_at_words() {
        assert_eq!(shorten("kort", 10), "kort");
        assert_eq!(shorten("een twee drie vier", 10), "een twee…");
    }
}
