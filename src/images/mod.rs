//! Images: every photo or drawing a body or an `image:` key shows is processed once per
//! build, in parallel with the bodies that show it, and kept in the site's cache.
//!
//! A raster image (JPEG, PNG, WebP) is decoded within [`limits`], turned upright after its
//! EXIF orientation, converted to sRGB, resized to a few widths and encoded again without
//! any metadata; its original is not published. A small image with nothing to strip, and
//! any SVG, is published as it is.

mod cache;
mod error;
pub mod process;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use rustc_hash::FxHashMap as HashMap;

pub use error::{DescriptionError, ImageError};
use process::Encoding;

use crate::content::markdown::Figure;
use crate::output::Content;
use crate::routes::UrlMaker;

/// The numbers images are held to, and why.
pub mod limits {
    /// The widths made of a photo (those below its own): a phone at 1×, a text column at
    /// 1× and 2×, a wide screen. The text column is about 40rem.
    pub const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];
    /// What the browser is told of the width an image takes: the text column, or the
    /// screen less its margins when that is narrower.
    pub const SIZES: &str = "(max-width: 42rem) calc(100vw - 2rem), 40rem";
    /// Good enough to read a flip-over, a third of the bytes of the camera's.
    pub const JPEG_QUALITY: u8 = 80;
    /// A side longer than this is no photo or drawing: panoramas of phones stay below it,
    /// and it refuses a header that claims 30,000 pixels before anything is allocated.
    pub const MAX_SIDE: u32 = 16_384;
    /// 64 megapixels: the largest phone photos with a margin; 192 MiB decoded as RGB.
    pub const MAX_PIXELS: u64 = 64_000_000;
    /// What a decoder may allocate for one image (the pixels and its own buffers).
    pub const MAX_DECODE_BYTES: u64 = 256 << 20;
    /// A source file larger than this is not read at all.
    pub const MAX_FILE_BYTES: u64 = 64 << 20;
    /// A description longer than this is a warning: screen readers cannot skip through it.
    pub use crate::content::markdown::DESCRIPTION_LENGTH;
}

/// Raised when the processing changes, so cached renditions of the old one are not used.
const SETTINGS: &str = "oogst-images-2 480,800,1200,1600 q80 lanczos3-cascade srgb";
/// The same for a file published under its own name, stripped (see [`process::strip`]).
const STRIP_SETTINGS: &str = "oogst-images-strip-1 q80 srgb webp-lossless";

/// One published version of an image.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    /// Its site-relative path in the output.
    pub path: String,
    /// The file in the cache, or the bytes when there is no cache to keep them in.
    stored: Option<Content>,
}

/// An image ready to show, in the sizes it is published in.
#[derive(Debug)]
pub struct Picture {
    /// The file it is made from.
    pub source: PathBuf,
    /// A hash of the source's bytes and the processing settings.
    pub key: u128,
    /// Smallest first.
    pub renditions: Vec<Rendition>,
    /// Published as it is.
    pub as_is: bool,
    pub place: Place,
}

impl Picture {
    /// Whether the files it keeps in the cache are still there (another build of the site
    /// may have pruned them).
    fn kept(&self) -> bool {
        self.renditions.iter().all(|r| match &r.stored {
            Some(Content::Copy(file)) => file.is_file(),
            _ => true,
        })
    }

    /// The files to write. An image in `static/` published as it is is left to the copy of
    /// `static/`.
    pub fn files(&self) -> impl Iterator<Item = (&str, Content)> {
        self.renditions.iter().filter_map(|r| {
            let content = match &r.stored {
                Some(stored) => stored.clone(),
                None if self.place == Place::Content => Content::Copy(self.source.clone()),
                None => return None,
            };
            Some((r.path.as_str(), content))
        })
    }

    /// How a body or template shows it: URLs made with `urls`.
    pub fn figure(&self, urls: &UrlMaker) -> Figure {
        let Some(largest) = self.renditions.last() else {
            return Figure::default();
        };
        let srcset = if self.renditions.len() > 1 {
            self.renditions
                .iter()
                .map(|r| format!("{} {}w", urls.link(&r.path), r.width))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            String::new()
        };
        let smallest = self.renditions.first().unwrap_or(largest);
        Figure {
            src: urls.link(&largest.path),
            srcset,
            sizes: limits::SIZES,
            small: urls.link(&smallest.path),
            path: largest.path.clone(),
            width: largest.width,
            height: largest.height,
            source: self.source.clone(),
            key: self.key,
            written: String::new(),
        }
    }
}

/// What a file was when it was processed: a changed size or time means process it again.
type Stamp = (u64, Option<SystemTime>);

type Slot = Arc<OnceLock<Result<Arc<Picture>, ImageError>>>;

/// What is made of an image file: its sizes, or itself stripped of its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Product {
    Sizes,
    Stripped,
}

/// Every image of a site, each processed once however many pages show it; kept by the
/// preview server from one build to the next.
#[derive(Debug)]
pub struct Gallery {
    root: PathBuf,
    cache: Option<cache::Cache>,
    slots: Mutex<HashMap<(PathBuf, Product), (Stamp, Slot)>>,
    made: AtomicUsize,
    reused: AtomicUsize,
}

/// Where an image lies, which decides the names of what is made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Beside the content: its largest rendition takes the original's name.
    Content,
    /// In `static/`, which is copied as it is: every rendition is named by its width.
    Static,
}

impl Gallery {
    /// The images of the site at `root`, cached in its `.oogst-cache/images/`.
    pub fn new(root: &Path) -> Self {
        Gallery {
            root: root.to_path_buf(),
            cache: cache::Cache::open(&root.join(".oogst-cache").join("images")),
            slots: Mutex::default(),
            made: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    /// The file below `static/` that a site path (`img/photo.jpg`) names, if there is one.
    pub fn static_file(&self, path: &str) -> Option<PathBuf> {
        let file = self.root.join("static").join(path);
        let inside = !path.split('/').any(|p| p == ".." || p.is_empty());
        (inside && file.is_file()).then_some(file)
    }

    /// The picture made of `source`, published at `output` (a site-relative path): processed
    /// the first time it is asked for, and again only when the file changed.
    pub fn picture(
        &self,
        source: &Path,
        output: &str,
        place: Place,
    ) -> Result<Arc<Picture>, ImageError> {
        self.made_of(source, output, place, Product::Sizes)
    }

    /// The image file `source` of `static/`, published at its own `output` path: as it is
    /// when it carries no metadata, else stripped of it (see [`process::strip`]).
    pub fn stripped(&self, source: &Path, output: &str) -> Result<Content, ImageError> {
        let picture = self.made_of(source, output, Place::Static, Product::Stripped)?;
        Ok(picture
            .renditions
            .first()
            .and_then(|r| r.stored.clone())
            .unwrap_or_else(|| Content::Copy(source.to_path_buf())))
    }

    fn made_of(
        &self,
        source: &Path,
        output: &str,
        place: Place,
        product: Product,
    ) -> Result<Arc<Picture>, ImageError> {
        let name = self.name(source);
        let meta = std::fs::metadata(source).map_err(|e| ImageError::Unreadable {
            file: name.clone(),
            reason: e.to_string(),
        })?;
        let stamp = (meta.len(), meta.modified().ok());
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            let id = (source.to_path_buf(), product);
            let made = |slot: &Slot| {
                slot.get()
                    .is_none_or(|p| p.as_ref().map_or(true, |p| p.kept()))
            };
            match slots.get(&id) {
                Some((known, slot)) if *known == stamp && made(slot) => slot.clone(),
                _ => {
                    let slot = Slot::default();
                    slots.insert(id, (stamp, slot.clone()));
                    slot
                }
            }
        };
        slot.get_or_init(|| {
            let job = Job {
                source,
                name: &name,
                output,
                place,
                product,
            };
            self.make(&job, meta.len()).map(Arc::new)
        })
        .clone()
    }

    /// The picture last made of `source`, if it was made without error.
    pub fn known(&self, source: &Path) -> Option<Arc<Picture>> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let id = (source.to_path_buf(), Product::Sizes);
        slots.get(&id)?.1.get()?.as_ref().ok().cloned()
    }

    /// Whether the picture of `source` with `key` is still what the file holds: it was made
    /// from the file as it is now.
    pub fn is_current(&self, source: &Path, key: u128) -> bool {
        let Ok(meta) = std::fs::metadata(source) else {
            return false;
        };
        let stamp = (meta.len(), meta.modified().ok());
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let id = (source.to_path_buf(), Product::Sizes);
        slots.get(&id).is_some_and(|(known, slot)| {
            *known == stamp
                && slot
                    .get()
                    .is_some_and(|p| p.as_ref().is_ok_and(|p| p.key == key && p.kept()))
        })
    }

    /// Removes from the cache what no image of the last build was made from: the sizes of
    /// files that changed or went. Returns how many files were removed.
    pub fn prune_cache(&self) -> usize {
        let Some(cache) = &self.cache else {
            return 0;
        };
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let kept = slots
            .values()
            .filter_map(|(_, slot)| slot.get()?.as_ref().ok().map(|p| p.key))
            .collect();
        cache.prune(&kept)
    }

    /// How many images were processed, and how many taken from the cache, since the last call.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.made.swap(0, Ordering::Relaxed),
            self.reused.swap(0, Ordering::Relaxed),
        )
    }

    /// The path of `file` from the site root, for messages.
    fn name(&self, file: &Path) -> String {
        file.strip_prefix(&self.root)
            .unwrap_or(file)
            .display()
            .to_string()
    }

    fn make(&self, job: &Job<'_>, length: u64) -> Result<Picture, ImageError> {
        let Job {
            source,
            name,
            output,
            place,
            product,
        } = *job;
        let unreadable = |e: std::io::Error| ImageError::Unreadable {
            file: name.to_string(),
            reason: e.to_string(),
        };
        let as_is = |key, width, height| Picture {
            source: source.to_path_buf(),
            key,
            renditions: vec![Rendition {
                width,
                height,
                path: output.to_string(),
                stored: None,
            }],
            as_is: true,
            place,
        };
        if length > limits::MAX_FILE_BYTES {
            return Err(ImageError::TooLarge {
                file: name.to_string(),
                reason: format!(
                    "the file has {} MiB; at most {} MiB are read",
                    length >> 20,
                    limits::MAX_FILE_BYTES >> 20
                ),
            });
        }
        let bytes = std::fs::read(source).map_err(unreadable)?;
        if is_svg(output) {
            let (width, height) = svg_size(&bytes);
            return Ok(as_is(0, width, height));
        }
        let key = content_key(&bytes, product);
        let processed = match self.cache.as_ref().and_then(|c| c.load(key)) {
            Some(processed) => {
                self.reused.fetch_add(1, Ordering::Relaxed);
                processed
            }
            None => {
                let processed = match product {
                    Product::Sizes => process::process(name, &bytes)?,
                    Product::Stripped => process::strip(name, &bytes)?,
                };
                self.made.fetch_add(1, Ordering::Relaxed);
                let stored = self.cache.as_ref().and_then(|c| c.store(key, &processed));
                stored.unwrap_or_else(|| cache::in_memory(processed))
            }
        };
        let (encoding, sizes) = match processed {
            cache::Stored::AsIs { width, height } => return Ok(as_is(key, width, height)),
            cache::Stored::Renditions { encoding, sizes } => (encoding, sizes),
        };
        let stem = output.rsplit_once('.').map_or(output, |(stem, _)| stem);
        let last = sizes.len().saturating_sub(1);
        let renditions = sizes
            .into_iter()
            .enumerate()
            .map(|(i, (width, height, content))| Rendition {
                width,
                height,
                path: match product {
                    Product::Stripped => output.to_string(),
                    Product::Sizes => {
                        rendition_path(stem, encoding, width, place == Place::Content && i == last)
                    }
                },
                stored: Some(content),
            })
            .collect();
        Ok(Picture {
            source: source.to_path_buf(),
            key,
            renditions,
            as_is: false,
            place,
        })
    }
}

/// One image to make: which file, published where, as what.
#[derive(Clone, Copy)]
struct Job<'a> {
    source: &'a Path,
    /// The file's path from the site root, for messages.
    name: &'a str,
    output: &'a str,
    place: Place,
    product: Product,
}

fn rendition_path(stem: &str, encoding: Encoding, width: u32, plain: bool) -> String {
    let ext = encoding.extension();
    if plain {
        format!("{stem}.{ext}")
    } else {
        format!("{stem}-{width}.{ext}")
    }
}

/// A hash of an image's bytes and the settings of what is made of it: the name of what the
/// cache keeps of it.
fn content_key(bytes: &[u8], product: Product) -> u128 {
    use std::hash::Hasher;
    let mut hasher =
        siphasher::sip128::SipHasher13::new_with_keys(0x006f_6f67_7374, 0x696d_6167_6573);
    hasher.write(match product {
        Product::Sizes => SETTINGS.as_bytes(),
        Product::Stripped => STRIP_SETTINGS.as_bytes(),
    });
    hasher.write(bytes);
    siphasher::sip128::Hasher128::finish128(&hasher).as_u128()
}

/// The formats that are processed, by their file extensions.
const PROCESSED: [&str; 4] = ["jpg", "jpeg", "png", "webp"];
/// Formats of phones and cameras that oogst refuses rather than publish them with their
/// metadata.
const REFUSED: [&str; 5] = ["heic", "heif", "avif", "tif", "tiff"];

/// Whether `path` ends in one of `extensions`, in any case.
fn has_extension(path: &str, extensions: &[&str]) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    extensions.iter().any(|e| ext.eq_ignore_ascii_case(e))
}

/// Whether a destination names a file this stage processes, publishes as it is (SVG) or
/// refuses (HEIC, TIFF ...): an image file, never copied with its metadata.
pub fn is_image(path: &str) -> bool {
    has_extension(path, &PROCESSED) || has_extension(path, &REFUSED) || is_svg(path)
}

/// Whether a file of `static/` is an image that is published stripped of its metadata
/// (see [`Gallery::stripped`]): any image file but an SVG.
pub fn is_raster(path: &str) -> bool {
    is_image(path) && !is_svg(path)
}

fn is_svg(path: &str) -> bool {
    has_extension(path, &["svg"])
}

/// The width and height an SVG asks for (`width`/`height`, else its `viewBox`); 0 when it
/// says neither. It is never rasterised, only read for these numbers.
pub fn svg_size(bytes: &[u8]) -> (u32, u32) {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]);
    let Some(start) = text.find("<svg") else {
        return (0, 0);
    };
    let tag = &text[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let attribute = |name: &str| -> Option<String> {
        let at = tag
            .find(&format!(" {name}="))
            .or_else(|| tag.find(&format!("\n{name}=")))?;
        let rest = &tag[at + name.len() + 2..];
        let quote = rest.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let rest = &rest[quote.len_utf8()..];
        Some(rest[..rest.find(quote)?].to_string())
    };
    let number = |s: &str| -> Option<u32> {
        let digits = s.trim().trim_end_matches("px");
        let value: f64 = digits.parse().ok()?;
        (1.0..100_000.0)
            .contains(&value)
            .then(|| value.round() as u32)
    };
    if let (Some(w), Some(h)) = (attribute("width"), attribute("height"))
        && let (Some(w), Some(h)) = (number(&w), number(&h))
    {
        return (w, h);
    }
    let view_box = attribute("viewBox").unwrap_or_default();
    let parts: Vec<&str> = view_box
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [_, _, w, h] => number(w).zip(number(h)).unwrap_or((0, 0)),
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_come_from_their_attributes() {
        assert_eq!(svg_size(br#"<svg width="300" height="150px">"#), (300, 150));
        assert_eq!(
            svg_size(b"<?xml?><svg xmlns='x' viewBox='0 0 640 480'>"),
            (640, 480)
        );
        assert_eq!(svg_size(br#"<svg width="100%">"#), (0, 0));
        assert_eq!(svg_size(b"no svg"), (0, 0));
        assert_eq!(svg_size("<svg width=“300” height=é>".as_bytes()), (0, 0));
    }

    #[test]
    fn names_of_renditions() {
        assert_eq!(
            rendition_path("conclusies/foto", Encoding::Jpeg, 800, false),
            "conclusies/foto-800.jpg"
        );
        assert_eq!(
            rendition_path("conclusies/foto", Encoding::Png, 1600, true),
            "conclusies/foto.png"
        );
        assert!(is_image("a/B.JPG") && is_image("x.svg") && !is_image("x.pdf"));
    }
}
