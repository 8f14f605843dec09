//! Emit: the built site as one in-memory map from path to content, and writing it to
//! disk atomically (a staging folder swapped in whole).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use crate::diagnostics::Hint;

/// The content of one output file.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Bytes shared with a cache of earlier builds.
    Shared(std::sync::Arc<[u8]>),
    BuiltIn(&'static [u8]),
    /// A file copied as it is.
    Copy(PathBuf),
}

impl Content {
    /// The bytes, reading a copied file from disk.
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match self {
            Content::Bytes(b) => b.as_slice().into(),
            Content::Shared(b) => b.as_ref().into(),
            Content::BuiltIn(b) => (*b).into(),
            Content::Copy(path) => std::fs::read(path)?.into(),
        })
    }
}

/// The built site: site-relative path (`conclusies/cop/index.html`) → content.
#[derive(Debug, Clone, Default)]
pub struct Site {
    files: BTreeMap<String, Content>,
}

impl Site {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, Content::Bytes(bytes));
    }

    pub fn insert_content(&mut self, path: String, content: Content) {
        self.files.insert(path, content);
    }

    pub fn get(&self, path: &str) -> Option<&Content> {
        self.files.get(path)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// How many HTML pages differ from those of `old` (new pages included).
    pub fn changed_from(&self, old: &Site) -> usize {
        self.files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .filter(|(path, content)| match (content, old.files.get(*path)) {
                (Content::Shared(a), Some(Content::Shared(b))) => {
                    !std::sync::Arc::ptr_eq(a, b) && a != b
                }
                (a, Some(b)) => a.bytes().ok() != b.bytes().ok(),
                (_, None) => true,
            })
            .count()
    }

    /// The number of HTML pages.
    pub fn page_count(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Writes the site to `out`: into a staging folder beside it first, then swapped in,
    /// so `out` is always either the old site or the new one, never half of either.
    pub fn write_atomically(&self, out: &Path) -> Result<(), OutputError> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| OutputError::io(parent, e))?;
        remove_leftovers(parent, &name);

        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        self.write_into(&staging).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staging);
        })?;

        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = out.exists();
        if had_old {
            std::fs::rename(out, &old).map_err(|e| OutputError::io(out, e))?;
        }
        if let Err(e) = std::fs::rename(&staging, out) {
            if had_old {
                let _ = std::fs::rename(&old, out);
            }
            let _ = std::fs::remove_dir_all(&staging);
            return Err(OutputError::io(out, e));
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }

    fn write_into(&self, dir: &Path) -> Result<(), OutputError> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let mut folders: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| {
                Path::new(p)
                    .parent()
                    .filter(|f| !f.as_os_str().is_empty())
                    .map(|f| dir.join(f))
            })
            .collect();
        folders.dedup();
        for folder in &folders {
            std::fs::create_dir_all(folder).map_err(|e| OutputError::io(folder, e))?;
        }
        self.files.par_iter().try_for_each(|(path, content)| {
            let target = dir.join(path);
            match content {
                Content::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
                Content::Bytes(b) => std::fs::write(&target, b),
                Content::Shared(b) => std::fs::write(&target, b),
                Content::BuiltIn(b) => std::fs::write(&target, b),
            }
            .map_err(|e| OutputError::io(&target, e))
        })
    }
}

/// Removes staging and old folders that a killed build left behind.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing to write the site into {0}: it holds the site's own sources")]
    Unsafe(PathBuf),
}

impl OutputError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl Hint for OutputError {
    fn hint(&self) -> Option<String> {
        match self {
            OutputError::Unsafe(_) => {
                Some("choose an output folder of its own, such as `public`".into())
            }
            OutputError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                Some("the folder is not writable; choose another with --out".into())
            }
            OutputError::Io { source, .. } if source.raw_os_error() == Some(28) => Some(
                "the disk is full; free space and build again (the previous site is untouched)"
                    .into(),
            ),
            OutputError::Io { .. } => None,
        }
    }
}

/// Refuses output folders that would replace the site's own sources.
pub fn check_output_folder(root: &Path, out: &Path) -> Result<(), OutputError> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, out) = (absolute(root), absolute(out));
    let sources = ["content", "static", "themes", "templates"].map(|f| root.join(f));
    if root.starts_with(&out) || sources.iter().any(|s| out.starts_with(s)) {
        return Err(OutputError::Unsafe(out));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_swaps_whole_sites() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut site = Site::new();
        site.insert("index.html".into(), b"one".to_vec());
        site.insert("a/b/index.html".into(), b"two".to_vec());
        site.write_atomically(&out).unwrap();
        assert_eq!(std::fs::read(out.join("a/b/index.html")).unwrap(), b"two");

        let mut next = Site::new();
        next.insert("index.html".into(), b"three".to_vec());
        next.write_atomically(&out).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"three");
        assert!(!out.join("a").exists(), "files of the old site are gone");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "no staging folders are left");
    }

    #[test]
    fn never_writes_over_sources() {
        let root = Path::new("/site");
        assert!(check_output_folder(root, Path::new("/site/public")).is_ok());
        assert!(check_output_folder(root, Path::new("/site")).is_err());
        assert!(check_output_folder(root, Path::new("/")).is_err());
        assert!(check_output_folder(root, Path::new("/site/content/out")).is_err());
    }
}
