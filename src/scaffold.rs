//! `oogst new DIR`: a new harvest site with an example of each kind of content.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use thiserror::Error;

use crate::diagnostics::Hint;

/// The starter site, built into the binary.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/starter");

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

/// Writes the starter site into `dir`, which must be new or empty. Returns the files written.
pub fn new_site(dir: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty || dir.is_file() {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let mut written = Vec::new();
    write_dir(&STARTER, dir, &mut written)?;
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
