//! A link in a body that leads nowhere, and why: the Markdown pass reports it, the link
//! stage decides it.

/// Why a link in a body leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokenLink {
    /// `@/` names a draft, which this build leaves out.
    #[error("`{0}` is a draft, which this build leaves out")]
    Draft(String),
    /// `@/` names no content file; `suggestion` is a near `@/` link that exists.
    #[error("`{dest}`: there is no content/{file}{}", near(.suggestion))]
    NoContent {
        dest: String,
        file: String,
        suggestion: Option<String>,
    },
    /// A Markdown file linked by its path instead of with `@/`.
    #[error("`{dest}` links to a Markdown file; write it as `@/{file}`")]
    MarkdownFile { dest: String, file: String },
    /// A file beside the content that does not exist.
    #[error("`{dest}`: there is no file content/{file}")]
    NoFile { dest: String, file: String },
}

fn near(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}
