//! The items as results show them: kind, number, title, address, summary, and the body as
//! plain text cut at its headings, so a result can show the words around a match and link
//! to the heading they stand under. Written a few items to a file, gzipped: the text is
//! most of the index's bytes. Each body is read once, for its file and for its stems.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use rustc_hash::FxHashMap;

use super::eight;
use super::words::{ItemTerms, Tokenizer};
use crate::harvest::{Harvest, Item, ItemId};

/// One part of a body: the `id` of the heading it starts with (empty before the first
/// heading), the heading's text, and the text under it.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Part {
    pub(super) anchor: String,
    pub(super) heading: String,
    pub(super) text: String,
}

/// Elements that end a run of text: a space is put where they open or close.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "br",
    "td",
    "th",
    "tr",
    "dt",
    "dd",
    "pre",
    "blockquote",
    "figcaption",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// The parts of a rendered body, its headings of every level starting new parts.
pub(super) fn parts(html: &str) -> Vec<Part> {
    let mut parts = vec![Part::default()];
    let mut in_heading = false;
    let mut skip_anchor = false;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
            push_text(&mut parts, in_heading, skip_anchor, rest);
            break;
        };
        push_text(&mut parts, in_heading, skip_anchor, &rest[..lt]);
        // A tag runs to its `>`; one left open, to the end.
        let (tag, end) = match memchr::memchr(b'>', &rest.as_bytes()[lt..]) {
            Some(e) => (&rest[lt + 1..lt + e], lt + e + 1),
            None => (&rest[lt + 1..], rest.len()),
        };
        let closing = tag.starts_with('/');
        let name = tag_name(tag);
        let heading_level = name.len() == 2
            && name.as_bytes()[0].eq_ignore_ascii_case(&b'h')
            && !name.eq_ignore_ascii_case("hr");
        if heading_level && !closing {
            parts.push(Part {
                anchor: attribute(tag, "id").unwrap_or_default(),
                ..Part::default()
            });
            in_heading = true;
        } else if heading_level {
            in_heading = false;
        } else if name.eq_ignore_ascii_case("a")
            && !closing
            && memchr::memmem::find(tag.as_bytes(), b"heading-anchor").is_some()
        {
            skip_anchor = true;
        } else if name.eq_ignore_ascii_case("a") && closing {
            skip_anchor = false;
        }
        if is_block(name)
            && let Some(last) = parts.last_mut()
        {
            let text = if in_heading || heading_level && closing {
                &mut last.heading
            } else {
                &mut last.text
            };
            space(text);
        }
        rest = &rest[end..];
    }
    for part in &mut parts {
        part.text.truncate(part.text.trim_end().len());
        part.heading.truncate(part.heading.trim_end().len());
    }
    // A body that starts with a heading has nothing before it.
    if parts.len() > 1 && parts[0].text.is_empty() {
        parts.remove(0);
    }
    parts
}

/// The element name a tag's text starts with (after the `/` of a closing tag), as written.
fn tag_name(tag: &str) -> &str {
    let name = tag.trim_start_matches('/');
    let end = (name.bytes())
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    &name[..end]
}

fn space(text: &mut String) {
    if !text.is_empty() && !text.ends_with(' ') {
        text.push(' ');
    }
}

fn push_text(parts: &mut [Part], in_heading: bool, skip: bool, raw: &str) {
    let Some(last) = parts.last_mut() else {
        return;
    };
    if skip || raw.is_empty() {
        return;
    }
    let text = if in_heading {
        &mut last.heading
    } else {
        &mut last.text
    };
    text.reserve(raw.len());
    let mut rest = raw;
    while !rest.is_empty() {
        let (plain, after) = match memchr::memchr(b'&', rest.as_bytes()) {
            Some(amp) => (&rest[..amp], &rest[amp..]),
            None => (rest, ""),
        };
        push_words(text, plain);
        if after.is_empty() {
            break;
        }
        let (c, used) = entity(after);
        if c == ' ' {
            space(text);
        } else {
            text.push(c);
        }
        rest = &after[used..];
    }
}

/// Copies `plain` into `text`, each white-space character as one space (none twice in a
/// row). Text with single spaces between its words is copied in one piece; only a
/// character outside ASCII is decoded.
fn push_words(text: &mut String, plain: &str) {
    let bytes = plain.as_bytes();
    // The start of what is still to be copied as it is.
    let mut run = 0;
    let mut at = 0;
    loop {
        at = next_to_look_at(bytes, at, run);
        let Some(&byte) = bytes.get(at) else {
            break;
        };
        let (white, len) = match byte {
            b'!'..=b'~' => (false, 1),
            // A space after a word stays in the run.
            b' ' if at > run && bytes[at - 1] != b' ' => (false, 1),
            b'\t'..=b'\r' | b' ' => (true, 1),
            byte if byte.is_ascii() => (false, 1),
            _ => match plain[at..].chars().next() {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => break,
            },
        };
        if white {
            text.push_str(&plain[run..at]);
            space(text);
            run = at + len;
        }
        at += len;
    }
    text.push_str(&plain[run..]);
}

/// The first byte from `at` on that [`push_words`] must look at, eight bytes at a time:
/// one outside ASCII, a control character (white space among them), or a space that is
/// not the single space after a word in the run that starts at `run`.
fn next_to_look_at(bytes: &[u8], mut at: usize, run: usize) -> usize {
    use eight::{HIGHS, between};
    if bytes.get(at) == Some(&b' ') && (at == run || bytes[at - 1] == b' ') {
        return at;
    }
    let mut after_space = at > run && bytes[at - 1] == b' ';
    while let Some(x) = eight::at(bytes, at) {
        let wide = x & HIGHS;
        let ascii = x & !HIGHS;
        let spaces = between(ascii, b' ', b' ');
        let follows_space = (spaces << 8) | if after_space { 0x80 } else { 0 };
        let look = wide | (between(ascii, 0, 0x1f) | spaces & follows_space) & !wide;
        if look != 0 {
            return at + eight::first(look);
        }
        after_space = spaces >> 63 != 0;
        at += 8;
    }
    at
}

/// Whether `name` (as written) is an element that ends a run of text.
fn is_block(name: &str) -> bool {
    BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// The character a reference at the start of `text` stands for, and its length.
fn entity(text: &str) -> (char, usize) {
    let Some(semi) = text.get(..12).unwrap_or(text).find(';') else {
        return ('&', 1);
    };
    let name = &text[1..semi];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "shy" => Some('\u{ad}'),
        _ => name.strip_prefix('#').and_then(|n| {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match c {
        Some(c) => (c, semi + 1),
        None => ('&', 1),
    }
}

/// The value of attribute `name` in a tag's text, as written (ids need no unescaping).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[at..].find('"')?;
    Some(tag[at..at + end].to_string())
}

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
    fn a_body_is_cut_at_its_headings_into_plain_text() {
        let html = "<p>Eerst <em>dit</em> &amp; dat.</p>\n<div class=\"heading\"><h2 id=\"werkwijze\">Werk&shy;wijze</h2><a class=\"heading-anchor\" href=\"#werkwijze\" aria-labelledby=\"werkwijze\">#</a></div>\n<ul><li>een</li><li>twee&nbsp;drie</li></ul><h3 id=\"x-1\">Dan</h3><p>Laatste&#33;</p>";
        let found = parts(html);
        assert_eq!(
            found,
            [
                Part {
                    anchor: String::new(),
                    heading: String::new(),
                    text: "Eerst dit & dat.".into()
                },
                Part {
                    anchor: "werkwijze".into(),
                    heading: "Werk\u{ad}wijze".into(),
                    text: "een twee drie".into()
                },
                Part {
                    anchor: "x-1".into(),
                    heading: "Dan".into(),
                    text: "Laatste!".into()
                },
            ]
        );
    }

    #[test]
    fn html_written_by_hand_is_read_without_fail() {
        for html in [
            "<é",
            "<p>é &",
            "&#xffffffff; &#99999999999; &;",
            "<h2>no id</h2>x",
            "</h3>a<h4 id=\"é\">b",
            "<a class=\"heading-anchor\">never closed",
            "<<>>",
            "&amp",
        ] {
            let found = parts(html);
            assert!(!found.is_empty(), "{html}");
        }
        assert_eq!(parts("a<é")[0].text, "a");
        assert_eq!(parts("<h2>Kop</h2>tekst")[0].anchor, "");
    }

    #[test]
    fn every_white_space_character_is_one_space() {
        let written = [
            "een  twee\tdrie\r\nvier",
            " voor en na ",
            "geen\u{a0}breek\u{2003}em\u{85}volgende\u{3000}ideo",
            "é ç\u{2028}ß",
            "a \u{a0}b  \t c \n",
            " \u{2003} x",
            "",
            "   ",
        ];
        // Pieces in every order of four, after 0 to 8 letters: each kind of white space
        // at every place of the eight bytes read at a time, and across two of them.
        let pieces = ["woord", " ", "  ", "\n", "é", "\u{a0}", "\t ", "x\u{1}y"];
        let mut combined = Vec::new();
        for n in 0..pieces.len().pow(4) {
            let text: String = (0..4)
                .map(|k| pieces[n / pieces.len().pow(k) % pieces.len()])
                .collect();
            for letters in 0..=8 {
                combined.push(format!("{}{text}", "a".repeat(letters)));
            }
        }
        for plain in written
            .iter()
            .copied()
            .chain(combined.iter().map(String::as_str))
        {
            // After nothing, a word, and a space.
            for before in ["", "x", "x "] {
                let mut text = String::from(before);
                push_words(&mut text, plain);
                let mut expected = String::from(before);
                for c in plain.chars() {
                    if c.is_whitespace() {
                        space(&mut expected);
                    } else {
                        expected.push(c);
                    }
                }
                assert_eq!(text, expected, "{before:?} then {plain:?}");
            }
        }
    }

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

    #[test]
    fn a_body_that_starts_with_a_heading_has_no_empty_first_part() {
        let found = parts("<h2 id=\"a\">Kop</h2><p>Tekst</p>");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].anchor, "a");
    }
}
