//! A list kept in chunks shared between the harvests of successive runs: a copy shares
//! every chunk, and a change copies only the chunk it falls in. The preview's relink changes
//! the relations of a few items of many thousands; a plain list would be copied whole.

use std::ops::Index;
use std::sync::Arc;

/// Items per chunk: a change copies this many, a copy of the list holds one pointer per
/// chunk.
const CHUNK: usize = 256;

#[derive(Debug, Clone, Default)]
pub struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
}

impl<T: Clone> Chunked<T> {
    /// Sets the entry at `at`, copying its chunk if another list shares it.
    pub fn set(&mut self, at: usize, value: T) {
        Arc::make_mut(&mut self.chunks[at / CHUNK])[at % CHUNK] = value;
    }
}

impl<T> From<Vec<T>> for Chunked<T> {
    fn from(list: Vec<T>) -> Self {
        let mut chunks = Vec::with_capacity(list.len().div_ceil(CHUNK));
        let mut rest = list.into_iter().peekable();
        while rest.peek().is_some() {
            chunks.push(Arc::new(rest.by_ref().take(CHUNK).collect()));
        }
        Chunked { chunks }
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, at: usize) -> &T {
        &self.chunks[at / CHUNK][at % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_copies_only_its_chunk() {
        let before = Chunked::from((0..1000).collect::<Vec<u32>>());
        let mut after = before.clone();
        after.set(300, 7);
        assert_eq!((before[300], after[300]), (300, 7));
        assert_eq!(
            (after[0], after[299], after[301], after[999]),
            (0, 299, 301, 999)
        );
        let shared = (before.chunks.iter().zip(&after.chunks))
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count();
        assert_eq!(shared, before.chunks.len() - 1);
    }
}
