//! Load and parse: from files on disk to typed documents with Markdown bodies.

pub mod broken_link;
pub mod dates;
pub mod front_matter;
pub mod load;
pub mod markdown;
pub mod section;
pub mod slug;
pub mod spool;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

pub use front_matter::{Date, FrontMatter, Kind, Reference};
pub use load::{Asset, SourceFile};
pub use section::Section;

use crate::diagnostics::{Diagnostic, Diagnostics, Position};

/// A content file with its front matter parsed; the body is still Markdown.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    /// Its path below `content/`: `conclusions/01-cop.md`.
    pub rel: String,
    /// The code of the language a translation is in (`en` of `01-cop.en.md`); `None` for
    /// a file in the site's own language.
    pub language: Option<String>,
    pub kind: Kind,
    pub front: FrontMatter,
    /// The file's text; without the body once the body is left on disk.
    text: String,
    yaml: Range<usize>,
    body: Range<usize>,
    /// The length of the whole file, when the body is left on disk to be read again.
    on_disk: Option<usize>,
    /// The file line on which the front matter's YAML starts.
    pub yaml_line: usize,
    /// The file line on which the body starts.
    pub body_line: usize,
    /// The day of the file's last commit, else of its last change (see [`dates`]): its
    /// date when the front matter gives none. Set where the file is loaded.
    pub file_date: Option<Date>,
    /// A hash of the body, made the first time it is asked for (see [`Document::body_hash`]).
    body_hash: OnceLock<u64>,
}

/// The source file and language code of a translation's path: `a/01-x.en.md` gives
/// `a/01-x.md` and `en`. A translation's name ends in a code of two lowercase letters
/// before `.md`; every other file is in the site's own language.
pub fn translation_of(rel: &str) -> Option<(String, &str)> {
    let stem = rel.strip_suffix(".md")?;
    let (source, code) = stem.rsplit_once('.')?;
    let named = !source.is_empty() && !source.ends_with('/');
    let is_code = code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase());
    (named && is_code).then(|| (format!("{source}.md"), code))
}

/// The path of the translation of the source file at `source_rel` into the language `code`:
/// `a/01-x.md` and `en` give `a/01-x.en.md` (the reverse of [`translation_of`]).
pub fn translation_rel(source_rel: &str, code: &str) -> String {
    let stem = source_rel.strip_suffix(".md").unwrap_or(source_rel);
    format!("{stem}.{code}.md")
}

impl Document {
    /// Splits and parses a file; every problem in its front matter is reported.
    pub fn parse(file: SourceFile) -> Result<Document, Diagnostics> {
        if let Some(unreadable) = file.unreadable {
            return Err(unreadable.into());
        }
        let translation =
            translation_of(&file.rel).map(|(source, code)| (source, code.to_string()));
        let kind = Kind::of(translation.as_ref().map_or(&file.rel, |(source, _)| source));
        let split = front_matter::split(&file.text)
            .map_err(|e| Diagnostics::from(Diagnostic::new(&file.path, Position::new(1, 1), &e)))?;
        let front = front_matter::parse(&split, kind, translation.is_some()).map_err(|errors| {
            let mut diagnostics = Diagnostics::new();
            for (position, error) in errors {
                diagnostics.push(Diagnostic::new(&file.path, position, &error));
            }
            diagnostics
        })?;
        let offset = |part: &str| part.as_ptr() as usize - file.text.as_ptr() as usize;
        let yaml = offset(split.yaml)..offset(split.yaml) + split.yaml.len();
        let body = offset(split.body)..offset(split.body) + split.body.len();
        let (yaml_line, body_line) = (split.yaml_line, split.body_line);
        Ok(Document {
            path: file.path,
            rel: file.rel,
            language: translation.map(|(_, code)| code),
            kind,
            front,
            text: file.text,
            yaml,
            body,
            on_disk: None,
            yaml_line,
            body_line,
            file_date: None,
            body_hash: OnceLock::new(),
        })
    }

    /// A hash of the body `body` (as [`Document::body`] gives it), made once per document:
    /// a document is parsed again when its file changes, so an unchanged one keeps its hash.
    pub fn body_hash(&self, body: &str) -> u64 {
        *self.body_hash.get_or_init(|| {
            let mut hasher = rustc_hash::FxHasher::default();
            body.hash(&mut hasher);
            hasher.finish()
        })
    }

    /// Leaves the body on disk until it is needed (a one-time build of a large site holds
    /// the front matter of every file, but only the bodies being rendered).
    pub fn leave_body_on_disk(&mut self) {
        if self.on_disk.is_none() {
            self.on_disk = Some(self.text.len());
            self.text.truncate(self.body.start);
            self.text.shrink_to_fit();
        }
    }

    /// The Markdown body, read again from disk if it was left there.
    pub fn body(&self) -> Result<Cow<'_, str>, Diagnostic> {
        let Some(length) = self.on_disk else {
            return Ok(Cow::Borrowed(&self.text[self.body.clone()]));
        };
        let changed = || {
            Diagnostic::new(
                &self.path,
                Position::UNKNOWN,
                &load::LoadError::ChangedDuringBuild,
            )
        };
        let io = |e| Diagnostic::new(&self.path, Position::UNKNOWN, &load::LoadError::Io(e));
        let mut bytes = Vec::new();
        let mut file = std::fs::File::open(&self.path).map_err(io)?;
        load::read_into(&mut file, length as u64, &mut bytes).map_err(io)?;
        if bytes.len() != length
            || !bytes.starts_with(self.text.as_bytes())
            || self.body.end > length
        {
            return Err(changed());
        }
        bytes.truncate(self.body.end);
        bytes.drain(..self.body.start);
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(|_| changed())
    }

    pub fn yaml(&self) -> &str {
        &self.text[self.yaml.clone()]
    }

    /// The file position where `value` is written under the front-matter `key`.
    pub fn value_position(&self, key: &str, value: &str) -> Position {
        crate::yaml::value_position(self.yaml(), key, value).below(self.yaml_line - 1)
    }

    /// The file position of the front-matter `key`.
    pub fn key_position(&self, key: &str) -> Position {
        crate::yaml::key_position(self.yaml(), key).below(self.yaml_line - 1)
    }

    /// The date the item has: its `date:`, else the date of its file.
    pub fn date(&self) -> Option<Date> {
        self.front.date.or(self.file_date)
    }

    /// The path below `content/` of the file a translation translates: `conclusions/01-cop.md`
    /// of `conclusions/01-cop.en.md`; a file in the site's own language gives its own.
    pub fn source_rel(&self) -> Cow<'_, str> {
        match translation_of(&self.rel) {
            Some((source, _)) if self.language.is_some() => Cow::Owned(source),
            _ => Cow::Borrowed(&self.rel),
        }
    }

    /// The file name without `.md`.
    pub fn stem(&self) -> &str {
        let file = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        file.strip_suffix(".md").unwrap_or(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_is_named_after_its_source_with_the_language_before_md() {
        assert_eq!(
            translation_of("conclusions/01-x.en.md"),
            Some(("conclusions/01-x.md".to_string(), "en"))
        );
        assert_eq!(
            translation_rel("conclusions/01-x.md", "en"),
            "conclusions/01-x.en.md"
        );
        for own in [
            "conclusions/01-x.md",
            "a/.en.md",
            "v1.2.md",
            "x.EN.md",
            "x.eng.md",
        ] {
            assert_eq!(translation_of(own), None, "{own}");
        }
    }

    #[test]
    fn a_body_left_on_disk_comes_back_as_it_was_and_a_file_changed_since_is_an_error() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("01-x.md");
        let text = "---\ntitle: X\n---\n\nEén body, \u{e9}n een tweede regel.\n";
        let loaded = || {
            std::fs::write(&path, text).expect("written");
            let file = load::read_source(dir.path(), &path).expect("readable");
            assert!(
                file.modified.is_some(),
                "the time it was changed comes with it"
            );
            let mut doc = Document::parse(file).expect("a valid file");
            doc.leave_body_on_disk();
            doc
        };
        let doc = loaded();
        assert_eq!(
            doc.body().expect("unchanged").as_ref(),
            "\nEén body, \u{e9}n een tweede regel.\n"
        );
        for changed in [
            "---\ntitle: Y\n---\n\nEén body, \u{e9}n een tweede regel.\n",
            "---\ntitle: X\n---\n\nEén body.\n",
            &format!("{text}{}", "en langer.\n".repeat(2000)),
        ] {
            let doc = loaded();
            std::fs::write(&path, changed).expect("written");
            let error = doc.body().expect_err(changed);
            assert!(
                error
                    .message
                    .contains("changed while the site was being built"),
                "{}",
                error.message
            );
        }
    }
}
