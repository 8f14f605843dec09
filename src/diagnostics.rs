//! Errors a writer can act on: where (file, line, column), what is wrong, how to fix it.
//!
//! Each stage has its own error type (thiserror); this module turns them into
//! [`Diagnostic`]s, collects all of a run, and prints them together as text or JSON.

use std::fmt;
use std::path::{Path, PathBuf};

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
        match between.iter().rposition(|&b| b == b'\n') {
            Some(last_newline) => {
                position.line += between.iter().filter(|&&b| b == b'\n').count();
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
    /// Told, but the build goes on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, position: Position, error: &dyn Hint) -> Self {
        Diagnostic {
            file: file.into(),
            position,
            message: error.to_string(),
            hint: error.hint(),
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
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.position.line > 0 {
            write!(f, ":{}:{}", self.position.line, self.position.col.max(1))?;
        }
        let severity = if self.warning { "warning" } else { "error" };
        write!(f, ": {severity}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
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

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
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

    /// The errors, and the warnings apart.
    pub fn split_warnings(self) -> (Diagnostics, Diagnostics) {
        let (warnings, errors) = self.0.into_iter().partition(|d| d.warning);
        (Diagnostics(errors), Diagnostics(warnings))
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

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{}", if n == 1 { "" } else { "s" })
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
        .max_by(|a, b| a.0.total_cmp(&b.0))
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
    fn suggests_near_names_only() {
        let keys = ["title", "themes", "conclusions", "summary"];
        assert_eq!(did_you_mean("thema", keys), Some("themes"));
        assert_eq!(did_you_mean("conclusoins", keys), Some("conclusions"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(did_you_mean("99", ["07-x", "01-a"]), None);
    }
}
