//! The items as results show them: kind, number, title, address, summary, and the body as
//! plain text cut at its headings, so a result can show the words around a match and link
//! to the heading they stand under. Written a few items to a file, gzipped: the text is
//! most of the index's bytes. Each body is read once, for its file and for its stems.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use rustc_hash::FxHashMap;

use super::plain::{Part, parts};
use super::words::{ItemTerms, Tokenizer};
use crate::harvest::{Harvest, Item, ItemId};

/// An items file and the stems of its items, keyed as the memo keeps them.
pub(super) struct Made {
    pub(super) terms: Vec<(u64, Arc<ItemTerms>)>,
    pub(super) file: (u64, Arc<Vec<u8>>),
}

/// The last run's stems of every item, and its file of the same number.
pub(super) type Earlier<'a> = (
    &'a FxHashMap<String, (u64, Arc<ItemTerms>)>,
    Option<&'a (u64, Arc<Vec<u8>>)>,
);

/// The items file of `items` and their stems, each body read once and only where needed:
/// with what the last run made (`earlier`), stems of an unchanged item and a file whose
/// items show the same are taken from it.
pub(super) fn make_file(
    harvest: &Harvest,
    items: &[ItemId],
    earlier: Option<Earlier<'_>>,
    tokenizer: &mut Tokenizer<'_>,
    gzip: &mut Gzip,
) -> Made {
    let file_key = earlier.map_or(0, |_| items_key(harvest, items));
    let file = earlier
        .and_then(|(_, file)| file)
        .filter(|(was, _)| *was == file_key)
        .cloned();
    let mut bodies = Vec::with_capacity(items.len());
    let mut terms = Vec::with_capacity(items.len());
    for &id in items {
        let item = &harvest.items[id];
        let key = earlier.map_or(0, |_| super::item_key(item));
        let known = earlier
            .and_then(|(terms, _)| terms.get(&item.rel))
            .filter(|(was, _)| *was == key);
        let body = match (known, &file) {
            (Some(_), Some(_)) => Vec::new(),
            _ => parts(&item.body.html_text()),
        };
        terms.push(match known {
            Some(known) => known.clone(),
            None => (key, Arc::new(tokenizer.item_terms(item, &body))),
        });
        bodies.push(body);
    }
    let file = file.unwrap_or_else(|| {
        let bytes = items_file(harvest, items, &bodies, gzip);
        (file_key, Arc::new(bytes))
    });
    Made { terms, file }
}

/// A hash of everything [`items_file`] makes of `items`: a file whose key is the same is the
/// same file.
pub(super) fn items_key(harvest: &Harvest, items: &[ItemId]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    for &id in items {
        let item = &harvest.items[id];
        (
            item.kind,
            item.number,
            &item.title,
            &item.path,
            &item.summary,
        )
            .hash(&mut hasher);
        (item.language, &*item.body.html_text()).hash(&mut hasher);
    }
    harvest.routes.urls.base_path().hash(&mut hasher);
    hasher.finish()
}

/// An items file: per item `[kind, number, title, url, summary, anchor, heading, text, ...]`
/// (a part of its body after another), JSON, gzipped. `bodies` are the items' bodies cut
/// into [`parts`].
pub(super) fn items_file(
    harvest: &Harvest,
    items: &[ItemId],
    bodies: &[Vec<Part>],
    gzip: &mut Gzip,
) -> Vec<u8> {
    let rows: Vec<Row<'_>> = (items.iter().zip(bodies))
        .map(|(&id, body)| Row {
            harvest,
            item: &harvest.items[id],
            body,
        })
        .collect();
    // Strings and numbers always serialise.
    let json = serde_json::to_vec(&rows).unwrap_or_default();
    gzip.file(&json)
}

/// An item as its items file shows it, written as one JSON array.
struct Row<'a> {
    harvest: &'a Harvest,
    item: &'a Item,
    body: &'a [Part],
}

impl serde::Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let item = self.item;
        let mut row = serializer.serialize_seq(None)?;
        row.serialize_element(super::super::context::kind_name(item.kind))?;
        row.serialize_element(&item.number)?;
        row.serialize_element(&item.title)?;
        row.serialize_element(&self.harvest.routes.urls.link(&item.path))?;
        row.serialize_element(&item.summary)?;
        for part in self.body {
            row.serialize_element(&part.anchor)?;
            row.serialize_element(&part.heading)?;
            row.serialize_element(&part.text)?;
        }
        // The language of an item not translated yet, last.
        if item.language != self.harvest.config.language {
            row.serialize_element(item.language.code())?;
        }
        row.end()
    }
}

/// Writes gzip files, one compressor kept for many: its tables are set up once, not for
/// each file of a few kilobytes.
pub(super) struct Gzip(Compress);

impl Gzip {
    /// zlib-rs's fastest level (fixed codes): on the 10,000-item bench the build takes 13%
    /// less CPU than at level 2, for items files 30% larger (about 1 KB per item).
    pub(super) fn new() -> Gzip {
        Gzip(Compress::new(Compression::fast(), false))
    }

    /// `data` as a gzip file (RFC 1952): no name, no time, made by "unknown" (as flate2's
    /// `GzEncoder` writes it), the deflated data, its CRC-32 and its length.
    pub(super) fn file(&mut self, data: &[u8]) -> Vec<u8> {
        const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];
        self.0.reset();
        let mut out = Vec::with_capacity(HEADER.len() + data.len() / 2 + 64);
        out.extend_from_slice(&HEADER);
        loop {
            let read = usize::try_from(self.0.total_in()).unwrap_or(data.len());
            let rest = data.get(read..).unwrap_or_default();
            out.reserve(256);
            // Deflating from memory into memory only fails on a broken stream, never here.
            match self.0.compress_vec(rest, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let mut crc = Crc::new();
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        // The length modulo 2^32, as the format has it.
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_gzip_writer_writes_files_gzip_reads() {
        use std::io::{Read, Write};
        let mut gzip = Gzip::new();
        let long: String = (0..40_000).map(|n| format!("woord{} ", n % 977)).collect();
        for data in ["", "een", "[\"kort\",\"stuk\"]", long.as_str(), "een"] {
            let made = gzip.file(data.as_bytes());
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
            encoder.write_all(data.as_bytes()).unwrap();
            // The encoder deflates what it is given in pieces of 32 KiB: blocks cut
            // elsewhere, the same bytes.
            if data.len() < 32 << 10 {
                assert_eq!(made, encoder.finish().unwrap(), "{} bytes", data.len());
            }
            let mut read = String::new();
            flate2::read::GzDecoder::new(&made[..])
                .read_to_string(&mut read)
                .unwrap();
            assert_eq!(read, data);
        }
    }
}
