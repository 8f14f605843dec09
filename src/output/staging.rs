//! The staging folder `build` writes into, swapped in whole when the build succeeds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::folder::{MARKER_TEXT, OUTPUT_MARKER};
use super::{Content, OutputError, Sink, lock};

/// How many folders [`Staging`] remembers having made.
const FOLDERS_KEPT: usize = 8;

/// A staging folder beside the output folder. Files are written into it as they are made;
/// [`Staging::commit`] swaps it in for the output folder, so the output is always either
/// the old site or the new one. Dropped without a commit, it is removed.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Set when the build is given up while some of it still runs: nothing more is written.
    abandoned: AtomicBool,
    /// The last few folders files went into, not to be made again for each file in them
    /// (most pages have a folder of their own; the search index's files share one).
    folders: Mutex<Vec<PathBuf>>,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, OutputError> {
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
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| OutputError::io(&dir, e))?;
        let marker = dir.join(OUTPUT_MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| OutputError::io(&marker, e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            committed: false,
            abandoned: AtomicBool::new(false),
            folders: Mutex::default(),
        })
    }

    /// Puts the staged site in place of the output folder.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let out = self.out.clone();
        let old = self
            .dir
            .with_file_name(self.dir.file_name().map_or_else(String::new, |n| {
                n.to_string_lossy().replace(".staging-", ".old-")
            }));
        let had_old = out.exists();
        if had_old {
            std::fs::rename(&out, &old).map_err(|e| OutputError::io(&out, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &out) {
            if had_old {
                let _ = std::fs::rename(&old, &out);
            }
            return Err(OutputError::io(&out, e));
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Gives the build up while some of it may still run: the folder is removed, and
    /// writes from now on fail.
    pub fn abandon(&self) {
        self.abandoned.store(true, Ordering::SeqCst);
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Where `path` goes, unless the build is given up.
    fn target(&self, path: &str) -> Result<PathBuf, OutputError> {
        if self.abandoned.load(Ordering::SeqCst) {
            let given_up = std::io::Error::other("the build was given up");
            return Err(OutputError::io(&self.dir, given_up));
        }
        Ok(self.dir.join(path))
    }

    /// Makes the folder `target` goes into, and those above it, unless made already.
    fn make_folder(&self, target: &Path) -> Result<(), OutputError> {
        let Some(folder) = target.parent() else {
            return Ok(());
        };
        if lock(&self.folders).iter().any(|made| made == folder) {
            return Ok(());
        }
        std::fs::create_dir_all(folder).map_err(|e| OutputError::io(folder, e))?;
        let mut folders = lock(&self.folders);
        if folders.len() == FOLDERS_KEPT {
            folders.remove(0);
        }
        folders.push(folder.to_path_buf());
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: String, content: Content) -> Result<(), OutputError> {
        let target = self.target(&path)?;
        self.make_folder(&target)?;
        content
            .write_to(&target)
            .map_err(|e| OutputError::io(&target, e))
    }

    fn open(&self, path: &str) -> Result<Box<dyn Write + '_>, OutputError> {
        let target = self.target(path)?;
        self.make_folder(&target)?;
        let file = std::fs::File::create(&target).map_err(|e| OutputError::io(&target, e))?;
        Ok(Box::new(std::io::BufWriter::with_capacity(64 * 1024, file)))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(out: &Path, files: &[(&str, &str)]) -> Staging {
        let staging = Staging::new(out).unwrap();
        for (path, text) in files {
            staging
                .put(path.to_string(), Content::Bytes(text.as_bytes().to_vec()))
                .unwrap();
        }
        staging
    }

    #[test]
    fn writes_and_swaps_whole_sites() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        stage(&out, &[("index.html", "one"), ("a/b/index.html", "two")])
            .commit()
            .unwrap();
        assert_eq!(std::fs::read(out.join("a/b/index.html")).unwrap(), b"two");

        stage(&out, &[("index.html", "three")]).commit().unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"three");
        assert!(!out.join("a").exists(), "files of the old site are gone");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "no staging folders are left");
    }

    #[test]
    fn an_uncommitted_staging_folder_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        stage(&out, &[("index.html", "old")]).commit().unwrap();
        drop(stage(&out, &[("index.html", "new")]));
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }
}
