//! Errors a writer can act on: where (file, line, column), what is wrong, how to fix it.
//!
//! Each stage has its own error type (thiserror); this module turns them into
//! [`Diagnostic`]s, collects all of a run, and prints them together as text or JSON.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// An error that can tell the writer how to fix it.
pub trait Hint: std::error::Error {
    /// One sentence on how to fix the problem, if there is something better to say than the message.
    fn hint(&self) -> Option<String> {
        None
    }
}

/// A place in a source file; line and column are 1-based, 0 when unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub col: usize,
}

impl Position {
    pub const UNKNOWN: Position = Position { line: 0, col: 0 };

    pub fn new(line: usize, col: usize) -> Self {
        Position { line, col }
    }

    /// The line and column of a byte offset in `text` (columns count characters).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Position { line, col }
    }

    /// This position moved down by `lines` (for text embedded at a known line of a file).
    ///
    /// Saturates rather than overflows on absurd line numbers.
    pub fn below(self, lines: usize) -> Self {
        if self.line == 0 {
            return self;
        }
        Position {
            line: self.line.saturating_add(lines),
            col: self.col,
        }
    }
}

/// The positions of many byte offsets in one text, in increasing order: each is counted on
/// from the one before, so a body with many links is read once, not once per link.
pub struct Positions<'a> {
    text: &'a str,
    last: std::cell::Cell<(usize, Position)>,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str) -> Self {
        Positions {
            text,
            last: std::cell::Cell::new((0, Position::new(1, 1))),
        }
    }

    /// Like [`Position::of_offset`]; fast when offsets come in increasing order.
    pub fn of(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let (mut from, mut position) = self.last.get();
        if offset < from {
            (from, position) = (0, Position::new(1, 1));
        }
        let between = &self.text.as_bytes()[from..offset];
        // Characters are counted by their first bytes, so counts of parts add up.
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        match memchr::memrchr(b'\n', between) {
            Some(last_newline) => {
                position.line += memchr::memchr_iter(b'\n', between).count();
                position.col = chars(&between[last_newline + 1..]) + 1;
            }
            None => position.col += chars(between),
        }
        self.last.set((offset, position));
        position
    }
}

/// One error, ready to show to a writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, relative to the site root where it lies inside it.
    pub file: PathBuf,
    #[serde(flatten)]
    pub position: Position,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The line of the file the position points into, shown under the message.
    /// Boxed: a diagnostic travels in `Result`s, which stay small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<Box<SourceLine>>,
    /// Told, but the build goes on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

/// The source line an error points into, cut to a window around the column when it is long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SourceLine {
    /// The text of the line (without its line end), `…` where it was cut.
    pub text: String,
    /// Where the caret goes in `text`: a 1-based column counted in characters.
    #[serde(skip)]
    pub col: usize,
}

/// A source line longer than this many characters is shown as a window of this many.
const SOURCE_LINE_WIDTH: usize = 240;

impl SourceLine {
    /// Line `position.line` of `text`, or `None` if the text has no such line.
    pub fn of(text: &str, position: Position) -> Option<SourceLine> {
        let index = position.line.checked_sub(1)?;
        let line = text.split('\n').nth(index)?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Positions on the first line are counted after a byte-order mark.
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let col = position.col.max(1);
        let length = line.chars().count();
        if length <= SOURCE_LINE_WIDTH {
            return Some(SourceLine {
                text: line.to_string(),
                col,
            });
        }
        // A window that holds the column, a little after the window's middle.
        let start = col
            .saturating_sub(SOURCE_LINE_WIDTH / 2)
            .min(length.saturating_sub(SOURCE_LINE_WIDTH));
        let mut window: String = line.chars().skip(start).take(SOURCE_LINE_WIDTH).collect();
        let mut col = col - start;
        if start > 0 {
            window.insert(0, '…');
            col += 1;
        }
        if start + SOURCE_LINE_WIDTH < length {
            window.push('…');
        }
        Some(SourceLine { text: window, col })
    }

    /// The byte offset in `text` of the caret's column (the end of the line if it lies beyond).
    fn caret_offset(&self) -> usize {
        self.text
            .char_indices()
            .nth(self.col.saturating_sub(1))
            .map_or(self.text.len(), |(at, _)| at)
    }
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, position: Position, error: &dyn Hint) -> Self {
        Diagnostic {
            file: file.into(),
            position,
            message: error.to_string(),
            hint: error.hint(),
            source_line: None,
            warning: false,
        }
    }

    /// A problem worth telling that does not stop the build.
    pub fn warning(file: impl Into<PathBuf>, position: Position, problem: &dyn Hint) -> Self {
        Diagnostic {
            warning: true,
            ..Diagnostic::new(file, position, problem)
        }
    }

    /// This diagnostic with the line of `text` (the whole file) that its position points into.
    pub fn with_source(mut self, text: &str) -> Self {
        if self.position.line > 0 {
            self.source_line = SourceLine::of(text, self.position).map(Box::new);
        }
        self
    }

    /// The first line as `path:line:col: error: message` (`warning:` for a warning; no
    /// position where there is none).
    fn headline(&self) -> String {
        let mut line = self.file.display().to_string();
        if self.position.line > 0 {
            line.push_str(&format!(
                ":{}:{}",
                self.position.line,
                self.position.col.max(1)
            ));
        }
        line.push_str(if self.warning {
            ": warning: "
        } else {
            ": error: "
        });
        line.push_str(&self.message);
        line
    }

    /// The report of this error as rustc shows one: the headline, the source line with a
    /// caret under the column, and the hint. Without a source line: the headline and hint.
    pub fn render(&self, renderer: &Renderer) -> String {
        let Some(source) = &self.source_line else {
            let mut text = self.headline();
            if let Some(hint) = &self.hint {
                text.push_str(&format!("\n  = hint: {hint}"));
            }
            return text;
        };
        let headline = self.headline();
        let caret = source.caret_offset();
        let snippet = Snippet::source(source.text.as_str())
            .line_start(self.position.line)
            .annotation(AnnotationKind::Primary.span(caret..caret));
        let level = if self.warning {
            Level::WARNING
        } else {
            Level::ERROR
        };
        let mut group =
            Group::with_title(level.no_name().primary_title(headline.as_str())).element(snippet);
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.with_name("hint").message(hint.as_str()));
        }
        renderer.render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&Renderer::plain()))
    }
}

/// All errors of a run, reported together.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether one of them is an error, not only a warning.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| !d.warning)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Keeps those that `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.0.retain(keep);
    }

    /// Sorted by file and position, so a report reads top to bottom.
    pub fn sorted(mut self) -> Self {
        self.0
            .sort_by(|a, b| (&a.file, a.position).cmp(&(&b.file, b.position)));
        self.0.dedup();
        self
    }

    /// Makes every file path relative to `root` where it lies inside it.
    pub fn relative_to(mut self, root: &Path) -> Self {
        for d in &mut self.0 {
            if let Ok(rel) = d.file.strip_prefix(root) {
                d.file = rel.to_path_buf();
            }
        }
        self
    }

    /// A copy of the warnings among them.
    pub fn warnings(&self) -> Diagnostics {
        Diagnostics(self.0.iter().filter(|d| d.warning).cloned().collect())
    }

    /// The errors, and the warnings apart.
    pub fn split_warnings(self) -> (Diagnostics, Diagnostics) {
        let (warnings, errors) = self.0.into_iter().partition(|d| d.warning);
        (Diagnostics(errors), Diagnostics(warnings))
    }

    /// These errors with `warnings` after them: a failed run tells its warnings too.
    pub fn with_warnings(mut self, warnings: Diagnostics) -> Self {
        self.0.extend(warnings.0);
        self
    }

    /// How many are errors, not warnings.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| !d.warning).count()
    }

    /// All diagnostics as a JSON array, on one line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "[]".to_string())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl Diagnostics {
    /// The whole report: every error as [`Diagnostic::render`] shows it, then the count.
    /// `styled` colours it for a terminal.
    pub fn report(&self, styled: bool) -> String {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut text = String::new();
        for d in &self.0 {
            text.push_str(&d.render(&renderer));
            text.push('\n');
            // A blank line after a snippet, as rustc does, keeps the errors apart.
            if d.source_line.is_some() {
                text.push('\n');
            }
        }
        let errors = self.error_count();
        text.push_str(&format!(
            "{errors} error{}",
            if errors == 1 { "" } else { "s" }
        ));
        let warnings = self.0.len() - errors;
        if warnings > 0 {
            let s = if warnings == 1 { "" } else { "s" };
            text.push_str(&format!(", {warnings} warning{s}"));
        }
        text
    }

    /// Gives every error with a line and no source line yet the line from its file on disk.
    /// Files are read once each; one that cannot be read leaves its errors as they are.
    pub fn with_source_lines(mut self) -> Self {
        let mut files: std::collections::HashMap<PathBuf, Option<String>> = Default::default();
        for d in &mut self.0 {
            if d.position.line == 0 || d.source_line.is_some() {
                continue;
            }
            let text = files.entry(d.file.clone()).or_insert_with(|| {
                std::fs::read(&d.file)
                    .ok()
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            });
            if let Some(text) = text {
                d.source_line = SourceLine::of(text, d.position).map(Box::new);
            }
        }
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report(false))
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be what was meant.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(wrong, c), c))
        .filter(|(score, _)| *score >= 0.6)
        // Of candidates as near, the first in sort order: the same whatever order they come in.
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(Position::of_offset(text, 0), Position::new(1, 1));
        assert_eq!(Position::of_offset(text, 3), Position::new(2, 1));
        assert_eq!(Position::of_offset(text, 5), Position::new(2, 3));
        assert_eq!(Position::of_offset(text, 7), Position::new(2, 4));
        assert_eq!(Position::of_offset(text, 8), Position::new(3, 1));
        assert_eq!(Position::of_offset(text, 999), Position::new(3, 2));
    }

    #[test]
    fn positions_in_order_match_single_lookups() {
        let text = "ab\ncdé\nf\n\nxyz";
        let positions = Positions::new(text);
        let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
        offsets.extend([9, 3, 6, 999, 0]);
        for offset in offsets {
            assert_eq!(
                positions.of(offset),
                Position::of_offset(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn source_lines_are_found_and_long_ones_cut_around_the_column() {
        let text = "\u{feff}a: 1\r\nb: [x\n";
        let first = SourceLine::of(text, Position::new(1, 1)).unwrap();
        assert_eq!((first.text.as_str(), first.col), ("a: 1", 1));
        assert_eq!(
            SourceLine::of(text, Position::new(2, 5)).unwrap().text,
            "b: [x"
        );
        assert_eq!(SourceLine::of(text, Position::new(3, 1)).unwrap().text, "");
        assert_eq!(SourceLine::of(text, Position::new(4, 1)), None);
        assert_eq!(SourceLine::of(text, Position::UNKNOWN), None);

        let long = format!("{}é{}", "x".repeat(1000), "y".repeat(1000));
        let cut = SourceLine::of(&long, Position::new(1, 1001)).unwrap();
        assert_eq!(cut.text.chars().count(), SOURCE_LINE_WIDTH + 2);
        assert!(cut.text.starts_with('…') && cut.text.ends_with('…'));
        assert_eq!(cut.text.chars().nth(cut.col - 1), Some('é'));
        let end = SourceLine::of(&long, Position::new(1, 2002)).unwrap();
        assert!(end.text.starts_with('…') && !end.text.ends_with('…'));
        assert_eq!(end.caret_offset(), end.text.len());
    }

    #[test]
    fn reports_show_the_line_and_a_caret_under_the_column() {
        let error = Diagnostic {
            file: "a.md".into(),
            position: Position::new(2, 4),
            message: "wrong".into(),
            hint: Some("fix it".into()),
            source_line: None,
            warning: false,
        };
        assert_eq!(
            error.to_string(),
            "a.md:2:4: error: wrong\n  = hint: fix it"
        );
        let shown = error.with_source("one\ntwo three\n").to_string();
        assert_eq!(
            shown,
            "a.md:2:4: error: wrong\n  |\n2 | two three\n  |    ^\n  |\n  = hint: fix it"
        );
    }

    #[test]
    fn suggests_near_names_only() {
        let keys = ["title", "themes", "conclusions", "summary"];
        assert_eq!(did_you_mean("thema", keys), Some("themes"));
        assert_eq!(did_you_mean("conclusoins", keys), Some("conclusions"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(did_you_mean("99", ["07-x", "01-a"]), None);
    }
}
