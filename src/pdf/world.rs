//! The Typst world of one report: the theme's template files and the generated harvest
//! module as its only files, fonts built into the binary, no packages, no network.

use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The font families the report may use: Typst's defaults for text and for code.
const FAMILIES: [&str; 2] = ["libertinus serif", "dejavu sans mono"];

/// The built-in fonts of [`FAMILIES`], read once per process.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .filter(|font| FAMILIES.contains(&font.info().family.to_lowercase().as_str()))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// The names of the families of the built-in fonts, for checks and tests.
pub fn font_families() -> Vec<String> {
    let mut families: Vec<String> = FONTS.1.iter().map(|f| f.info().family.clone()).collect();
    families.dedup();
    families
}

/// One report's files and what Typst needs besides.
pub struct ReportWorld {
    library: LazyHash<Library>,
    main: FileId,
    sources: HashMap<FileId, Source>,
    /// Files that are no Typst text: the images the bodies show.
    binaries: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

/// The file id of `path` (absolute, `/pdf/harvest.typ`) in the report's one root.
pub fn file_id(path: &str) -> Option<FileId> {
    let path = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl ReportWorld {
    /// A world whose main file is `main`, holding `files` (path → Typst text), `binaries`
    /// (path → bytes) and no others.
    pub fn new(
        main: FileId,
        files: Vec<(FileId, String)>,
        binaries: Vec<(FileId, Vec<u8>)>,
        today: Option<Datetime>,
    ) -> Self {
        let sources = files
            .into_iter()
            .map(|(id, text)| (id, Source::new(id, text)))
            .collect();
        ReportWorld {
            library: LazyHash::new(Library::default()),
            main,
            sources,
            binaries: binaries
                .into_iter()
                .map(|(id, bytes)| (id, Bytes::new(bytes)))
                .collect(),
            today,
        }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_here(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match self.binaries.get(&id) {
            Some(bytes) => Ok(bytes.clone()),
            None => self
                .sources
                .get(&id)
                .map(|source| Bytes::from_string(source.clone()))
                .ok_or_else(|| not_here(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Files the report does not give are not there: templates reach no disk and no network.
fn not_here(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
