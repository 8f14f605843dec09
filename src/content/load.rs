//! Load: walk `content/`, read the Markdown files (in parallel), list the assets beside them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use thiserror::Error;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position};

/// A Markdown file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path below `content/`, with `/` between folders: `conclusions/01-cop.md`.
    pub rel: String,
    pub text: String,
    /// When the file was last changed, as the file system tells it (read with the text).
    pub modified: Option<SystemTime>,
    /// Why the file could not be read, if it could not (its text is then empty): parsing
    /// reports it, so the file counts as one that failed, whose references are not
    /// reported again.
    pub unreadable: Option<Diagnostic>,
}

/// A file beside the content (image, PDF ...) that is copied as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: PathBuf,
    /// Its path below its root folder, with `/` between folders.
    pub rel: String,
}

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is not valid UTF-8 text (first bad byte at offset {0})")]
    NotUtf8(usize),
    #[error("cannot walk the folder: {0}")]
    Walk(String),
    /// A symbolic link to a folder that holds it.
    #[error("cannot walk the folder: {0}")]
    Loop(String),
    #[error("the file changed while the site was being built")]
    ChangedDuringBuild,
}

impl Hint for LoadError {
    fn hint(&self) -> Option<String> {
        match self {
            LoadError::NotUtf8(_) => Some("save the file as UTF-8 in your editor".into()),
            LoadError::Loop(_) => Some(
                "a symbolic link points back to a folder that contains it; remove the link".into(),
            ),
            _ => None,
        }
    }
}

/// Reads every `.md` file below `dir` (in parallel) and hands it to `each` at once, so a
/// large site is never held as text whole; lists every other file as an asset. Hidden
/// files and editors' temporary files are skipped. A missing folder is empty. A file that
/// cannot be read is handed over too, with [`SourceFile::unreadable`] saying why.
pub fn load_content<T: Send>(
    dir: &Path,
    each: impl Fn(SourceFile) -> T + Sync + Send,
) -> (Vec<T>, Vec<Asset>, Diagnostics) {
    let (markdown, assets, diagnostics) = walk(dir);
    let loaded: Vec<T> = markdown
        .into_par_iter()
        .with_max_len(crate::PARALLEL_PIECE)
        .map(|(path, rel)| {
            let ((text, modified), unreadable) = match read_text(&path) {
                Ok(read) => (read, None),
                Err(d) => ((String::new(), None), Some(d)),
            };
            each(SourceFile {
                path,
                rel,
                text,
                modified,
                unreadable,
            })
        })
        .collect();
    (loaded, assets, diagnostics)
}

/// Lists every file below `dir` as an asset (for `static/` folders).
pub fn list_assets(dir: &Path) -> (Vec<Asset>, Diagnostics) {
    let (markdown, mut assets, diagnostics) = walk(dir);
    assets.extend(markdown.into_iter().map(|(path, rel)| Asset { path, rel }));
    assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    (assets, diagnostics)
}

type Found = (Vec<(PathBuf, String)>, Vec<Asset>, Diagnostics);

fn walk(dir: &Path) -> Found {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut diagnostics = Diagnostics::new();
    if !dir.is_dir() {
        return (markdown, assets, diagnostics);
    }
    let entries = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                diagnostics.push(Diagnostic::new(
                    path,
                    Position::UNKNOWN,
                    &if e.loop_ancestor().is_some() {
                        LoadError::Loop(e.to_string())
                    } else {
                        LoadError::Walk(e.to_string())
                    },
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        let rel = relative(dir, &path);
        if rel.ends_with(".md") {
            markdown.push((path, rel));
        } else {
            assets.push(Asset { path, rel });
        }
    }
    (markdown, assets, diagnostics)
}

/// Reads the Markdown file at `path` below the content folder `dir`.
pub fn read_source(dir: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    read_text(path).map(|(text, modified)| SourceFile {
        path: path.to_path_buf(),
        rel: relative(dir, path),
        text,
        modified,
        unreadable: None,
    })
}

/// The files below `folder` that [`load_content`] would see, unread: for a folder that
/// appears while watching.
pub fn files_below(folder: &Path) -> (Vec<PathBuf>, Diagnostics) {
    let (markdown, assets, diagnostics) = walk(folder);
    let mut paths: Vec<PathBuf> = markdown.into_iter().map(|(p, _)| p).collect();
    paths.extend(assets.into_iter().map(|a| a.path));
    (paths, diagnostics)
}

/// The text of the file at `path`, and when it was last changed: one open, one look at
/// the file's metadata.
fn read_text(path: &Path) -> Result<(String, Option<SystemTime>), Diagnostic> {
    let io = |e| Diagnostic::new(path, Position::UNKNOWN, &LoadError::Io(e));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    let mut bytes = Vec::new();
    read_into(&mut file, metadata.len(), &mut bytes).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let position =
            Position::of_offset(&String::from_utf8_lossy(&e.into_bytes()[..offset]), offset);
        Diagnostic::new(path, position, &LoadError::NotUtf8(offset))
    })?;
    Ok((text, metadata.modified().ok()))
}

/// Reads `file`, of about `length` bytes, to its end after what `bytes` holds. With room
/// for one byte more than `length`, a file of that length takes one read and one that finds
/// its end; one that grew takes more.
pub(super) fn read_into(
    file: &mut std::fs::File,
    length: u64,
    bytes: &mut Vec<u8>,
) -> std::io::Result<()> {
    let mut filled = bytes.len();
    bytes.resize(filled + usize::try_from(length).unwrap_or(0) + 1, 0);
    loop {
        if filled == bytes.len() {
            bytes.resize(filled * 2 + 8192, 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                bytes.truncate(filled);
                return Err(e);
            }
        }
    }
    bytes.truncate(filled);
    Ok(())
}

/// `dir/a/b.md` → `a/b.md`, with `/` on every platform.
pub fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Hidden files and the temporary and backup files editors leave beside the ones they save.
pub fn is_ignored(file_name: &str) -> bool {
    file_name.starts_with('.')
        || file_name.starts_with('#')
        || file_name.ends_with('~')
        || file_name.ends_with(".swp")
        || file_name.ends_with(".swx")
        || file_name.ends_with(".tmp")
        || file_name.ends_with(".bak")
        || file_name.ends_with("___jb_tmp___")
        || file_name.ends_with("___jb_old___")
        || file_name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".x.md.swp",
            "x.md~",
            ".#x.md",
            "#x.md#",
            "4913",
            ".DS_Store",
            "x.md.tmp",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        for name in ["x.md", "diagram.png", "4914"] {
            assert!(!is_ignored(name), "{name}");
        }
    }
}
