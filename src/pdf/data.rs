//! The harvest as a Typst module the template imports: every text a string literal or
//! converted Markdown, so nothing a writer wrote is ever read as Typst code.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};

use super::markup::{self, BodyLabels, LinkTarget, string_literal};
use crate::content::front_matter;
use crate::content::markdown::content_link;
use crate::content::{Kind, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{Harvest, Item, ItemId, Part};
use crate::images::Gallery;
use crate::routes::PrintShelf;

/// The path the template imports the harvest from.
pub const DATA_PATH: &str = "/harvest-data.typ";

/// A Typst value, written out as code.
enum Value {
    None,
    Str(String),
    Int(i64),
    Bool(bool),
    /// An item's body as Typst markup made by [`markup::to_typst`], and its source file.
    Body(String, PathBuf),
    Array(Vec<Value>),
    Dict(Vec<(String, Value)>),
}

/// The module's text, with where each body is in it.
#[derive(Default)]
pub struct Module {
    /// The Typst source.
    pub text: String,
    /// The byte range of each item's body in `text`, with the item's source file.
    pub bodies: Vec<(std::ops::Range<usize>, PathBuf)>,
    /// The images the bodies show: their path in the report, the file they are made of.
    pub images: BTreeMap<String, PathBuf>,
}

impl Module {
    fn write(&mut self, value: &Value) {
        let out = &mut self.text;
        match value {
            Value::None => out.push_str("none"),
            Value::Str(text) => string_literal(text, out),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Body(markup, source) => {
                out.push('[');
                let start = out.len();
                out.push_str(markup);
                self.bodies.push((start..out.len(), source.clone()));
                self.text.push(']');
            }
            Value::Array(values) => {
                out.push('(');
                for value in values {
                    self.write(value);
                    self.text.push_str(", ");
                }
                self.text.push(')');
            }
            Value::Dict(entries) if entries.is_empty() => out.push_str("(:)"),
            Value::Dict(entries) => {
                out.push('(');
                for (key, value) in entries {
                    string_literal(key, &mut self.text);
                    self.text.push_str(": ");
                    self.write(value);
                    self.text.push_str(",\n");
                }
                self.text.push(')');
            }
        }
    }
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::None, Value::Str)
}

/// UI strings as a dictionary; texts stay strings, lists of texts stay lists.
fn strings(strings: &serde_json::Map<String, serde_json::Value>) -> Value {
    let entries = strings
        .iter()
        .map(|(key, value)| (key.clone(), json(value)));
    Value::Dict(entries.collect())
}

fn json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(list) => Value::Array(list.iter().map(json).collect()),
        serde_json::Value::Number(n) => n.as_i64().map_or(Value::Str(n.to_string()), Value::Int),
        serde_json::Value::Bool(b) => Value::Str(b.to_string()),
        _ => Value::None,
    }
}

/// The label of an item's place in the report: its content path.
pub fn item_label(item: &Item) -> String {
    item.rel.clone()
}

/// What the harvest module is made of besides the harvest.
pub struct Cover<'a> {
    /// The theme's UI strings in the site's language.
    pub strings: &'a serde_json::Map<String, serde_json::Value>,
    /// The report's date, written out in the site's language.
    pub date: String,
}

/// What one PDF file holds: the whole harvest, or one part of an edition in parts.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Whole,
    /// A part of the print edition's division, with its title; `opening`: the edition's
    /// first part, which the harvest's introduction opens.
    Part {
        part: &'a Part,
        title: &'a str,
        opening: bool,
    },
}

impl Scope<'_> {
    /// The items of `shelf` the file shows, in its reading order: a part's own order (by
    /// theme) where it cuts a section.
    fn items(&self, harvest: &Harvest, shelf: PrintShelf) -> Vec<ItemId> {
        match self {
            Scope::Part { part, .. } if part.shelf == shelf => part.items.clone(),
            Scope::Part { .. } => Vec::new(),
            Scope::Whole => match shelf {
                PrintShelf::Section(section) => harvest.section(section).to_vec(),
                PrintShelf::Pages => harvest.pages.clone(),
            },
        }
    }
}

/// The items a file holds: links and relations to others are shown as text.
struct Within(Option<FxHashSet<ItemId>>);

impl Within {
    fn of(harvest: &Harvest, scope: Scope<'_>) -> Within {
        match scope {
            Scope::Whole => Within(None),
            Scope::Part { part, opening, .. } => Within::part(harvest, part, opening),
        }
    }

    /// The items of `part`, with the introduction of the edition's `opening` part.
    fn part(harvest: &Harvest, part: &Part, opening: bool) -> Within {
        let mut ids: FxHashSet<ItemId> = part.items.iter().copied().collect();
        if let (true, PrintShelf::Section(section)) = (part.opens_section(), part.shelf) {
            ids.extend(harvest.intros.get(&section));
        }
        if opening {
            ids.extend(harvest.home);
        }
        Within(Some(ids))
    }

    fn has(&self, id: ItemId) -> bool {
        self.0.as_ref().is_none_or(|ids| ids.contains(&id))
    }
}

/// How many bytes of HTML the bodies of a file hold: the whole harvest's, or those of
/// `part` (with the introduction when it is the edition's `opening` part).
pub fn text_bytes(harvest: &Harvest, part: Option<&Part>, opening: bool) -> usize {
    let within = match part {
        None => Within(None),
        Some(part) => Within::part(harvest, part, opening),
    };
    let items = harvest.items.iter().enumerate();
    items
        .filter(|&(id, _)| within.has(id))
        .map(|(_, item)| item.body.html_len())
        .sum()
}

/// Writes the harvest module of the file `scope` describes; problems (unreadable bodies)
/// are returned with it. Images the bodies show are taken from `gallery`, in their largest
/// size.
pub fn harvest_module(
    harvest: &Harvest,
    gallery: &Gallery,
    cover: &Cover<'_>,
    scope: Scope<'_>,
) -> (Module, Diagnostics) {
    let within = Within::of(harvest, scope);
    let labels: HashMap<&str, ItemId> = harvest
        .items
        .iter()
        .enumerate()
        .filter(|&(id, _)| within.has(id))
        .map(|(id, item)| (item.rel.as_str(), id))
        .collect();
    let bodies: Vec<Option<Result<(String, Images), Diagnostic>>> = harvest
        .items
        .par_iter()
        .enumerate()
        .with_max_len(crate::PARALLEL_PIECE)
        .map(|(id, item)| {
            let made = within.has(id);
            made.then(|| body(item, harvest, gallery, &labels))
        })
        .collect();
    let mut diagnostics = Diagnostics::new();
    let mut images = BTreeMap::new();
    let mut bodies: Vec<String> = bodies
        .into_iter()
        .map(|b| match b {
            None => String::new(),
            Some(Ok((body, shown))) => {
                images.extend(shown);
                body
            }
            Some(Err(d)) => {
                diagnostics.push(d);
                String::new()
            }
        })
        .collect();
    let config = &harvest.config;
    let text_len: usize = bodies.iter().map(String::len).sum();
    let mut item = |id: ItemId| match within.has(id) {
        true => item_value(harvest, id, std::mem::take(&mut bodies[id]), &within),
        false => Value::None,
    };

    let home = harvest.home.map_or(Value::None, &mut item);
    let sections: Vec<Value> = Section::ALL
        .iter()
        .map(|&section| {
            let intro = harvest
                .intros
                .get(&section)
                .map_or(Value::None, |&id| item(id));
            let shelf = PrintShelf::Section(section);
            let items = scope.items(harvest, shelf).into_iter().map(&mut item);
            dict(vec![
                ("key", Value::Str(section.folder().to_string())),
                ("label", Value::Str(format!("section:{}", section.folder()))),
                ("intro", intro),
                ("items", Value::Array(items.collect())),
            ])
        })
        .collect();
    let pages = (scope.items(harvest, PrintShelf::Pages).into_iter())
        .map(item)
        .collect();
    let part = match scope {
        Scope::Whole => Value::None,
        Scope::Part { title, .. } => dict(vec![("title", Value::Str(title.to_string()))]),
    };

    let site = dict(vec![
        ("title", Value::Str(config.title.clone())),
        ("subtitle", text(&config.subtitle)),
        ("organisation", text(&config.organisation)),
        ("author", text(&config.author)),
        ("description", text(&config.description)),
        ("language", Value::Str(config.language.code().to_string())),
        ("date", Value::Str(cover.date.clone())),
    ]);
    let mut module = Module {
        text: String::with_capacity(text_len * 5 / 4 + 4096),
        bodies: Vec::new(),
        images,
    };
    module
        .text
        .push_str("// Made by oogst from the harvest: not to be edited.\n");
    for (name, value) in [
        ("site", site),
        ("t", strings(cover.strings)),
        ("home", home),
        ("sections", Value::Array(sections)),
        ("pages", Value::Array(pages)),
        ("matrix", matrix(harvest, scope, &within)),
        ("part", part),
    ] {
        module.text.push_str(&format!("#let {name} = "));
        module.write(&value);
        module.text.push('\n');
    }
    (module, diagnostics)
}

/// An item as the template sees it: label, kind, number, title, summary, body, relations.
fn item_value(harvest: &Harvest, id: ItemId, body: String, within: &Within) -> Value {
    let item = &harvest.items[id];
    let kind = match item.kind {
        Kind::Home => "home",
        Kind::SectionIntro(_) => "intro",
        Kind::Item(Section::Themes) => "theme",
        Kind::Item(Section::Conclusions) => "conclusion",
        Kind::Item(Section::Recommendations) => "recommendation",
        Kind::Page => "page",
    };
    let related = |key: &'static str, ids: &[ItemId]| {
        (
            key,
            Value::Array(
                ids.iter()
                    .map(|&id| reference(harvest, id, within))
                    .collect(),
            ),
        )
    };
    let r = &harvest.relations[id];
    dict(vec![
        ("label", Value::Str(item_label(item))),
        ("kind", Value::Str(kind.to_string())),
        (
            "number",
            item.number.map_or(Value::None, |n| Value::Int(n.into())),
        ),
        ("title", Value::Str(item.title.clone())),
        ("summary", Value::Str(item.summary.clone())),
        ("body", Value::Body(body, item.source.clone())),
        (
            "relations",
            dict(vec![
                related("themes", &r.themes),
                related("conclusions", &r.conclusions),
                related("recommendations", &r.recommendations),
            ]),
        ),
    ])
}

/// Another item, as a relation or matrix entry names it; `here`: whether it is in this
/// file (a label to link to), not in another part's.
fn reference(harvest: &Harvest, id: ItemId, within: &Within) -> Value {
    let item = &harvest.items[id];
    dict(vec![
        ("label", Value::Str(item_label(item))),
        ("here", Value::Bool(within.has(id))),
        (
            "number",
            item.number.map_or(Value::None, |n| Value::Int(n.into())),
        ),
        ("title", Value::Str(item.title.clone())),
    ])
}

/// The recommendations in the file against the conclusions and themes they answer: all of
/// them in a whole report, those the rows answer in a part.
fn matrix(harvest: &Harvest, scope: Scope<'_>, within: &Within) -> Value {
    let rows = scope.items(harvest, PrintShelf::Section(Section::Recommendations));
    let answered: FxHashSet<ItemId> = (rows.iter())
        .flat_map(|&id| {
            let r = &harvest.relations[id];
            r.conclusions.iter().chain(&r.themes).copied()
        })
        .collect();
    let refs = |section: Section| {
        let columns = (harvest.section(section).iter())
            .filter(|&id| matches!(scope, Scope::Whole) || answered.contains(id))
            .map(|&id| reference(harvest, id, within));
        Value::Array(columns.collect())
    };
    let labels = |ids: &[ItemId]| {
        Value::Array(
            ids.iter()
                .map(|&id| Value::Str(item_label(&harvest.items[id])))
                .collect(),
        )
    };
    let rows = rows
        .iter()
        .map(|&id| {
            let r = &harvest.relations[id];
            dict(vec![
                ("recommendation", reference(harvest, id, within)),
                ("conclusions", labels(&r.conclusions)),
                ("themes", labels(&r.themes)),
            ])
        })
        .collect();
    dict(vec![
        ("conclusions", refs(Section::Conclusions)),
        ("themes", refs(Section::Themes)),
        ("rows", Value::Array(rows)),
    ])
}

/// Images a body shows: their path in the report, the file they are made of.
type Images = Vec<(String, PathBuf)>;

/// An item's body as Typst markup, read again from its file (the harvest keeps HTML only),
/// with the images it shows.
fn body(
    item: &Item,
    harvest: &Harvest,
    gallery: &Gallery,
    labels: &HashMap<&str, ItemId>,
) -> Result<(String, Images), Diagnostic> {
    let unreadable =
        |e: &dyn crate::diagnostics::Hint| Diagnostic::new(&item.source, Position::UNKNOWN, e);
    let text = std::fs::read_to_string(&item.source)
        .map_err(|e| unreadable(&crate::content::load::LoadError::Io(e)))?;
    let split = front_matter::split(&text).map_err(|e| unreadable(&e))?;
    let own = item_label(item);
    let headings: Vec<String> = item
        .body
        .headings
        .iter()
        .map(|h| format!("{own}#{}", h.id))
        .collect();
    let resolve = |dest: &str| link_target(dest, item, harvest, labels);
    let shown = RefCell::new(Vec::new());
    let image = |dest: &str| {
        let figure = item.body.figures.iter().find(|f| f.written == dest)?;
        let picture = gallery.known(&figure.source)?;
        let (largest, _) = picture.files().last()?;
        let extension = largest.rsplit_once('.').map_or("jpg", |(_, e)| e);
        let file = format!("/images/{:032x}.{extension}", picture.key);
        shown
            .borrow_mut()
            .push((file.clone(), figure.source.clone()));
        Some(file)
    };
    let labels = BodyLabels {
        resolve: &resolve,
        headings: &headings,
        footnotes: &format!("{own}#"),
        image: &image,
    };
    let markup = markup::to_typst(split.body, &labels);
    Ok((markup, shown.into_inner()))
}

/// Where a link in `item`'s body leads in the report.
fn link_target(
    dest: &str,
    item: &Item,
    harvest: &Harvest,
    labels: &HashMap<&str, ItemId>,
) -> LinkTarget {
    let heading = |target: &Item, anchor: &str| {
        if target.body.headings.iter().any(|h| h.id == anchor) {
            LinkTarget::Label(format!("{}#{anchor}", item_label(target)))
        } else {
            LinkTarget::Label(item_label(target))
        }
    };
    if let Some((file, anchor)) = content_link(dest) {
        let anchor = anchor.unwrap_or_default();
        return match labels.get(file) {
            Some(&id) if anchor.is_empty() => LinkTarget::Label(item_label(&harvest.items[id])),
            Some(&id) => heading(&harvest.items[id], anchor),
            None => LinkTarget::Text,
        };
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return match item.body.headings.iter().any(|h| h.id == anchor) {
            true => heading(item, anchor),
            false => LinkTarget::Text,
        };
    }
    let scheme = dest.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https" | "mailto") => LinkTarget::Url(dest.to_string()),
        _ => LinkTarget::Text,
    }
}
