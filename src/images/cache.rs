//! The cache of processed images, in the site's `.oogst-cache/images/`: one small manifest
//! per source (named by its content key) and the renditions beside it. A manifest is
//! written last, so one that is there names files that are complete.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::process::{Encoding, Processed};
use crate::output::Content;

/// What processing made, with the renditions where the output can take them from.
pub(super) enum Stored {
    AsIs {
        width: u32,
        height: u32,
    },
    Renditions {
        encoding: Encoding,
        /// Width, height and content, smallest first.
        sizes: Vec<(u32, u32, Content)>,
    },
}

#[derive(Debug)]
pub(super) struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in `dir`; the folder is made when the first image is stored.
    pub(super) fn open(dir: &Path) -> Option<Cache> {
        Some(Cache {
            dir: dir.to_path_buf(),
        })
    }

    fn manifest(&self, key: u128) -> PathBuf {
        self.dir.join(format!("{key:032x}.txt"))
    }

    fn file(&self, key: u128, width: u32, encoding: Encoding) -> PathBuf {
        self.dir
            .join(format!("{key:032x}-{width}.{}", encoding.extension()))
    }

    /// Removes every file whose key is not in `kept`; returns how many.
    pub(super) fn prune(&self, kept: &std::collections::HashSet<u128>) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let key = name
                .to_str()
                .and_then(|n| n.get(..32))
                .and_then(|hex| u128::from_str_radix(hex, 16).ok());
            // Files oogst did not make (no key in their name) are left alone.
            if key.is_some_and(|k| !kept.contains(&k)) && std::fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }

    /// What was stored for `key`, if all of it is there.
    pub(super) fn load(&self, key: u128) -> Option<Stored> {
        let text = std::fs::read_to_string(self.manifest(key)).ok()?;
        let mut lines = text.lines();
        let head = lines.next()?;
        let numbers = |line: &str| -> Option<(u32, u32)> {
            let (w, h) = line.split_once(' ')?;
            Some((w.parse().ok()?, h.parse().ok()?))
        };
        if let Some(size) = head.strip_prefix("as-is ") {
            let (width, height) = numbers(size)?;
            return Some(Stored::AsIs { width, height });
        }
        let encoding = match head {
            "jpg" => Encoding::Jpeg,
            "png" => Encoding::Png,
            "webp" => Encoding::WebP,
            _ => return None,
        };
        let mut sizes = Vec::new();
        for line in lines {
            let (width, height) = numbers(line)?;
            let file = self.file(key, width, encoding);
            if !file.is_file() {
                return None;
            }
            sizes.push((width, height, Content::Copy(file)));
        }
        (!sizes.is_empty()).then_some(Stored::Renditions { encoding, sizes })
    }

    /// Keeps `processed` for `key`; `None` when the cache cannot be written (a read-only
    /// site), and the build goes on with the bytes in memory.
    pub(super) fn store(&self, key: u128, processed: &Processed) -> Option<Stored> {
        std::fs::create_dir_all(&self.dir).ok()?;
        let (manifest, stored) = match processed {
            Processed::AsIs { width, height } => (
                format!("as-is {width} {height}\n"),
                Stored::AsIs {
                    width: *width,
                    height: *height,
                },
            ),
            Processed::Renditions { encoding, sizes } => {
                let mut manifest = format!("{}\n", encoding.extension());
                let mut stored = Vec::new();
                for size in sizes {
                    let file = self.file(key, size.width, *encoding);
                    write_whole(&file, &size.bytes)?;
                    manifest.push_str(&format!("{} {}\n", size.width, size.height));
                    stored.push((size.width, size.height, Content::Copy(file)));
                }
                (
                    manifest,
                    Stored::Renditions {
                        encoding: *encoding,
                        sizes: stored,
                    },
                )
            }
        };
        write_whole(&self.manifest(key), manifest.as_bytes())?;
        Some(stored)
    }
}

/// Writes to a temporary name and renames, so no reader sees half a file.
fn write_whole(path: &Path, bytes: &[u8]) -> Option<()> {
    let partial = path.with_extension(format!("part{}", std::process::id()));
    std::fs::write(&partial, bytes).ok()?;
    std::fs::rename(&partial, path).ok()
}

/// `processed` held in memory, for a site whose cache cannot be written.
pub(super) fn in_memory(processed: Processed) -> Stored {
    match processed {
        Processed::AsIs { width, height } => Stored::AsIs { width, height },
        Processed::Renditions { encoding, sizes } => Stored::Renditions {
            encoding,
            sizes: sizes
                .into_iter()
                .map(|s| (s.width, s.height, Content::Shared(Arc::new(s.bytes))))
                .collect(),
        },
    }
}
