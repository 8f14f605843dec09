//! The spool: rendered bodies kept in a temporary file instead of in memory, for a one-time
//! build of a large harvest. Every page, the print edition and the search index read a body
//! when they need it, so a build holds the model of the harvest and the few bodies being
//! rendered, not the text of the whole harvest.
//!
//! The file is removed from its folder as soon as it is made (it lives as long as the
//! build holds it open), so nothing is left behind, whatever way the build ends.
//!
//! Writing a body there and reading it back three times costs time (about 5% of the
//! 10,000-item build), so the first bodies stay in memory, up to [`IN_MEMORY`] bytes in all
//! for a harvest of up to [`IN_MEMORY_ITEMS`] files, and in proportion less for a larger
//! one, whose model already takes that room: the 10,000-item build takes 0.977 of the time
//! it took with every body in the spool (41 paired runs), its peak 86 MiB instead of 58; at
//! 100,000 items the room is 2.4 MiB and the peak stays where it was (381 MiB).

use std::fs::File;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// The bytes of bodies a spool leaves in memory, for a harvest of up to [`IN_MEMORY_ITEMS`]
/// files.
pub const IN_MEMORY: usize = 24 << 20;
/// See [`IN_MEMORY`].
pub const IN_MEMORY_ITEMS: usize = 10_000;

/// [`IN_MEMORY`], unless the environment variable `OOGST_BODIES_IN_MEMORY` gives another
/// number of bytes (0: every body goes to the spool, as the tests check).
fn in_memory() -> usize {
    std::env::var("OOGST_BODIES_IN_MEMORY")
        .ok()
        .and_then(|bytes| bytes.trim().parse().ok())
        .unwrap_or(IN_MEMORY)
}

/// A temporary file of rendered bodies, written and read from any thread.
#[derive(Debug)]
pub struct Spool {
    file: File,
    /// Where the next body goes.
    end: AtomicU64,
    /// The first error writing or reading the file, told once the pages are made.
    failed: std::sync::Mutex<Option<std::io::Error>>,
    any_failed: AtomicBool,
    /// How many more bytes of bodies stay in memory (see the module).
    room: AtomicUsize,
}

/// A body could not be read back from the spool.
#[derive(Debug, thiserror::Error)]
#[error("cannot read a rendered body back from the temporary folder {}: {source}", std::env::temp_dir().display())]
pub struct SpoolError {
    pub source: std::io::Error,
}

impl crate::diagnostics::Hint for SpoolError {
    fn hint(&self) -> Option<String> {
        Some("make room in the temporary folder, or point TMPDIR at another, and build again (the previous site is untouched)".into())
    }
}

/// Where one body is in a [`Spool`].
#[derive(Debug, Clone)]
pub struct Spooled {
    spool: Arc<Spool>,
    offset: u64,
    len: usize,
}

impl Spool {
    /// A new spool in the system's temporary folder for the bodies of `files` files; `None`
    /// where no file can be made there (or on a system without positioned reads and
    /// writes): bodies then stay in memory.
    pub fn new(files: usize) -> Option<Arc<Spool>> {
        #[cfg(unix)]
        {
            static MADE: AtomicU64 = AtomicU64::new(0);
            let dir = std::env::temp_dir();
            let name = format!(
                ".oogst-bodies-{}-{}",
                std::process::id(),
                MADE.fetch_add(1, Ordering::Relaxed)
            );
            let path = dir.join(name);
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
                .ok()?;
            // Open, it stays readable; gone from the folder, it cannot be left behind.
            if std::fs::remove_file(&path).is_err() {
                return None;
            }
            Some(Arc::new(Spool {
                file,
                end: AtomicU64::new(0),
                failed: std::sync::Mutex::new(None),
                any_failed: AtomicBool::new(false),
                room: AtomicUsize::new(in_memory() * IN_MEMORY_ITEMS / files.max(IN_MEMORY_ITEMS)),
            }))
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// Whether a body of `len` bytes stays in memory, there being room left for it.
    pub fn leaves_in_memory(&self, len: usize) -> bool {
        (self.room)
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |room| {
                room.checked_sub(len)
            })
            .is_ok()
    }

    /// Writes `html` into the spool; `None` (and the HTML kept by the caller) if it cannot.
    pub fn write(self: &Arc<Spool>, html: &str) -> Option<Spooled> {
        let len = html.len();
        let offset = self.end.fetch_add(len as u64, Ordering::Relaxed);
        match self.write_at(html.as_bytes(), offset) {
            Ok(()) => Some(Spooled {
                spool: self.clone(),
                offset,
                len,
            }),
            Err(_) => None,
        }
    }

    #[cfg(unix)]
    fn write_at(&self, bytes: &[u8], offset: u64) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(&self.file, bytes, offset)
    }

    #[cfg(not(unix))]
    fn write_at(&self, _: &[u8], _: u64) -> std::io::Result<()> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    #[cfg(unix)]
    fn read_at(&self, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, bytes, offset)
    }

    #[cfg(not(unix))]
    fn read_at(&self, _: &mut [u8], _: u64) -> std::io::Result<()> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    /// The first error reading the spool back, if any: the pages made since are incomplete.
    pub fn take_error(&self) -> Option<std::io::Error> {
        if !self.any_failed.load(Ordering::Relaxed) {
            return None;
        }
        self.failed.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl Spooled {
    /// The number of bytes of the body's HTML.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The body's HTML, read back; empty if it cannot be, the error kept for
    /// [`Spool::take_error`].
    pub fn read(&self) -> String {
        let mut bytes = vec![0; self.len];
        let read = self
            .spool
            .read_at(&mut bytes, self.offset)
            .and_then(|()| String::from_utf8(bytes).map_err(std::io::Error::other));
        read.unwrap_or_else(|e| {
            let spool = &self.spool;
            if !spool.any_failed.swap(true, Ordering::Relaxed) {
                *spool.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
            }
            String::new()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::Rendered;

    #[test]
    fn bodies_come_back_as_written_from_any_thread() {
        // A harvest so large that no body stays in memory.
        let Some(spool) = Spool::new(IN_MEMORY * IN_MEMORY_ITEMS) else {
            panic!("no temporary file can be made");
        };
        let bodies: Vec<String> = (0..64)
            .map(|n| format!("<p>{}</p>", "é".repeat(n)))
            .collect();
        let spooled: Vec<Spooled> = std::thread::scope(|scope| {
            let handles: Vec<_> = bodies
                .iter()
                .map(|body| scope.spawn(|| spool.write(body)))
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().ok().flatten())
                .collect()
        });
        assert_eq!(spooled.len(), bodies.len());
        for (body, spooled) in bodies.iter().zip(&spooled) {
            assert_eq!(&spooled.read(), body);
            assert_eq!(spooled.len(), body.len());
        }
        let mut rendered = Rendered {
            html: "<p>tekst</p>".into(),
            ..Rendered::default()
        };
        rendered.keep(Some(&spool));
        assert!(rendered.html.is_empty());
        assert_eq!(
            (rendered.html_text().as_ref(), rendered.html_len()),
            ("<p>tekst</p>", 12)
        );
        assert!(spool.take_error().is_none());
    }

    #[test]
    fn the_first_bodies_stay_in_memory_up_to_the_room_the_harvest_leaves() {
        let in_memory = |files: usize, lengths: &[usize]| {
            let Some(spool) = Spool::new(files) else {
                panic!("no temporary file can be made");
            };
            lengths
                .iter()
                .map(|&len| {
                    let mut rendered = Rendered {
                        html: "x".repeat(len),
                        ..Rendered::default()
                    };
                    rendered.keep(Some(&spool));
                    assert_eq!(rendered.html_text(), "x".repeat(len));
                    rendered.spooled.is_none()
                })
                .collect::<Vec<_>>()
        };
        // Three thirds fill the room; a byte more goes to the spool.
        let third = IN_MEMORY / 3;
        assert_eq!(IN_MEMORY % 3, 0);
        assert_eq!(
            in_memory(100, &[third, third, third, 1]),
            [true, true, true, false]
        );
        // Twice the files, half the room: a body that does not fit leaves it to the next.
        assert_eq!(
            in_memory(2 * IN_MEMORY_ITEMS, &[third, third, 1]),
            [true, false, true]
        );
    }
}
