//! YAML, behind one module: typed parsing with exact positions, unknown-key and missing-key
//! checks. serde-saphyr keeps the line and column of every node and says what went wrong
//! as an enum, so positions come from the parser and hints from [`Syntax`], [`Expected`]
//! and [`Found`], never from the wording of another crate's messages.

mod error;
mod places;
mod simple;

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use crate::diagnostics::{Position, did_you_mean};
pub use error::{Expected, Found, Syntax, YamlError};
use error::{syntax_error, value_error};
pub use places::{find_key, key_position, value_position};

/// A free map of values (`extra:`), as templates see it.
pub type Mapping = serde_json::Map<String, serde_json::Value>;

/// Lists and mappings (`[[...]]`) may nest this deep; the parser stops at the first level
/// beyond, so a hostile text costs no more than a page.
pub const MAX_FLOW_DEPTH: usize = 128;

/// Front matter and `site.yaml` may be this long: parsed, YAML takes a hundred times the
/// memory of its text.
pub const MAX_LENGTH: usize = 1 << 20;

/// The keys a YAML mapping may and must have.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    pub allowed: &'static [&'static str],
    pub required: &'static [&'static str],
}

/// Parses `text` (a YAML mapping) into `T`, checking its keys first.
///
/// Positions are relative to the start of `text`. All key problems are reported together;
/// type errors only when the keys are right.
pub fn parse<T: DeserializeOwned>(text: &str, keys: Keys) -> Result<T, Vec<(Position, YamlError)>> {
    if text.len() > MAX_LENGTH {
        return Err(vec![(Position::new(1, 1), YamlError::TooLong(text.len()))]);
    }
    // Plain front matter that is right needs no parser; anything else, and every problem
    // (which needs its place, so the places given here are never shown), goes the
    // parser's way.
    if let Some(entries) = simple::entries(text) {
        let named = entries
            .iter()
            .map(|(name, value)| (name.as_str(), value, Position::new(1, 1)));
        if key_problems(named, keys).is_empty()
            && let Ok(parsed) =
                T::deserialize(serde_json::Value::Object(entries.into_iter().collect()))
        {
            return Ok(parsed);
        }
    }
    let entries = outline(text).map_err(|error| vec![error])?;
    let errors = key_problems(
        entries.iter().map(|e| (e.name.as_str(), &e.value, e.key)),
        keys,
    );
    if !errors.is_empty() {
        return Err(errors);
    }

    // The typed values come from the values read. Only when they do not fit is the text read
    // again into `T`: YAML takes a plain scalar as text or number as the key needs
    // (`title: 2024`), and its error knows the place.
    let values: serde_json::Map<String, serde_json::Value> =
        entries.into_iter().map(|e| (e.name, e.value)).collect();
    T::deserialize(serde_json::Value::Object(values)).or_else(|_| {
        serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
            let entries = outline(text).unwrap_or_default();
            vec![value_error(&e, text, &entries)]
        })
    })
}

/// The problems with the top-level keys of a mapping, given as name, value and where the
/// key is written: each key not allowed (with a suggestion), each required key missing or
/// empty.
fn key_problems<'a>(
    entries: impl Iterator<Item = (&'a str, &'a serde_json::Value, Position)> + Clone,
    keys: Keys,
) -> Vec<(Position, YamlError)> {
    let mut errors = Vec::new();
    for (name, _, at) in entries.clone() {
        if !keys.allowed.contains(&name) {
            errors.push((
                at,
                YamlError::UnknownKey {
                    suggestion: did_you_mean(name, keys.allowed.iter().copied()),
                    key: name.to_string(),
                    allowed: keys.allowed,
                },
            ));
        }
    }
    for &required in keys.required {
        let entry = entries.clone().find(|(name, _, _)| *name == required);
        if entry.is_none_or(|(_, value, _)| value.is_null()) {
            let at = entry.map_or(Position::new(1, 1), |(_, _, at)| at);
            errors.push((at, YamlError::MissingKey(required)));
        }
    }
    errors
}

/// Reads a free map (`extra:`), where `extra:` with nothing after it is an empty one.
pub fn mapping_or_nothing<'de, D: Deserializer<'de>>(d: D) -> Result<Mapping, D::Error> {
    Ok(<Option<Mapping> as de::Deserialize>::deserialize(d)?.unwrap_or_default())
}

/// Parses `text` as YAML into any `T`, without key checks (a theme's UI strings).
pub fn parse_any<T: DeserializeOwned>(text: &str) -> Result<T, (Position, YamlError)> {
    if text.len() > MAX_LENGTH {
        return Err((Position::new(1, 1), YamlError::TooLong(text.len())));
    }
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| syntax_error(&e, text))
}

/// Values that aliases may repeat in one YAML text, in parser events.
const MAX_REPLAYED_EVENTS: usize = 10_000;

/// The parser's settings: YAML 1.2 booleans only (`yes` is text), no snippets in its errors
/// (the report shows the line itself).
fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.with_snippet = false;
    // No page needs aliases that repeat this much; an alias bomb stops here, early, instead
    // of after the parser's general limit of a million events.
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    if let Some(budget) = options.budget.as_mut() {
        budget.flow_nesting_limit = MAX_FLOW_DEPTH;
        // The mapping itself is one level more than the lists and mappings in it.
        budget.max_depth = MAX_FLOW_DEPTH + 1;
    }
    options
}

/// The top-level entries of `text`, which must be a mapping (or nothing).
fn outline(text: &str) -> Result<Vec<Entry>, (Position, YamlError)> {
    match serde_saphyr::from_str_with_options::<Outline>(text, options()) {
        Ok(Outline::Mapping(entries)) => Ok(entries),
        Ok(Outline::Other(kind)) => Err((Position::new(1, 1), YamlError::NotAMapping(kind))),
        Err(e) => Err(syntax_error(&e, text)),
    }
}

/// The top level of a YAML text: a mapping, with the place of every key and value, or what
/// else it is.
enum Outline {
    Mapping(Vec<Entry>),
    Other(&'static str),
}

/// One `key: value` at the top level.
struct Entry {
    name: String,
    key: Position,
    /// Where the value starts.
    at: Position,
    value: serde_json::Value,
}

impl<'de> de::Deserialize<'de> for Outline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OutlineVisitor;
        impl<'de> Visitor<'de> for OutlineVisitor {
            type Value = Outline;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<Spanned<serde_json::Value>>()?;
                    entries.push(Entry {
                        name: key.value,
                        key: position(&key.referenced),
                        at: position(&value.referenced),
                        value: value.value,
                    });
                }
                Ok(Outline::Mapping(entries))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Outline, E> {
                Ok(Outline::Mapping(Vec::new()))
            }

            fn visit_none<E: de::Error>(self) -> Result<Outline, E> {
                Ok(Outline::Mapping(Vec::new()))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Outline, E> {
                Ok(Outline::Other("a yes/no value"))
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Outline, E> {
                Ok(Outline::Other("a number"))
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Outline, E> {
                Ok(Outline::Other("a number"))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Outline, E> {
                Ok(Outline::Other("a number"))
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<Outline, E> {
                Ok(Outline::Other("a line of text"))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outline, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Outline::Other("a list"))
            }
        }
        d.deserialize_any(OutlineVisitor)
    }
}

/// Whether the plain reading of `text` ([`simple`]), where there is one, is the parser's:
/// the same keys, in order, with the same values. For the `yaml` fuzz target.
#[doc(hidden)]
pub fn plain_reading_agrees(text: &str) -> bool {
    let Some(plain) = simple::entries(text) else {
        return true;
    };
    let Ok(entries) = outline(text) else {
        return false;
    };
    let parsed: Vec<(String, serde_json::Value)> =
        entries.into_iter().map(|e| (e.name, e.value)).collect();
    plain == parsed
}

/// A parser location as a position; one the parser does not know is the start of the text.
fn position(location: &Location) -> Position {
    if location.line() == 0 {
        return Position::new(1, 1);
    }
    Position::new(
        usize::try_from(location.line()).unwrap_or(usize::MAX),
        usize::try_from(location.column()).unwrap_or(usize::MAX),
    )
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Hint;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        title: String,
        number: Option<u32>,
        #[serde(default)]
        themes: Vec<String>,
    }

    const KEYS: Keys = Keys {
        allowed: &["title", "number", "themes"],
        required: &["title"],
    };

    #[test]
    fn parses_a_good_mapping() {
        let item: Item = parse("title: Hallo\nnumber: 3\nthemes: [a, b]\n", KEYS).unwrap();
        assert_eq!(item.number, Some(3));
        assert_eq!(item.themes, ["a", "b"]);
        // A plain scalar is text where the key takes text, read in a second pass.
        let item: Item = parse("title: 2024\nthemes: [1, 2.5]\n", KEYS).unwrap();
        assert_eq!(
            (item.title.as_str(), item.themes),
            ("2024", vec!["1".into(), "2.5".into()])
        );
    }

    #[test]
    fn names_unknown_keys_with_their_line_and_a_suggestion() {
        let errors = parse::<Item>("title: x\nthems: [a]\n", KEYS).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, Position::new(2, 1));
        assert_eq!(errors[0].1.hint().unwrap(), "did you mean `themes`?");
    }

    #[test]
    fn wrong_types_keep_their_position() {
        let errors = parse::<Item>("title: x\nnumber: drie\n", KEYS).unwrap_err();
        assert_eq!(errors[0].0.line, 2);
        let message = errors[0].1.to_string();
        assert_eq!(
            message,
            "wrong value for `number`: expected a whole number, found the text \"drie\""
        );
    }

    #[test]
    fn missing_and_syntax_errors() {
        let errors = parse::<Item>("number: 1\n", KEYS).unwrap_err();
        assert_eq!(errors[0].1, YamlError::MissingKey("title"));
        let errors = parse::<Item>("title: \"open\nnumber: 1\n", KEYS).unwrap_err();
        assert_eq!(
            errors[0],
            (Position::new(1, 8), YamlError::Syntax(Syntax::OpenQuote))
        );
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let n = 100_000;
        let text = format!("title: x\nthemes: {}{}\n", "[".repeat(n), "]".repeat(n));
        let started = std::time::Instant::now();
        let errors = parse::<Item>(&text, KEYS).unwrap_err();
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        assert_eq!(errors[0], (Position::new(2, 137), YamlError::TooDeep));
        // Brackets in quotes and comments are text; a shallow list is fine.
        let brackets = "[".repeat(300);
        let text = format!(
            "title: \"{brackets}\"\nthemes: ['{brackets}', 'it''s {brackets}'] # {brackets}\n"
        );
        let item: Item = parse(&text, KEYS).unwrap();
        assert_eq!(item.themes.len(), 2);
    }

    #[test]
    fn overlong_yaml_is_refused() {
        let text = format!("title: x\n# {}\n", "x".repeat(MAX_LENGTH));
        let errors = parse::<Item>(&text, KEYS).unwrap_err();
        assert!(matches!(errors[0].1, YamlError::TooLong(_)));
    }

    #[test]
    fn a_repeated_key_is_found_where_it_is_repeated() {
        let errors = parse::<Item>("title: a\nnumber: 1\ntitle: b\n", KEYS).unwrap_err();
        assert_eq!(errors[0].0, Position::new(3, 1));
        assert_eq!(
            errors[0].1,
            YamlError::Syntax(Syntax::DuplicateKey(Some("title".into())))
        );
        let errors = parse::<serde_json::Value>(
            "title: a\nextra:\n  k: 1\n  j: 2\n  k: 3\n",
            Keys {
                allowed: &["title", "extra"],
                required: &[],
            },
        )
        .unwrap_err();
        assert_eq!(errors[0].0, Position::new(5, 3));
    }

    #[test]
    fn messages_name_the_key_and_hints_fit() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Dated {
            title: String,
            date: Option<crate::content::Date>,
        }
        let keys = Keys {
            allowed: &["title", "date"],
            required: &["title"],
        };
        let errors = parse::<Dated>("title: x\ndate: yesterday\n", keys).unwrap_err();
        assert_eq!(errors[0].0.line, 2);
        assert!(
            errors[0]
                .1
                .to_string()
                .starts_with("wrong value for `date`: `yesterday`"),
            "{}",
            errors[0].1
        );
        let errors = parse::<Item>("title: [a, b]\n", KEYS).unwrap_err();
        assert_eq!(errors[0].1.hint(), None, "{}", errors[0].1);
        let errors = parse::<Item>("title: x\nnumber: -1\n", KEYS).unwrap_err();
        assert!(errors[0].1.hint().unwrap().contains("0 or more"));
        let errors = parse::<Item>("title: x\nnumber: 4294967296\n", KEYS).unwrap_err();
        assert!(errors[0].1.hint().unwrap().contains("too large"));
    }

    #[test]
    fn errors_at_the_end_stay_inside_the_text() {
        // Found by fuzzing: the parser once put this on line 3 of a text of two lines.
        let errors = parse::<Item>("title: Aanbevelingen\nsumtitl", KEYS).unwrap_err();
        assert_eq!(errors[0].0, Position::new(2, 1));
        // An open list is told where it opens, not where the text ends.
        let errors = parse::<Item>("title: x\nthemes: [a\n", KEYS).unwrap_err();
        assert_eq!(
            errors[0],
            (
                Position::new(2, 9),
                YamlError::Syntax(Syntax::OpenBracket('['))
            )
        );
    }

    #[test]
    fn hints_follow_what_was_written_not_the_wording_of_a_message() {
        let hint = |text: &str| parse::<Item>(text, KEYS).unwrap_err()[0].1.hint();
        let words = "write a whole number such as `3`";
        assert_eq!(hint("title: x\nnumber: drie\n").unwrap(), words);
        // A number in quotes is a number.
        let item: Item = parse("title: x\nnumber: \"3\"\n", KEYS).unwrap();
        assert_eq!(item.number, Some(3));
        assert!(
            hint("title: x\nnumber: 99999999999999999999\n")
                .unwrap()
                .contains("too large")
        );
        assert_eq!(hint("title: x\nnumber: 1.5\n").unwrap(), words);
        let errors = parse::<Item>("title: x\nthemes: vak\n", KEYS).unwrap_err();
        assert_eq!(
            errors[0],
            (
                Position::new(2, 9),
                YamlError::WrongValue {
                    key: Some("themes".into()),
                    expected: Expected::List,
                    found: Some(Found::Text("vak".into())),
                }
            )
        );
    }

    #[test]
    fn bad_characters_are_told_where_they_are() {
        let errors = parse::<Item>("title: Eer\u{7}ste\n", KEYS).unwrap_err();
        assert_eq!(
            errors[0],
            (
                Position::new(1, 11),
                YamlError::Syntax(Syntax::Character('\u{7}'))
            )
        );
        let errors = parse::<Item>("title: Eerste\n\tnumber: 1\n", KEYS).unwrap_err();
        assert_eq!(
            errors[0],
            (Position::new(2, 1), YamlError::Syntax(Syntax::Tab))
        );
    }

    #[test]
    fn an_empty_extra_is_an_empty_mapping() {
        #[derive(Debug, Deserialize)]
        struct WithExtra {
            #[serde(default, deserialize_with = "mapping_or_nothing")]
            extra: Mapping,
        }
        let keys = Keys {
            allowed: &["extra"],
            required: &[],
        };
        assert!(
            parse::<WithExtra>("extra:\n", keys)
                .unwrap()
                .extra
                .is_empty()
        );
        let full = parse::<WithExtra>("extra: {b: 1, a: [x]}\n", keys).unwrap();
        assert_eq!(full.extra["a"], serde_json::json!(["x"]));
    }

    #[test]
    fn finds_values_in_inline_and_block_lists() {
        let text = "title: x\nthemes: [leren, vak]\nconclusions:\n  - 1\n  - vak\n";
        assert_eq!(value_position(text, "themes", "vak"), Position::new(2, 17));
        assert_eq!(
            value_position(text, "conclusions", "vak"),
            Position::new(5, 5)
        );
        assert_eq!(
            value_position(text, "conclusions", "1"),
            Position::new(4, 5)
        );
    }
}
