//! A rendered body as plain text, cut at its headings: what a result shows around a match,
//! and what the stems are taken from. Read from the HTML in one pass, without a parser:
//! the HTML is oogst's own (or what a writer put in a body), and a tag left open or a
//! reference it does not know is read as text, never refused.

use super::eight::{self, HIGHS, between};

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
    fn a_body_that_starts_with_a_heading_has_no_empty_first_part() {
        let found = parts("<h2 id=\"a\">Kop</h2><p>Tekst</p>");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].anchor, "a");
    }
}
