//! Emit: every output file goes through one [`Sink`]. The preview server and tests keep
//! the site in memory ([`Site`]); `build` writes into a staging folder that is swapped in
//! whole when the build succeeds ([`Staging`]); `check` only counts ([`Discard`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustc_hash::FxHashSet;
use thiserror::Error;

use crate::diagnostics::Hint;

/// The content of one output file.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Bytes shared with a cache of earlier builds.
    Shared(std::sync::Arc<Vec<u8>>),
    BuiltIn(&'static [u8]),
    /// A file copied as it is.
    Copy(PathBuf),
}

impl Content {
    /// The bytes, reading a copied file from disk.
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match self {
            Content::Bytes(b) => b.as_slice().into(),
            Content::Shared(b) => b.as_slice().into(),
            Content::BuiltIn(b) => (*b).into(),
            Content::Copy(path) => std::fs::read(path)?.into(),
        })
    }

    fn write_to(&self, target: &Path) -> std::io::Result<()> {
        match self {
            Content::Copy(source) => std::fs::copy(source, target).map(|_| ()),
            Content::Bytes(b) => std::fs::write(target, b),
            Content::Shared(b) => std::fs::write(target, b.as_slice()),
            Content::BuiltIn(b) => std::fs::write(target, b),
        }
    }
}

/// Where the files of a build go. Called from many threads at once.
pub trait Sink: Sync {
    /// Takes the file at the site-relative `path` (`conclusies/cop/index.html`).
    fn put(&self, path: String, content: Content) -> Result<(), OutputError>;

    /// Opens the file at `path` to be written as it is made (so a big page is never held
    /// whole). The caller flushes the writer when done.
    fn open(&self, path: &str) -> Result<Box<dyn Write + '_>, OutputError>;
}

/// Counts what goes into a sink, and keeps the files of the site and its theme from
/// replacing what oogst makes.
pub struct Counter<'a> {
    sink: &'a dyn Sink,
    pages: AtomicUsize,
    files: AtomicUsize,
    /// The paths of the pages and files oogst made (put or opened) so far.
    made: Mutex<FxHashSet<String>>,
}

impl<'a> Counter<'a> {
    pub fn new(sink: &'a dyn Sink) -> Self {
        Counter {
            sink,
            pages: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
            made: Mutex::default(),
        }
    }

    /// Takes a page or file oogst made.
    pub fn put(&self, path: String, content: Content) -> Result<(), OutputError> {
        self.claim(&path);
        self.sink.put(path, content)
    }

    /// Opens a page or file oogst makes, to be written as it is made.
    pub fn open(&self, path: &str) -> Result<Box<dyn Write + '_>, OutputError> {
        self.claim(path);
        self.sink.open(path)
    }

    /// Takes a file copied as it is from `source` (a file of the theme, of `static/`, beside
    /// the content), after everything oogst makes: refused if oogst made a page or file at
    /// its path.
    pub fn add(&self, path: String, content: Content, source: &Path) -> Result<(), OutputError> {
        if self
            .made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&path)
        {
            return Err(OutputError::Replaces {
                file: source.to_path_buf(),
                url: crate::routes::file_url(&path),
            });
        }
        self.count(&path);
        self.sink.put(path, content)
    }

    fn claim(&self, path: &str) {
        self.count(path);
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
    }

    fn count(&self, path: &str) {
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
    }

    /// HTML pages and files in all.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.pages.load(Ordering::Relaxed),
            self.files.load(Ordering::Relaxed),
        )
    }
}

/// The built site in memory: site-relative path → content.
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

    /// The number of HTML pages.
    pub fn page_count(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
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
}

/// Collects a site in memory.
#[derive(Default)]
pub struct InMemory(Mutex<Site>);

impl InMemory {
    pub fn into_site(self) -> Site {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for InMemory {
    fn put(&self, path: String, content: Content) -> Result<(), OutputError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert_content(path, content);
        Ok(())
    }

    fn open(&self, path: &str) -> Result<Box<dyn Write + '_>, OutputError> {
        Ok(Box::new(MemoryFile {
            site: self,
            path: path.to_string(),
            bytes: Vec::new(),
        }))
    }
}

/// A file being written into an [`InMemory`] site; it is added when dropped.
struct MemoryFile<'a> {
    site: &'a InMemory,
    path: String,
    bytes: Vec<u8>,
}

impl Write for MemoryFile<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for MemoryFile<'_> {
    fn drop(&mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        let _ = self
            .site
            .put(std::mem::take(&mut self.path), Content::Bytes(bytes));
    }
}

/// Keeps nothing: for `check`.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: String, _: Content) -> Result<(), OutputError> {
        Ok(())
    }

    fn open(&self, _: &str) -> Result<Box<dyn Write + '_>, OutputError> {
        Ok(Box::new(std::io::sink()))
    }
}

/// A staging folder beside the output folder. Files are written into it as they are made;
/// [`Staging::commit`] swaps it in for the output folder, so the output is always either
/// the old site or the new one. Dropped without a commit, it is removed.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
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
}

impl Sink for Staging {
    fn put(&self, path: String, content: Content) -> Result<(), OutputError> {
        let target = self.dir.join(&path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| OutputError::io(folder, e))?;
        }
        content
            .write_to(&target)
            .map_err(|e| OutputError::io(&target, e))
    }

    fn open(&self, path: &str) -> Result<Box<dyn Write + '_>, OutputError> {
        let target = self.dir.join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| OutputError::io(folder, e))?;
        }
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

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing to write the site into {0}: it holds the site's own sources")]
    Unsafe(PathBuf),
    #[error("refusing to replace {folder}: oogst did not make it, and {} would be lost", lost_files(.lost, *.total))]
    NotOurs {
        folder: PathBuf,
        /// A few of the files in it.
        lost: Vec<String>,
        total: usize,
    },
    #[error("the output {0} is a file, not a folder")]
    NotAFolder(PathBuf),
    #[error("this file would replace `{url}`, which oogst makes")]
    Replaces { file: PathBuf, url: String },
    #[error("this file would have the same URL `{url}` as {other}")]
    SameUrl {
        file: PathBuf,
        url: String,
        other: String,
    },
}

impl OutputError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The file or folder the error is about.
    pub fn path(&self) -> &Path {
        match self {
            OutputError::Io { path, .. }
            | OutputError::Unsafe(path)
            | OutputError::NotOurs { folder: path, .. }
            | OutputError::NotAFolder(path)
            | OutputError::Replaces { file: path, .. }
            | OutputError::SameUrl { file: path, .. } => path,
        }
    }
}

impl Hint for OutputError {
    fn hint(&self) -> Option<String> {
        match self {
            OutputError::Unsafe(_) => {
                Some("choose an output folder of its own, such as `public`".into())
            }
            OutputError::NotOurs { .. } => Some(
                "choose an empty or new folder with --out, or pass --force to replace this one and everything in it".into(),
            ),
            OutputError::NotAFolder(_) => {
                Some("choose a folder with --out, such as `public`".into())
            }
            OutputError::Replaces { .. } => Some(
                "rename or move the file; to change how a page oogst makes looks, override its template in templates/".into(),
            ),
            OutputError::SameUrl { .. } => {
                Some("keep the file in one place: static/ or beside the content".into())
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
            OutputError::Io { source, .. } if source.raw_os_error() == Some(30) => {
                Some("the disk is read-only; choose another folder with --out".into())
            }
            OutputError::Io { .. } => {
                Some("check that the folder can be written, or choose another with --out (the previous site is untouched)".into())
            }
        }
    }
}

/// The file `build` leaves in every folder it writes, so that it knows the folder for its
/// own the next time and replaces it without asking.
pub const OUTPUT_MARKER: &str = ".oogst-output";

const MARKER_TEXT: &str =
    "This folder was written by `oogst build`, which replaces it whole on the next build.\n";

/// How many of the files an output folder would lose are named in the error.
const LOST_NAMED: usize = 5;

/// Refuses output folders that would replace the site's own sources, or files oogst did
/// not make: an existing folder is replaced only when it is empty, holds oogst's marker
/// (or the open data of an earlier oogst), or `force` is given.
pub fn check_output_folder(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let (root, out) = (resolved(root), resolved(out));
    let sources = ["content", "static", "themes", "templates"].map(|f| root.join(f));
    if root.starts_with(&out) || sources.iter().any(|s| out.starts_with(s)) {
        return Err(OutputError::Unsafe(out));
    }
    if out.exists() && !out.is_dir() {
        return Err(OutputError::NotAFolder(out));
    }
    if force || !out.is_dir() || made_by_oogst(&out) {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .map_err(|e| OutputError::io(&out, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let total = names.len();
    names.truncate(LOST_NAMED);
    Err(OutputError::NotOurs {
        folder: out,
        lost: names,
        total,
    })
}

/// Whether `folder` holds oogst's marker, or `harvest.json` as an earlier oogst wrote it.
fn made_by_oogst(folder: &Path) -> bool {
    if folder.join(OUTPUT_MARKER).is_file() {
        return true;
    }
    let mut start = [0u8; 64];
    let read = std::fs::File::open(folder.join("harvest.json"))
        .and_then(|mut f| std::io::Read::read(&mut f, &mut start));
    read.is_ok_and(|n| {
        let start = String::from_utf8_lossy(&start[..n]);
        start
            .replace(' ', "")
            .contains("\"format\":\"oogst-harvest\"")
    })
}

/// `path` made absolute, `..` taken away, and links resolved as far as it exists.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut plain = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                plain.pop();
            }
            std::path::Component::CurDir => {}
            other => plain.push(other),
        }
    }
    let mut existing = plain.as_path();
    let mut rest = Vec::new();
    while let (Err(_), Some(parent), Some(name)) = (
        existing.canonicalize(),
        existing.parent(),
        existing.file_name(),
    ) {
        rest.push(name);
        existing = parent;
    }
    let mut real = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    real.extend(rest.iter().rev());
    real
}

/// "`a`, `b` and 3 more files" for an error message.
fn lost_files(named: &[String], total: usize) -> String {
    let list = named
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match total.saturating_sub(named.len()) {
        0 => list,
        1 => format!("{list} and 1 more file"),
        more => format!("{list} and {more} more files"),
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

    #[test]
    fn never_writes_over_sources() {
        let root = Path::new("/site");
        let check = |out: &str| check_output_folder(root, Path::new(out), true);
        assert!(check("/site/public").is_ok());
        assert!(check("/site").is_err());
        assert!(check("/site/public/..").is_err(), "`..` is resolved");
        assert!(check("/").is_err());
        assert!(check("/site/content/out").is_err());
    }

    #[test]
    fn replaces_only_folders_oogst_made() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("www");
        std::fs::create_dir_all(&out).unwrap();
        assert!(
            check_output_folder(&root, &out, false).is_ok(),
            "an empty folder"
        );
        for n in 0..7 {
            std::fs::write(out.join(format!("notes-{n}.txt")), "mine").unwrap();
        }
        let refused = check_output_folder(&root, &out, false).unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!(
                "refusing to replace {}: oogst did not make it, and `notes-0.txt`, `notes-1.txt`, \
                 `notes-2.txt`, `notes-3.txt`, `notes-4.txt` and 2 more files would be lost",
                out.canonicalize().unwrap().display()
            )
        );
        assert!(check_output_folder(&root, &out, true).is_ok(), "--force");
        std::fs::write(out.join(OUTPUT_MARKER), MARKER_TEXT).unwrap();
        assert!(
            check_output_folder(&root, &out, false).is_ok(),
            "oogst's own"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            check_output_folder(&root, &file, true),
            Err(OutputError::NotAFolder(_))
        ));
    }
}
