//! What can be wrong with how the harvest's files point at each other.

use thiserror::Error;

use crate::content::markdown::BrokenLink;
use crate::diagnostics::Hint;

/// Why a file's URL, number, relation or link does not hold.
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
    #[error("this translation has no source file: `{source_rel}` does not exist")]
    NoSource { source_rel: String, code: String },
    #[error("`{code}` is not a language of this site, so this file is not published")]
    NotALanguage { code: String, languages: String },
    #[error("`{code}` is the site's own language: its files have no language code")]
    OwnLanguage { code: String, source_rel: String },
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
            LinkError::NoSource { source_rel, code } => Some(format!(
                "a translation is named after its source file with the language before `.md`: add `{source_rel}`, or rename this file to `<source name>.{code}.md`"
            )),
            LinkError::NotALanguage { code, languages } => Some(format!(
                "add `languages: {{{code}: {{}}}}` to site.yaml (it has {languages}); a name ending in `.{code}.md` marks a translation"
            )),
            LinkError::OwnLanguage { source_rel, .. } => {
                Some(format!("rename it to `{source_rel}`"))
            }
        }
    }
}
