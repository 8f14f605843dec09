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

mod folder;
mod staging;

use folder::lost_files;
pub use folder::{OUTPUT_MARKER, check_output_folder};
pub use staging::Staging;

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

    /// The same content, its bytes shared: a site in memory holds its files so, and a copy
    /// of the site copies no file.
    fn shared(self) -> Content {
        match self {
            Content::Bytes(bytes) => Content::Shared(std::sync::Arc::new(bytes)),
            other => other,
        }
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

/// What a run put into its sink.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Emitted {
    /// Every file of the site.
    #[default]
    Whole,
    /// Only the files that changed since the run before; `removed` are no longer made.
    Changes { removed: Vec<String> },
}

/// Counts what goes into a sink, and keeps the files of the site and its theme from
/// replacing what oogst makes.
pub struct Counter<'a> {
    sink: &'a dyn Sink,
    pages: AtomicUsize,
    files: AtomicUsize,
    /// The paths of the pages and files oogst made (put or opened) so far.
    made: Mutex<FxHashSet<String>>,
    /// The paths of the files copied as they are (see [`Counter::add`]).
    added: Mutex<Vec<String>>,
    /// The paths of files told to be no longer made (see [`Counter::remove`]).
    removed: Mutex<Vec<String>>,
}

impl<'a> Counter<'a> {
    pub fn new(sink: &'a dyn Sink) -> Self {
        Counter {
            sink,
            pages: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
            made: Mutex::default(),
            added: Mutex::default(),
            removed: Mutex::default(),
        }
    }

    /// Notes that the file at `path`, made by an earlier run, is made no more: for a run
    /// that puts out only what changed.
    pub fn remove(&self, path: String) {
        lock(&self.removed).push(path);
    }

    /// The files noted as made no more.
    pub fn removed(&self) -> Vec<String> {
        lock(&self.removed).clone()
    }

    /// The paths of the files copied as they are, so far.
    pub fn added(&self) -> Vec<String> {
        lock(&self.added).clone()
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
        if lock(&self.made).contains(&path) {
            return Err(OutputError::Replaces {
                file: source.to_path_buf(),
                url: crate::routes::file_url(&path),
            });
        }
        self.count(&path);
        lock(&self.added).push(path.clone());
        self.sink.put(path, content)
    }

    fn claim(&self, path: &str) {
        self.count(path);
        lock(&self.made).insert(path.to_string());
    }

    fn count(&self, path: &str) {
        if is_page(path) {
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

/// What `mutex` guards, also after a thread panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The built site in memory: site-relative path → content.
#[derive(Debug, Clone, Default)]
pub struct Site {
    files: BTreeMap<String, Content>,
    /// How many of the files are HTML pages.
    pages: usize,
}

impl Site {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.insert_content(path, Content::Bytes(bytes));
    }

    pub fn insert_content(&mut self, path: String, content: Content) {
        let page = is_page(&path);
        if self.files.insert(path, content.shared()).is_none() && page {
            self.pages += 1;
        }
    }

    fn remove(&mut self, path: &str) {
        if self.files.remove(path).is_some() && is_page(path) {
            self.pages -= 1;
        }
    }

    /// Takes in files finished after the rest: each with its new content, or `None` when it
    /// is no longer made.
    pub fn apply(&mut self, later: Later) {
        for (path, content) in later {
            match content {
                Some(content) => self.insert_content(path, content),
                None => self.remove(&path),
            };
        }
    }

    /// This site after a run that put `made` into its sink and said what it put.
    pub fn update(&mut self, made: Site, emitted: &Emitted) {
        match emitted {
            Emitted::Whole => *self = made,
            Emitted::Changes { removed } => {
                for (path, content) in made.files {
                    self.insert_content(path, content);
                }
                for path in removed {
                    self.remove(path);
                }
            }
        }
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
        self.pages
    }

    /// How many HTML pages differ from those of `old` (new pages included).
    pub fn changed_from(&self, old: &Site) -> usize {
        self.files
            .iter()
            .filter(|(path, _)| is_page(path))
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

/// Whether the file at `path` is an HTML page.
pub fn is_page(path: &str) -> bool {
    path.ends_with(".html")
}

/// Files of a site finished after the rest: each with its new content, or `None` when it
/// is no longer made.
pub type Later = Vec<(String, Option<Content>)>;

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
    #[error("this file and the image {other} would both be published as `{url}`")]
    SameUrlAsImage {
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
            | OutputError::SameUrl { file: path, .. }
            | OutputError::SameUrlAsImage { file: path, .. } => path,
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
            OutputError::SameUrlAsImage { .. } => Some(
                "rename one of them: an image is published in sizes named after its file (`foto.jpg`, `foto-480.jpg`, `foto-800.jpg` …), as JPEG or PNG whatever its own format".into(),
            ),
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
