//! The plain front matter most files have, read without the full YAML parser: a mapping of
//! lower-case keys to one-line values (plain words, a whole number, text in quotes) and to
//! lists of such values, in brackets or one per `- ` line below the key. Anything else,
//! and anything that is doubtful (a sign, a leading zero, `yes`, `null`, a comment after a
//! value, a line that goes on below), is left to the parser: [`entries`] then says `None`.
//! Where it answers, it gives what the parser would; the `yaml` fuzz target holds it to
//! that. Positions are not kept: a text with any problem is read again by the parser.

use serde_json::Value;

/// The top-level keys and values of `text`, when all of it is in the plain form above;
/// `None` when any of it is not, or a key comes twice.
pub(super) fn entries(text: &str) -> Option<Vec<(String, Value)>> {
    // Anywhere, in a comment too: the parser refuses some of these, and reads others as a
    // line break.
    if text.chars().any(|c| c != '\n' && unusual(c)) {
        return None;
    }
    let mut entries: Vec<(String, Value)> = Vec::new();
    // After a key with nothing behind it: the indent of its `- ` lines, once one came.
    let mut list: Option<Option<usize>> = None;
    for line in text.split('\n') {
        let unindented = line.trim_start_matches(' ');
        if unindented.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(item) = unindented.strip_prefix("- ") {
            let indent = Some(line.len() - unindented.len());
            let at = list.as_mut()?;
            if at.is_some_and(|at| Some(at) != indent) {
                return None;
            }
            *at = indent;
            let value = scalar(item.trim_matches(' '), false)?;
            match entries.last_mut() {
                Some((_, Value::Array(values))) => values.push(value),
                Some((_, slot)) => *slot = Value::Array(vec![value]),
                None => return None,
            }
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        let plain_key = key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && (key.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !plain_key || entries.iter().any(|(k, _)| k == key) {
            return None;
        }
        let value = match rest.strip_prefix(' ') {
            Some(value) => value.trim_matches(' '),
            None if rest.is_empty() => "",
            None => return None,
        };
        list = value.is_empty().then_some(None);
        let value = match value {
            // Null, unless `- ` lines follow.
            "" => Value::Null,
            "[]" => Value::Array(Vec::new()),
            _ => match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                Some(inner) => Value::Array(
                    (inner.split(','))
                        .map(|item| scalar(item.trim_matches(' '), true))
                        .collect::<Option<_>>()?,
                ),
                None => scalar(value, false)?,
            },
        };
        entries.push((key.to_string(), value));
    }
    Some(entries)
}

/// One value: text in double quotes without escapes, in single quotes, a whole number
/// without sign or leading zero, or plain words that start with a letter and cannot be
/// read as anything but text. `in_list`: inside `[...]`, where `,` and brackets end it.
fn scalar(value: &str, in_list: bool) -> Option<Value> {
    let first = *value.as_bytes().first()?;
    if first == b'"' {
        let inner = value[1..].strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then(|| Value::String(inner.to_string()));
    }
    if first == b'\'' {
        let inner = value[1..].strip_suffix('\'')?;
        let quotes_paired = !inner.replace("''", "").contains('\'');
        return quotes_paired.then(|| Value::String(inner.replace("''", "'")));
    }
    if first.is_ascii_digit() {
        let whole = (first != b'0' || value.len() == 1)
            && value.len() <= 18
            && value.bytes().all(|b| b.is_ascii_digit());
        return whole.then(|| value.parse::<u64>().ok().map(Value::from))?;
    }
    let letter = value.chars().next().is_some_and(char::is_alphabetic);
    let doubtful = value.ends_with(':')
        || value.contains(": ")
        || value.contains(" #")
        || (in_list && value.contains(['[', ']', '{', '}', ',']));
    if !letter || doubtful || is_special(value) {
        return None;
    }
    Some(Value::String(value.to_string()))
}

/// Control characters, line and paragraph separators, the byte-order mark and
/// non-characters: what YAML forbids or may read as a line break.
fn unusual(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Words a YAML parser (or a number parser behind it) may read as something else than
/// text, in any case.
fn is_special(word: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity",
    ];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::plain_reading_agrees;

    #[test]
    fn plain_front_matter_is_read_as_the_parser_reads_it() {
        let text = "title: \"Conclusie 5: Governance\"\nnumber: 5\nsummary: Een CoP biedt afstand tot collega’s.\ntags:\n  - borging\n  - pilots\nthemes: [cop-als-leerplek, omgevingswet]\nslug: 'it''s'\nimage:\nconclusions:\n- 12\n- conclusion-0003\n";
        let read = entries(text).expect("plain");
        assert_eq!(read.len(), 8);
        assert_eq!(read[0].1, "Conclusie 5: Governance");
        assert_eq!(read[1].1, 5);
        assert_eq!(read[3].1, serde_json::json!(["borging", "pilots"]));
        assert_eq!(read[5].1, "it's");
        assert_eq!(read[6].1, Value::Null);
        assert_eq!(read[7].1, serde_json::json!([12, "conclusion-0003"]));
        assert!(plain_reading_agrees(text));
    }

    #[test]
    fn anything_doubtful_is_left_to_the_parser() {
        for text in [
            "title: yes",
            "title: Null",
            "title: ~",
            "title: 007",
            "title: -5",
            "title: 1.5",
            "title: 2026-11-30",
            "title: a # comment",
            "title: a: b",
            "title: \"a\\tb\"",
            "title: \"open",
            "title: x\n  goes on",
            "title: x\n- item",
            "Title: x",
            "title:x",
            "title: x\ntitle: y",
            "extra:\n  key: value",
            "themes: [a, [b]]",
            "themes: [\"a, b\"]",
            "themes:\n  - a\n    - b",
            "themes:\n  - a\n - b",
            "---\ntitle: x",
            "title: x\r",
            "# a comment with a NUL\0 in it\ntitle: x\n",
            "title: x\n# a tab\tin a comment\n",
            "title: &a x",
            "title: !!str x",
            "title: |\n  x",
            "title: inf",
            "title:\tx",
            "\u{feff}title: x",
        ] {
            assert_eq!(entries(text), None, "{text:?}");
        }
    }

    #[test]
    fn texts_made_of_tricky_pieces_are_read_as_the_parser_reads_them() {
        const PIECES: [&str; 41] = [
            "woord",
            "Twee woorden",
            "Thema’s",
            "0",
            "7",
            "007",
            "12345",
            "1.5",
            "-3",
            "+4",
            "2026-11-30",
            "yes",
            "No",
            "NULL",
            "~",
            "True",
            "inf",
            "NaN",
            ".inf",
            "0x1F",
            "\"quoted: yes\"",
            "'it''s'",
            "'open",
            "\"a\\\"b\"",
            "a: b",
            "a #c",
            "C#",
            "x:",
            "[a, b]",
            "[]",
            "[a, [b]]",
            "{a: 1}",
            "&anchor x",
            "*alias",
            "!tag x",
            "|",
            ">",
            "é",
            "a,b",
            "\u{85}x",
            "Infinity",
        ];
        const KEYS: [&str; 6] = ["title", "number", "themes", "summary", "extra", "Title"];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut plain = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                let key = KEYS[next(KEYS.len())];
                match next(5) {
                    0 => {
                        text.push_str(&format!("{key}:\n"));
                        let indent = " ".repeat(next(3));
                        for _ in 0..next(3) {
                            text.push_str(&format!("{indent}- {}\n", PIECES[next(PIECES.len())]));
                        }
                    }
                    1 => text.push_str(&format!("# {key}\n\n")),
                    _ => text.push_str(&format!("{key}: {}\n", PIECES[next(PIECES.len())])),
                }
            }
            plain += usize::from(entries(&text).is_some());
            assert!(plain_reading_agrees(&text), "{text:?}");
        }
        // Enough of them are plain for the comparison to mean something.
        assert!(plain > 300, "{plain}");
    }

    #[test]
    fn the_shipped_harvest_is_read_as_the_parser_reads_it() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut plain = 0;
        let mut files = 0;
        let mut folders = vec![content];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let Ok(split) = crate::content::front_matter::split(&text) else {
                    continue;
                };
                files += 1;
                plain += usize::from(entries(split.yaml).is_some());
                assert!(plain_reading_agrees(split.yaml), "{}", path.display());
            }
        }
        // Most files have plain front matter; the others are read by the parser.
        assert!(files >= 30 && plain * 10 > files * 8, "{plain} of {files}");
    }
}
