//! The postings of the search index: for each stem, the items it is found in with its weight
//! in each, gathered block by block as the items files are made, then scored with BM25 and
//! cut into the terms files.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::text::Made;
use super::{ItemTerms, KeyedFile};
use crate::harvest::{Harvest, ItemId};

/// A terms file is closed once it holds this many bytes, so a query fetches little.
const TERMS_FILE_BYTES: usize = 48 * 1024;

/// BM25's saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The postings of the items files made so far, in the order of the files.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) postings: Vec<Postings>,
    /// Each item's length, by its number in the index.
    pub(super) lengths: Vec<u32>,
    /// With a memo: the stems of each item, by content path, and each items file by number.
    pub(super) remembered: FxHashMap<String, (u64, Arc<ItemTerms>)>,
    pub(super) files: Vec<(usize, KeyedFile)>,
}

impl Gathered {
    /// Adds the stems of the items of `made` (files by number, in order) to the postings.
    pub(super) fn gather(
        &mut self,
        harvest: &Harvest,
        files: &[&[ItemId]],
        made: Vec<(usize, Made)>,
        keep: bool,
    ) {
        for (n, made) in made {
            for (&id, (key, terms)) in files[n].iter().zip(made.terms) {
                let doc = self.lengths.len() as u32;
                self.lengths.push(terms.length);
                for (&stem, &weight) in terms.stems.iter().zip(&terms.weights) {
                    let stem = stem as usize;
                    if self.postings.len() <= stem {
                        self.postings.resize_with(stem + 1, Postings::default);
                    }
                    self.postings[stem].push(doc, weight);
                }
                if keep {
                    self.remembered
                        .insert(harvest.items[id].rel.clone(), (key, terms));
                }
            }
            if keep {
                self.files.push((n, made.file));
            }
        }
    }
}

/// The items a stem is found in, with its weight in each: each item's number as the
/// difference from the one before, then the weight, both in LEB128. Compact, as the
/// postings of a whole harvest are held at once.
#[derive(Debug, Default)]
pub(super) struct Postings {
    bytes: Vec<u8>,
    last: u32,
}

fn leb128(bytes: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

impl Postings {
    fn push(&mut self, doc: u32, weight: u16) {
        leb128(&mut self.bytes, doc - self.last);
        leb128(&mut self.bytes, u32::from(weight));
        self.last = doc;
    }

    /// Each item's difference from the one before, with its weight.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut bytes = self.bytes.iter().copied();
        let mut number = move || {
            let mut n = 0u32;
            let mut shift = 0;
            loop {
                let b = bytes.next()?;
                n |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Some(n);
                }
                shift += 7;
            }
        };
        std::iter::from_fn(move || Some((number()?, number()?)))
    }
}

/// The BM25 term-frequency part of a score, from an item's weighted frequency of a stem and
/// its length, as a number from 1 to 255 (the search script multiplies it by the stem's
/// inverse document frequency).
pub(super) struct Bm25<'a> {
    lengths: &'a [u32],
    average: f64,
}

impl<'a> Bm25<'a> {
    pub(super) fn new(lengths: &'a [u32]) -> Self {
        let total: f64 = lengths.iter().map(|&l| f64::from(l)).sum();
        let average = (total / lengths.len().max(1) as f64).max(1.0);
        Bm25 { lengths, average }
    }

    fn score(&self, doc: usize, frequency: u32) -> u32 {
        let length = f64::from(self.lengths.get(doc).copied().unwrap_or(1));
        let tf = f64::from(frequency);
        let part = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.average));
        ((part / (K1 + 1.0) * 255.0).round() as u32).clamp(1, 255)
    }
}

/// The numbers of the stems found in any item, in the order the search script compares
/// them (UTF-16 code units).
pub(super) fn stem_order(names: &[Box<str>], postings: &[Postings]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..postings.len())
        .filter(|&n| !postings[n].bytes.is_empty())
        .collect();
    order.sort_unstable_by(|&a, &b| names[a].encode_utf16().cmp(names[b].encode_utf16()));
    order
}

/// Stems whose entries are made side by side before they are put into files: a window of
/// at most this many stems, and of postings of at most [`WINDOW_BYTES`] (a stem found in
/// every item of a large harvest has an entry of hundreds of kilobytes), bounds what is held at once.
const WINDOW: usize = 4096;
const WINDOW_BYTES: usize = 1 << 20;

/// The stems in `order`, cut into files of about [`TERMS_FILE_BYTES`]; gives each file with
/// its first stem to `emit`. The entries of a window of stems are made on every core, then
/// put into files in order: the same files as one after the other.
pub(super) fn terms_files(
    names: &[Box<str>],
    postings: &[Postings],
    order: &[usize],
    scores: &Bm25<'_>,
    emit: &mut dyn FnMut(String, Vec<u8>),
) {
    let mut current: Option<(String, Vec<u8>)> = None;
    let mut none = true;
    let mut rest = order;
    while !rest.is_empty() {
        let mut held = 0;
        let size = (rest.iter().take(WINDOW))
            .take_while(|&&n| {
                held += postings[n].bytes.len();
                held <= WINDOW_BYTES
            })
            .count()
            .max(1);
        let (window, after) = rest.split_at(size);
        rest = after;
        let entries: Vec<Vec<u8>> = (window.par_iter())
            .map(|&n| entry(&names[n], &postings[n], scores))
            .collect();
        for (&n, entry) in window.iter().zip(entries) {
            let (_, bytes) = current.get_or_insert_with(|| (names[n].to_string(), b"{".to_vec()));
            if bytes.len() > 1 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(&entry);
            if bytes.len() >= TERMS_FILE_BYTES
                && let Some((first, mut bytes)) = current.take()
            {
                bytes.push(b'}');
                emit(first, bytes);
                none = false;
            }
        }
    }
    if let Some((first, mut bytes)) = current.take() {
        bytes.push(b'}');
        emit(first, bytes);
        none = false;
    }
    if none {
        emit(String::new(), b"{}".to_vec());
    }
}

/// A stem's entry in its terms file: `"stem":[item, score, item, score, ...]`.
fn entry(stem: &str, list: &Postings, scores: &Bm25<'_>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(stem.len() + 4 + 2 * list.bytes.len());
    let mut numbers = itoa::Buffer::new();
    // A string always serialises.
    let _ = serde_json::to_writer(&mut bytes, stem);
    bytes.extend_from_slice(b":[");
    let mut doc = 0usize;
    for (i, (delta, weight)) in list.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        doc += delta as usize;
        bytes.extend_from_slice(numbers.format(delta).as_bytes());
        bytes.push(b',');
        bytes.extend_from_slice(numbers.format(scores.score(doc, weight)).as_bytes());
    }
    bytes.push(b']');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_files_are_cut_by_size_and_name_their_first_stem() {
        let mut names = Vec::new();
        let mut postings = Vec::new();
        for n in (0..5000u32).rev() {
            names.push(format!("stam{n:04}").into_boxed_str());
            let mut list = Postings::default();
            list.push(n, 1);
            list.push(n + 5, 9);
            postings.push(list);
        }
        let mut long = Postings::default();
        for doc in [3, 300, 70_000, 70_001] {
            long.push(doc, 200);
        }
        long.push(70_002, 3000);
        let read: Vec<_> = long.iter().collect();
        assert_eq!(
            read,
            [(3, 200), (297, 200), (69_700, 200), (1, 200), (1, 3000)]
        );
        names.push("leeg".into());
        postings.push(Postings::default());
        let lengths = vec![10; 5010];
        let mut files = Vec::new();
        let order = stem_order(&names, &postings);
        terms_files(
            &names,
            &postings,
            &order,
            &Bm25::new(&lengths),
            &mut |first, bytes| files.push((first, bytes)),
        );
        assert!(files.len() > 1);
        assert_eq!(files[0].0, "stam0000");
        let first: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
        let list = first["stam0001"].as_array().unwrap();
        assert_eq!((list[0].as_u64(), list[2].as_u64()), (Some(1), Some(5)));
        assert!(
            list[1].as_u64() < list[3].as_u64(),
            "a stem found more often scores higher: {list:?}"
        );
        assert!(
            first.get("leeg").is_none(),
            "stems no item has are left out"
        );
        let firsts: Vec<_> = files.iter().map(|(f, _)| f.clone()).collect();
        let mut sorted = firsts.clone();
        sorted.sort();
        assert_eq!(firsts, sorted);
    }

    #[test]
    fn bm25_saturates_and_prefers_short_items() {
        let lengths = [10, 100, 10];
        let bm25 = Bm25::new(&lengths);
        assert!(bm25.score(0, 1) > bm25.score(1, 1), "the shorter item");
        assert!(bm25.score(0, 8) > bm25.score(0, 1));
        assert!(bm25.score(0, 1000) <= 255);
        assert!(bm25.score(1, 0) >= 1);
    }
}
