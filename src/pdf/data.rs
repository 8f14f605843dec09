//! The harvest as a Typst module the template imports: every text a string literal or
//! converted Markdown, so nothing a writer wrote is ever read as Typst code.

use std::fmt::Write;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::markup::{self, BodyLabels, LinkTarget, string_literal};
use crate::content::front_matter;
use crate::content::{Kind, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{Harvest, Item, ItemId};

/// The path the template imports the harvest from.
pub const DATA_PATH: &str = "/harvest-data.typ";

/// A Typst value, written out as code.
enum Value {
    None,
    Str(String),
    Int(i64),
    /// Typst markup, made by [`markup::to_typst`] or escaped.
    Content(String),
    Array(Vec<Value>),
    Dict(Vec<(&'static str, Value)>),
}

impl Value {
    fn write(&self, out: &mut String) {
        match self {
            Value::None => out.push_str("none"),
            Value::Str(text) => string_literal(text, out),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Content(markup) => {
                out.push('[');
                out.push_str(markup);
                out.push(']');
            }
            Value::Array(values) => {
                out.push('(');
                for value in values {
                    value.write(out);
                    out.push_str(", ");
                }
                out.push(')');
            }
            Value::Dict(entries) if entries.is_empty() => out.push_str("(:)"),
            Value::Dict(entries) => {
                out.push('(');
                for (key, value) in entries {
                    string_literal(key, out);
                    out.push_str(": ");
                    value.write(out);
                    out.push_str(",\n");
                }
                out.push(')');
            }
        }
    }
}

fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::None, Value::Str)
}

/// UI strings as a dictionary; texts stay strings, lists of texts stay lists.
fn strings(strings: &serde_json::Map<String, serde_json::Value>) -> String {
    if strings.is_empty() {
        return "(:)".to_string();
    }
    let mut out = String::from("(");
    for (key, value) in strings {
        string_literal(key, &mut out);
        out.push_str(": ");
        json(value).write(&mut out);
        out.push_str(",\n");
    }
    out.push(')');
    out
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
    pub strings: &'a serde_json::Map<String, serde_json::Value>,
    /// The report's date, written out in the site's language.
    pub date: String,
}

/// Writes the harvest module; problems (unreadable bodies) are returned with it.
pub fn harvest_module(harvest: &Harvest, cover: &Cover<'_>) -> (String, Diagnostics) {
    let labels: HashMap<&str, ItemId> = harvest
        .items
        .iter()
        .enumerate()
        .map(|(id, item)| (item.rel.as_str(), id))
        .collect();
    let bodies: Vec<Result<String, Diagnostic>> = harvest
        .items
        .par_iter()
        .with_max_len(crate::PARALLEL_PIECE)
        .map(|item| body(item, harvest, &labels))
        .collect();
    let mut diagnostics = Diagnostics::new();
    let mut bodies: Vec<String> = bodies
        .into_iter()
        .map(|b| {
            b.unwrap_or_else(|d| {
                diagnostics.push(d);
                String::new()
            })
        })
        .collect();
    let config = &harvest.config;
    let mut item = |id: ItemId| item_value(harvest, id, std::mem::take(&mut bodies[id]));

    let home = harvest.home.map_or(Value::None, &mut item);
    let sections: Vec<Value> = Section::ALL
        .iter()
        .map(|&section| {
            let intro = harvest
                .intros
                .get(&section)
                .map_or(Value::None, |&id| item(id));
            let items = harvest
                .section(section)
                .iter()
                .map(|&id| item(id))
                .collect();
            Value::Dict(vec![
                ("key", Value::Str(section.folder().to_string())),
                ("label", Value::Str(format!("section:{}", section.folder()))),
                ("intro", intro),
                ("items", Value::Array(items)),
            ])
        })
        .collect();
    let pages = harvest.pages.iter().map(|&id| item(id)).collect();

    let site = Value::Dict(vec![
        ("title", Value::Str(config.title.clone())),
        ("subtitle", text(&config.subtitle)),
        ("organisation", text(&config.organisation)),
        ("author", text(&config.author)),
        ("description", text(&config.description)),
        ("language", Value::Str(config.language.code().to_string())),
        ("date", Value::Str(cover.date.clone())),
    ]);
    let mut out = String::with_capacity(bodies_len(harvest) * 5 / 4 + 4096);
    out.push_str("// Made by oogst from the harvest: not to be edited.\n#let site = ");
    site.write(&mut out);
    out.push_str("\n#let t = ");
    out.push_str(&strings(cover.strings));
    out.push_str("\n#let home = ");
    home.write(&mut out);
    out.push_str("\n#let sections = ");
    Value::Array(sections).write(&mut out);
    out.push_str("\n#let pages = ");
    Value::Array(pages).write(&mut out);
    out.push_str("\n#let matrix = ");
    matrix(harvest).write(&mut out);
    out.push('\n');
    (out, diagnostics)
}

fn bodies_len(harvest: &Harvest) -> usize {
    harvest.items.iter().map(|i| i.body.html.len()).sum()
}

/// An item as the template sees it: label, kind, number, title, summary, body, relations.
fn item_value(harvest: &Harvest, id: ItemId, body: String) -> Value {
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
            Value::Array(ids.iter().map(|&id| reference(harvest, id)).collect()),
        )
    };
    let r = &item.relations;
    Value::Dict(vec![
        ("label", Value::Str(item_label(item))),
        ("kind", Value::Str(kind.to_string())),
        (
            "number",
            item.number.map_or(Value::None, |n| Value::Int(n.into())),
        ),
        ("title", Value::Str(item.title.clone())),
        ("summary", Value::Str(item.summary.clone())),
        ("body", Value::Content(body)),
        (
            "relations",
            Value::Dict(vec![
                related("themes", &r.themes),
                related("conclusions", &r.conclusions),
                related("recommendations", &r.recommendations),
            ]),
        ),
    ])
}

/// Another item, as a relation or matrix entry names it.
fn reference(harvest: &Harvest, id: ItemId) -> Value {
    let item = &harvest.items[id];
    Value::Dict(vec![
        ("label", Value::Str(item_label(item))),
        (
            "number",
            item.number.map_or(Value::None, |n| Value::Int(n.into())),
        ),
        ("title", Value::Str(item.title.clone())),
    ])
}

/// Recommendations against the conclusions and themes they answer.
fn matrix(harvest: &Harvest) -> Value {
    let refs =
        |ids: &[ItemId]| Value::Array(ids.iter().map(|&id| reference(harvest, id)).collect());
    let labels = |ids: &[ItemId]| {
        Value::Array(
            ids.iter()
                .map(|&id| Value::Str(item_label(&harvest.items[id])))
                .collect(),
        )
    };
    let rows = harvest
        .section(Section::Recommendations)
        .iter()
        .map(|&id| {
            let r = &harvest.items[id].relations;
            Value::Dict(vec![
                ("recommendation", reference(harvest, id)),
                ("conclusions", labels(&r.conclusions)),
                ("themes", labels(&r.themes)),
            ])
        })
        .collect();
    Value::Dict(vec![
        ("conclusions", refs(harvest.section(Section::Conclusions))),
        ("themes", refs(harvest.section(Section::Themes))),
        ("rows", Value::Array(rows)),
    ])
}

/// An item's body as Typst markup, read again from its file (the harvest keeps HTML only).
fn body(
    item: &Item,
    harvest: &Harvest,
    labels: &HashMap<&str, ItemId>,
) -> Result<String, Diagnostic> {
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
    let labels = BodyLabels {
        resolve: &resolve,
        headings: &headings,
        footnotes: &format!("{own}#"),
    };
    Ok(markup::to_typst(split.body, &labels))
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
    if let Some(target) = dest.strip_prefix("@/") {
        let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
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
