//! `oogst new DIR`: a new harvest site with an example of each kind of content, in English
//! or Dutch, with recipes that publish it on GitLab Pages and GitHub Pages.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use thiserror::Error;

use crate::diagnostics::Hint;

use crate::config::Language;

/// The starter sites, built into the binary.
static STARTER_EN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/en");
static STARTER_NL: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/nl");

/// Deploy recipes, the same for every language.
static RECIPES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/recipes");

#[derive(Debug, Error)]
pub enum ScaffoldError {
    #[error("{0} already exists and is not empty")]
    NotEmpty(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Hint for ScaffoldError {
    fn hint(&self) -> Option<String> {
        match self {
            ScaffoldError::NotEmpty(_) => Some("choose a new folder name".into()),
            ScaffoldError::Io { .. } => None,
        }
    }
}

/// Writes the starter site in `language` and the deploy recipes into `dir`, which must be
/// new or empty. Returns the files written.
pub fn new_site(dir: &Path, language: Language) -> Result<Vec<PathBuf>, ScaffoldError> {
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty || dir.is_file() {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let starter = match language {
        Language::En => &STARTER_EN,
        Language::Nl => &STARTER_NL,
    };
    let mut written = Vec::new();
    write_dir(starter, dir, &mut written)?;
    write_dir(&RECIPES, dir, &mut written)?;
    Ok(written)
}

fn write_dir(
    source: &Dir<'static>,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), ScaffoldError> {
    for file in source.files() {
        let target = dir.join(file.path());
        let io = |source| ScaffoldError::Io {
            path: target.clone(),
            source,
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&target, file.contents()).map_err(io)?;
        written.push(target);
    }
    for sub in source.dirs() {
        write_dir(sub, dir, written)?;
    }
    Ok(())
}
