//! Template errors: Tera's errors turned into diagnostics at the template file and line
//! at fault, with a hint.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::diagnostics::{Diagnostic, Hint, Position, did_you_mean};
use crate::theme::{Origin, TemplateSource};

#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("template `{template}`: {message}")]
    Syntax { template: String, message: String },
    #[error("template `{template}`: {message}")]
    Render { template: String, message: String },
    #[error(
        "template `{template}` extends `{parent}`, which is not a template of the theme or the site"
    )]
    MissingParent {
        template: String,
        parent: String,
        suggestion: Option<String>,
    },
    /// `tag` is `include` or `extends`; `chain` the templates of the cycle, the first again last.
    #[error(
        "template `{template}`: Circular {}: {}",
        if *.tag == "include" { "include" } else { "inheritance" },
        .chain.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" → ")
    )]
    Cycle {
        template: String,
        tag: &'static str,
        chain: Vec<String>,
    },
    #[error(
        "template `{template}` has taken more than {seconds} s to render: it, or a template it uses, loops (nearly) forever"
    )]
    TooLong { template: String, seconds: u64 },
}

impl Hint for TemplateError {
    fn hint(&self) -> Option<String> {
        let message = match self {
            TemplateError::Syntax { message, .. } | TemplateError::Render { message, .. } => {
                message
            }
            TemplateError::TooLong { .. } => {
                return Some("look for loops over large ranges in the site's templates".into());
            }
            TemplateError::MissingParent {
                parent, suggestion, ..
            } => {
                let near = suggestion
                    .as_ref()
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                return Some(format!(
                    "fix the name after `extends`{near}, or create templates/{parent}"
                ));
            }
            TemplateError::Cycle { tag, .. } => {
                let verb = if *tag == "include" {
                    "includes"
                } else {
                    "extends"
                };
                return Some(format!(
                    "break the cycle: a template cannot be part of what it {verb}, directly or through other templates"
                ));
            }
        };
        if message.contains("not defined") || message.contains("not found") {
            return Some("check the name against the variables in themes/default/README.md, or guard it with `is defined`".into());
        }
        Some("fix the template, or delete the site's copy to use the theme's own".into())
    }
}

/// Names in `diagnostic` the pages whose rendering it stopped.
pub(super) fn on_pages(diagnostic: &mut Diagnostic, pages: &[String]) {
    diagnostic.message = match pages {
        [one] => format!("{} (rendering {one})", diagnostic.message),
        [first, rest @ ..] => format!(
            "{} (rendering {first} and {} more page{})",
            diagnostic.message,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
        [] => std::mem::take(&mut diagnostic.message),
    };
}

/// The diagnostic of a template that took longer than `limit` to render, at its file.
pub(super) fn too_long(
    template: &str,
    templates: &BTreeMap<String, TemplateSource>,
    limit: std::time::Duration,
) -> Diagnostic {
    let file = templates.get(template).map_or_else(
        || std::path::PathBuf::from("templates"),
        |t| t.origin.display_path(),
    );
    let error = TemplateError::TooLong {
        template: template.to_string(),
        seconds: limit.as_secs(),
    };
    Diagnostic::new(file, Position::UNKNOWN, &error)
}

/// Turns a Tera error into a diagnostic at the template file and line it names (or, for a
/// missing parent and a cycle, the line of the `extends` or `include` tag at fault).
/// `rendering` names the template being rendered, for errors that do not say where they are.
pub(super) fn locate(
    error: &tera::Error,
    templates: &BTreeMap<String, TemplateSource>,
    rendering: Option<&str>,
    make: impl Fn(String, String) -> TemplateError,
) -> Diagnostic {
    let at = |name: &str, position: Position, error: &TemplateError| {
        let Some(template) = templates.get(name) else {
            return Diagnostic::new("templates", position, error);
        };
        // The text compiled, which for the built-in theme is on no disk.
        Diagnostic::new(template.origin.display_path(), position, error).with_source(&template.text)
    };
    let tag_in = |name: &str, tag: &str, target: &str| {
        templates
            .get(name)
            .map_or(Position::UNKNOWN, |t| tag_position(&t.text, tag, target))
    };
    let (name, position, message) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => (
            report.filename().to_string(),
            Position::new(report.span().start_line, report.span().start_col + 1),
            report.message().to_string(),
        ),
        tera::ErrorKind::MissingParent { current, parent } => {
            let error = TemplateError::MissingParent {
                template: current.clone(),
                parent: parent.clone(),
                suggestion: did_you_mean(parent, templates.keys().map(String::as_str))
                    .map(str::to_string),
            };
            return at(current, tag_in(current, "extends", parent), &error);
        }
        tera::ErrorKind::CircularInclude { include_chain, .. } => {
            let (from, to, chain) = cycle(templates, include_chain);
            let error = TemplateError::Cycle {
                template: from.clone(),
                tag: "include",
                chain,
            };
            return at(&from, tag_in(&from, "include", &to), &error);
        }
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            // The chain holds the parents of `tpl`, the last one met before (or `tpl`).
            let mut whole = vec![tpl.clone()];
            whole.extend(inheritance_chain.iter().cloned());
            let (from, to, chain) = cycle(templates, &whole);
            let error = TemplateError::Cycle {
                template: from.clone(),
                tag: "extends",
                chain,
            };
            return at(&from, tag_in(&from, "extends", &to), &error);
        }
        other => from_report_text(&other.to_string()),
    };
    let name = match (name.is_empty(), rendering) {
        (true, Some(template)) => template.to_string(),
        _ => name,
    };
    let shown_name = if name.is_empty() { "?" } else { &name };
    at(&name, position, &make(shown_name.to_string(), message))
}

/// The cycle in a chain of templates that ends with one met before (`a → b → c → b`): the
/// link to blame, as the template whose tag closes it and the one that tag names, and the
/// cycle itself (`b → c → b`). The link blamed is the last one from a template of the site
/// (which the writer can change), else the last one.
fn cycle(
    templates: &BTreeMap<String, TemplateSource>,
    chain: &[String],
) -> (String, String, Vec<String>) {
    let again = chain.last().map_or("", String::as_str);
    let start = chain.iter().position(|t| t == again).unwrap_or(0);
    let cycle = &chain[start..];
    let on_disk = |name: &str| {
        templates
            .get(name)
            .is_some_and(|t| matches!(t.origin, Origin::Disk(_)))
    };
    let link = cycle
        .windows(2)
        .rev()
        .find(|pair| on_disk(&pair[0]))
        .or_else(|| cycle.windows(2).last());
    let (from, to) = match link {
        Some([from, to]) => (from.clone(), to.clone()),
        _ => (again.to_string(), again.to_string()),
    };
    (from, to, cycle.to_vec())
}

/// Where `{% tag "name" %}` is written in a template's text (at the quoted name), or
/// `UNKNOWN` if it is not written so.
fn tag_position(text: &str, tag: &str, name: &str) -> Position {
    for (open, _) in text.match_indices("{%") {
        let rest = &text[open + 2..];
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        let Some(after_tag) = rest.strip_prefix(tag) else {
            continue;
        };
        let quoted = after_tag.trim_start();
        if quoted.len() == after_tag.len() {
            continue;
        }
        let found = ['"', '\'', '`'].into_iter().any(|quote| {
            quoted
                .strip_prefix(quote)
                .and_then(|q| q.strip_prefix(name))
                .is_some_and(|q| q.starts_with(quote))
        });
        if found {
            return Position::of_offset(text, text.len() - quoted.len());
        }
    }
    Position::UNKNOWN
}

/// Reads template, position and message out of a report Tera gives only as text
/// (`error: Unknown filter `x`` then ` --> page.html:3:18`).
fn from_report_text(text: &str) -> (String, Position, String) {
    let message = text
        .lines()
        .next()
        .unwrap_or(text)
        .trim_start_matches("error: ")
        .to_string();
    let place = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "));
    let parsed = place.and_then(|p| {
        let mut parts = p.rsplitn(3, ':');
        let col = parts.next()?.trim().parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        Some((parts.next()?.to_string(), Position::new(line, col)))
    });
    match parsed {
        Some((name, position)) => (name, position, message),
        None => (String::new(), Position::UNKNOWN, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_positions_out_of_report_text() {
        let text =
            "error: Unknown filter `bogus`\n --> conclusion.html:3:18\n  |\n3 | {{ x | bogus }}";
        let (name, position, message) = from_report_text(text);
        assert_eq!(name, "conclusion.html");
        assert_eq!(position, Position::new(3, 18));
        assert_eq!(message, "Unknown filter `bogus`");
    }

    #[test]
    fn finds_the_tag_that_names_a_template() {
        let text = "{# x #}\n{%- include 'b.html' %}\n{% extends \"a.html\" %}";
        assert_eq!(
            tag_position(text, "include", "b.html"),
            Position::new(2, 13)
        );
        assert_eq!(
            tag_position(text, "extends", "a.html"),
            Position::new(3, 12)
        );
        assert_eq!(tag_position(text, "include", "a.html"), Position::UNKNOWN);
        assert_eq!(
            tag_position("{% include \"ab.html\" %}", "include", "a.html"),
            Position::UNKNOWN
        );
        assert_eq!(
            tag_position("{% includes \"a.html\" %}", "include", "a.html"),
            Position::UNKNOWN
        );
    }

    #[test]
    fn blames_the_link_of_a_cycle_a_site_template_makes() {
        let source = |origin| TemplateSource {
            text: String::new(),
            origin,
        };
        let mut templates = BTreeMap::new();
        for name in ["a.html", "b.html"] {
            templates.insert(name.to_string(), source(Origin::BuiltIn("x")));
        }
        templates.insert("c.html".to_string(), source(Origin::Disk("c.html".into())));
        let chain = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let (from, to, found) = cycle(
            &templates,
            &chain(&["a.html", "b.html", "c.html", "b.html"]),
        );
        assert_eq!((from.as_str(), to.as_str()), ("c.html", "b.html"));
        assert_eq!(found, chain(&["b.html", "c.html", "b.html"]));
        let (from, to, _) = cycle(&templates, &chain(&["a.html", "b.html", "a.html"]));
        assert_eq!((from.as_str(), to.as_str()), ("b.html", "a.html"));
    }
}
