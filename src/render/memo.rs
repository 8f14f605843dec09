//! What a remembering renderer keeps between builds: each page with a hash of its template
//! input, so a page whose input did not change is not rendered again.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;
use tera::Context;

/// A page to remember: its output file, the hash of its template input, its HTML.
pub(super) type Remembered = (String, u64, Arc<Vec<u8>>);

/// Pages of the previous build with a hash of what their templates were given.
#[derive(Debug, Default)]
pub(super) struct RenderMemo {
    pub(super) pages: HashMap<String, (u64, Arc<Vec<u8>>)>,
}

/// A template context, and a hash of everything put into it when pages are remembered.
pub(super) struct Inputs {
    pub(super) context: Context,
    hasher: Option<DefaultHasher>,
}

impl Inputs {
    pub(super) fn new(seed: Option<u64>) -> Self {
        let hasher = seed.map(|seed| {
            let mut hasher = DefaultHasher::new();
            seed.hash(&mut hasher);
            hasher
        });
        Inputs {
            context: Context::new(),
            hasher,
        }
    }

    pub(super) fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(hasher) = &mut self.hasher {
            key.hash(hasher);
            // Serialising a view cannot fail: views hold only strings, numbers and lists.
            let _ = serde_json::to_writer(HashWriter(hasher), value);
        }
        self.context.insert(key, value);
    }

    /// Adds to the hash what templates reach outside the context (through functions); the
    /// value is made only when pages are remembered.
    pub(super) fn mix(&mut self, value: impl FnOnce() -> u64) {
        if let Some(hasher) = &mut self.hasher {
            value().hash(hasher);
        }
    }

    pub(super) fn key(&self) -> Option<u64> {
        self.hasher.as_ref().map(Hasher::finish)
    }
}

/// Feeds written bytes into a hasher.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
