//! YAML, behind one module: typed parsing with exact positions, unknown-key and missing-key
//! checks. serde-saphyr keeps the line and column of every node and says what went wrong
//! as an enum, so positions come from the parser and hints from [`Syntax`], [`Expected`]
//! and [`Found`], never from the wording of another crate's messages.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{ExternalMessageSource, Location, Spanned};
use thiserror::Error;

use crate::diagnostics::{Hint, Position, did_you_mean};

/// A free map of values (`extra:`), as templates see it.
pub type Mapping = serde_json::Map<String, serde_json::Value>;

/// What can be wrong with a YAML mapping such as front matter or `site.yaml`.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum YamlError {
    #[error("invalid YAML: {0}")]
    Syntax(Syntax),
    #[error("expected a list of `key: value` lines, found {0}")]
    NotAMapping(&'static str),
    #[error("unknown key `{key}`")]
    UnknownKey {
        key: String,
        suggestion: Option<&'static str>,
        allowed: &'static [&'static str],
    },
    #[error("missing required key `{0}`")]
    MissingKey(&'static str),
    /// A value of another type than the key takes, or out of its range.
    #[error("wrong value for {}: expected {expected}{}", key_name(.key), found_words(.found))]
    WrongValue {
        key: Option<String>,
        expected: Expected,
        /// What was written, where the parser says.
        found: Option<Found>,
    },
    /// A value the key's own type refuses, in that type's words (a date that is no date).
    #[error("wrong value for {}: {message}", key_name(.key))]
    Refused {
        key: Option<String>,
        message: String,
    },
    #[error("`{0}` is empty")]
    Empty(&'static str),
    #[error("lists and mappings are nested more than {MAX_FLOW_DEPTH} deep")]
    TooDeep,
    #[error("the YAML text is {0} bytes long; at most {MAX_LENGTH} are read")]
    TooLong(usize),
}

fn found_words(found: &Option<Found>) -> String {
    found
        .as_ref()
        .map_or_else(String::new, |found| format!(", found {found}"))
}

fn key_name(key: &Option<String>) -> String {
    key.as_ref()
        .map_or_else(|| "a value".to_string(), |k| format!("`{k}`"))
}

/// Why a YAML text does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    /// A tab where YAML needs spaces.
    Tab,
    /// A quoted text that is never closed; reported where its quote opens.
    OpenQuote,
    /// A flow list or mapping that is not closed: the bracket that opened it.
    OpenBracket(char),
    /// A key written twice in one mapping.
    DuplicateKey(Option<String>),
    /// A line with a key but no `:` after it.
    NoColon,
    /// A character YAML does not allow where it stands, such as an invisible control character.
    Character(char),
    /// An alias (`*name`) without an anchor (`&name`).
    UnknownAlias,
    /// Aliases that repeat more than any page needs.
    AliasLimit,
    /// Collections nested deeper than the parser goes.
    TooDeep,
    /// Anything else, in the parser's words.
    Other(String),
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Syntax::Tab => f.write_str("a tab where YAML allows only spaces"),
            Syntax::OpenQuote => f.write_str("this quote is never closed"),
            Syntax::OpenBracket(open) => write!(f, "this `{open}` is never closed"),
            Syntax::DuplicateKey(Some(key)) => write!(f, "the key `{key}` appears twice"),
            Syntax::DuplicateKey(None) => f.write_str("a key appears twice"),
            Syntax::NoColon => f.write_str("a key without `:` after it"),
            Syntax::Character(c) if c.is_control() => {
                write!(
                    f,
                    "the control character U+{:04X} is not allowed",
                    u32::from(*c)
                )
            }
            Syntax::Character(c) => write!(f, "`{c}` is not allowed here"),
            Syntax::UnknownAlias => f.write_str("an alias with no anchor of that name"),
            Syntax::AliasLimit => f.write_str("aliases repeat more than a page may hold"),
            Syntax::TooDeep => f.write_str("lists and mappings are nested too deeply"),
            Syntax::Other(words) => f.write_str(words),
        }
    }
}

/// What a key takes, when it got something else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    WholeNumber,
    TrueOrFalse,
    List,
    Text,
    Mapping,
    /// One of these words (`nl` or `en`).
    OneOf(Vec<&'static str>),
    /// In the words of the key's own type (`a conclusion number or slug`).
    Other(String),
}

impl Expected {
    /// From serde's name of what a visitor expects (`u32`, `a boolean`, `struct X` ...).
    fn of(expected: &str) -> Expected {
        match expected {
            "u8" | "u16" | "u32" | "u64" | "u128" | "i8" | "i16" | "i32" | "i64" | "i128"
            | "usize" | "isize" => Expected::WholeNumber,
            "a boolean" => Expected::TrueOrFalse,
            "a sequence" | "sequence start" => Expected::List,
            "a string" | "string scalar" => Expected::Text,
            "a map" | "mapping start" => Expected::Mapping,
            other if other.starts_with("struct ") => Expected::Mapping,
            other => Expected::Other(other.to_string()),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::WholeNumber => "a whole number",
            Expected::TrueOrFalse => "true or false",
            Expected::List => "a list",
            Expected::Text => "a string",
            Expected::Mapping => "a mapping of `key: value` lines",
            Expected::OneOf(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                return match quoted.split_last() {
                    Some((last, [])) => f.write_str(last),
                    Some((last, rest)) => write!(f, "{} or {last}", rest.join(", ")),
                    None => f.write_str("nothing"),
                };
            }
            Expected::Other(words) => words,
        })
    }
}

/// What was written where a key took something else.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Nothing,
    Bool(bool),
    Integer(i128),
    Float(f64),
    Text(String),
    List,
    Mapping,
    /// A value inside a list or mapping, in the parser's words.
    Other(String),
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Nothing => f.write_str("nothing"),
            Found::Bool(b) => write!(f, "boolean `{b}`"),
            Found::Integer(n) => write!(f, "integer `{n}`"),
            Found::Float(x) => write!(f, "floating point `{x}`"),
            Found::Text(text) => write!(f, "the text {text:?}"),
            Found::List => f.write_str("a list"),
            Found::Mapping => f.write_str("a mapping"),
            Found::Other(words) => f.write_str(words),
        }
    }
}

/// Lists and mappings (`[[...]]`) may nest this deep; the parser stops at the first level
/// beyond, so a hostile text costs no more than a page.
pub const MAX_FLOW_DEPTH: usize = 128;

/// Front matter and `site.yaml` may be this long: parsed, YAML takes a hundred times the
/// memory of its text.
pub const MAX_LENGTH: usize = 1 << 20;

impl Hint for YamlError {
    fn hint(&self) -> Option<String> {
        let hint = match self {
            YamlError::Syntax(syntax) => syntax_hint(syntax),
            YamlError::NotAMapping(_) => "write one `key: value` per line, e.g. `title: My title`",
            YamlError::UnknownKey {
                suggestion: Some(s),
                ..
            } => return Some(format!("did you mean `{s}`?")),
            YamlError::UnknownKey { allowed, .. } => {
                return Some(format!(
                    "allowed keys here: {}; free-form values go under `extra:`",
                    allowed.join(", ")
                ));
            }
            YamlError::MissingKey(key) => return Some(format!("add a line `{key}: ...`")),
            YamlError::WrongValue {
                expected: Expected::List,
                ..
            } => "a list is written `[a, b]` or as lines starting with `- `",
            YamlError::WrongValue {
                expected: Expected::WholeNumber,
                found,
                ..
            } => match found {
                Some(Found::Integer(n)) if *n < 0 => {
                    "write a whole number of 0 or more, such as `3`"
                }
                Some(Found::Integer(_)) => "the number is too large; write a smaller one",
                Some(Found::Float(x)) if x.abs() >= TOO_LARGE => {
                    "the number is too large; write a smaller one"
                }
                _ => "write a whole number such as `3`",
            },
            YamlError::WrongValue { .. } | YamlError::Refused { .. } => return None,
            YamlError::Empty(key) => return Some(format!("write the {key} after `{key}:`")),
            YamlError::TooDeep => {
                "write nested lists as indented lines starting with `- `, or flatten them"
            }
            YamlError::TooLong(_) => {
                "keep long text in the body of the file, below the closing `---`"
            }
        };
        Some(hint.to_string())
    }
}

/// Whole numbers from here on are read as floating point: larger than any key takes.
const TOO_LARGE: f64 = 9_223_372_036_854_775_808.0;

fn syntax_hint(syntax: &Syntax) -> &'static str {
    match syntax {
        Syntax::Tab => "YAML does not allow tabs for indentation; indent with spaces",
        Syntax::OpenQuote => "close the quote where the text ends, with the same kind of quote",
        Syntax::OpenBracket('[') => {
            "close the list with `]`, or write its items as lines starting with `- `"
        }
        Syntax::OpenBracket(_) => "close the mapping with `}`",
        Syntax::DuplicateKey(_) => {
            "each key may appear only once; remove or merge the repeated one"
        }
        Syntax::NoColon => {
            "write each key with a `:` and a space before its value, e.g. `number: 1`"
        }
        Syntax::Character(c) if c.is_control() => {
            "remove the invisible character, or type the line again"
        }
        Syntax::Character(_) => "put the value in quotes if the character belongs to it",
        Syntax::UnknownAlias => {
            "define the anchor (`&name`) before the alias (`*name`), or write the value out"
        }
        Syntax::AliasLimit => {
            "an alias (`*name`) repeats more text than a page needs; write the values out"
        }
        Syntax::TooDeep => "lists and mappings are nested too deeply; flatten them",
        Syntax::Other(_) => {
            "check indentation, the `:` after each key, and quotes around values that contain `: ` or start with a special character"
        }
    }
}

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
    let entries = outline(text).map_err(|error| vec![error])?;

    let mut errors = Vec::new();
    for entry in &entries {
        if !keys.allowed.contains(&entry.name.as_str()) {
            errors.push((
                entry.key,
                YamlError::UnknownKey {
                    suggestion: did_you_mean(&entry.name, keys.allowed.iter().copied()),
                    key: entry.name.clone(),
                    allowed: keys.allowed,
                },
            ));
        }
    }
    for &required in keys.required {
        let entry = entries.iter().find(|e| e.name == required);
        if entry.is_none_or(|e| e.value.is_null()) {
            let at = entry.map_or(Position::new(1, 1), |e| e.key);
            errors.push((at, YamlError::MissingKey(required)));
        }
    }
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

/// The parser's settings: YAML 1.2 booleans only (`yes` is text), no snippets in its errors
/// (the report shows the line itself).
fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.with_snippet = false;
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

/// A value as what was found where something else was expected.
fn found(value: &serde_json::Value) -> Found {
    use serde_json::Value as V;
    match value {
        V::Null => Found::Nothing,
        V::Bool(b) => Found::Bool(*b),
        V::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Found::Integer(i.into()),
            (_, Some(u)) => Found::Integer(u.into()),
            _ => Found::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        V::String(text) => Found::Text(text.clone()),
        V::Array(_) => Found::List,
        V::Object(_) => Found::Mapping,
    }
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

/// Where the parser places `e`: never before line 1 nor past the end of `text`.
fn error_position(e: &serde_saphyr::Error, text: &str) -> Position {
    let at = e.location().map_or(Position::new(1, 1), |l| position(&l));
    at.min(Position::of_offset(text, text.len()))
}

/// A text that does not parse (or breaks one of the parser's limits), as a [`Syntax`].
fn syntax_error(e: &serde_saphyr::Error, text: &str) -> (Position, YamlError) {
    use serde_saphyr::Error as E;
    let syntax =
        match e {
            E::ExternalMessage { source, msg, .. } => match source.as_ref() {
                ExternalMessageSource::Parser(scan) => match scan.kind() {
                    ErrorKind::TabNotAllowed
                    | ErrorKind::TabInBlockIndentation
                    | ErrorKind::TabInIndentation
                    | ErrorKind::TabAtBlockScalarStart
                    | ErrorKind::TabInPlainScalar => Syntax::Tab,
                    ErrorKind::UnclosedQuotedScalar
                    | ErrorKind::DocumentIndicatorInQuotedScalar => Syntax::OpenQuote,
                    ErrorKind::UnclosedFlowCollection { open } => Syntax::OpenBracket(*open),
                    ErrorKind::UnexpectedEofFlowSequence
                    | ErrorKind::ExpectedFlowSequenceSeparator => Syntax::OpenBracket('['),
                    ErrorKind::UnexpectedEofFlowMapping
                    | ErrorKind::ExpectedFlowMappingSeparator => Syntax::OpenBracket('{'),
                    ErrorKind::RecursionLimitExceeded => {
                        return (error_position(e, text), YamlError::TooDeep);
                    }
                    ErrorKind::UnexpectedCharacter { character } => Syntax::Character(*character),
                    ErrorKind::SimpleKeyExpected => Syntax::NoColon,
                    ErrorKind::UnknownAnchor => Syntax::UnknownAlias,
                    _ => Syntax::Other(msg.clone()),
                },
                _ => Syntax::Other(msg.clone()),
            },
            E::DuplicateMappingKey { key, .. } => Syntax::DuplicateKey(key.clone()),
            E::UnknownAnchor { .. } => Syntax::UnknownAlias,
            E::AliasReplayCounterOverflow { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. } => Syntax::AliasLimit,
            E::AliasError { error, .. } => return syntax_error(error, text),
            E::WithSnippet { error, .. } => return syntax_error(error, text),
            E::Budget {
                breach: BudgetBreach::Depth { .. },
                ..
            } => return (error_position(e, text), YamlError::TooDeep),
            E::Budget { .. } => Syntax::AliasLimit,
            // The parser's own words, without the place it appends: the report shows that.
            other => Syntax::Other(
                other
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
        };
    let mut at = error_position(e, text);
    // The scanner places a bad character at the start of the scalar it breaks: point at it.
    let culprit = match syntax {
        Syntax::Tab => Some('\t'),
        Syntax::Character(c) => Some(c),
        _ => None,
    };
    let from = offset_of(text, at);
    if let Some(offset) = culprit.and_then(|c| text[from..].find(c)) {
        at = Position::of_offset(text, from + offset);
    }
    (at, YamlError::Syntax(syntax))
}

/// The byte offset of `at` in `text` (the end of the text if it lies beyond).
fn offset_of(text: &str, at: Position) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = text[line_start..].split('\n').next().unwrap_or_default();
    line_start
        + line
            .char_indices()
            .nth(at.col.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
}

/// An error of the typed pass: a value of the wrong kind, placed by the parser and named by
/// the outline's entry there; anything else as a syntax error.
fn value_error(e: &serde_saphyr::Error, text: &str, entries: &[Entry]) -> (Position, YamlError) {
    use serde_saphyr::Error as E;
    let at = error_position(e, text);
    // The top-level entry the position lies in: the last that starts before it.
    let entry = entries.iter().rev().find(|entry| entry.key <= at);
    let key = entry.map(|entry| entry.name.clone());
    // What the outline read there, when the error is at a top-level value; else serde's words.
    let found = |unexpected: Option<&str>| match entry {
        Some(entry) if entry.at == at => Some(found(&entry.value)),
        _ => unexpected.map(|words| Found::Other(plain_words(words))),
    };
    let wrong = |expected: Expected, unexpected: Option<&str>| YamlError::WrongValue {
        key: key.clone(),
        expected,
        found: found(unexpected),
    };
    let error = match e {
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => wrong(Expected::of(expected), Some(unexpected)),
        E::InvalidScalar { ty, .. } => wrong(Expected::of(ty), None),
        E::Unexpected { expected, .. } => wrong(Expected::of(expected), None),
        E::SerdeUnknownVariant { expected, .. } => wrong(Expected::OneOf(expected.clone()), None),
        E::InvalidBooleanStrict { .. } => wrong(Expected::TrueOrFalse, None),
        E::SerdeMissingField { field, .. } => YamlError::MissingKey(field),
        E::Message { msg, .. } => YamlError::Refused {
            key: key.clone(),
            message: msg.clone(),
        },
        E::AliasError { error, .. } | E::WithSnippet { error, .. } => {
            return value_error(error, text, entries);
        }
        _ => return syntax_error(e, text),
    };
    (at, error)
}

/// serde's words for a value found inside a list or mapping, in a writer's words
/// (`sequence` → `a list`).
fn plain_words(unexpected: &str) -> String {
    match unexpected {
        "sequence" => "a list".to_string(),
        "map" => "a mapping".to_string(),
        other => match other.strip_prefix("string ") {
            Some(text) => format!("the text {text}"),
            None => other.to_string(),
        },
    }
}

/// The place of every top-level key of a text and of the values written under it (the
/// items of a list one by one), for errors found after parsing.
struct Places(Vec<Place>);

struct Place {
    key: String,
    at: Position,
    /// Each value written under the key, as text, with its place.
    values: Vec<(String, Position)>,
}

/// A value under a top-level key: its scalars with their places.
struct Written(Vec<(String, Position)>);

impl<'de> de::Deserialize<'de> for Places {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PlacesVisitor;
        impl<'de> Visitor<'de> for PlacesVisitor {
            type Value = Places;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Places, A::Error> {
                let mut places = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let Written(values) = map.next_value()?;
                    places.push(Place {
                        key: key.value,
                        at: position(&key.referenced),
                        values,
                    });
                }
                Ok(Places(places))
            }
        }
        d.deserialize_map(PlacesVisitor)
    }
}

impl<'de> de::Deserialize<'de> for Written {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Spanned::<Items>::deserialize(d)?;
        Ok(Written(match value.value {
            Items::Scalar(text) => vec![(text, position(&value.referenced))],
            Items::List(items) => items,
            Items::Other => Vec::new(),
        }))
    }
}

/// A value read for its scalars: one, the items of a list or keys of a mapping, or none.
enum Items {
    Scalar(String),
    List(Vec<(String, Position)>),
    Other,
}

impl<'de> de::Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<serde_json::Value>>()? {
                    if !item.value.is_array() && !item.value.is_object() {
                        items.push((scalar_text(&item.value), position(&item.referenced)));
                    }
                }
                Ok(Items::List(items))
            }

            // The keys of a mapping are what is written under its key (`sections: {themes: x}`).
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Items, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push((key.value, position(&key.referenced)));
                }
                Ok(Items::List(keys))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Items, E> {
                Ok(Items::Scalar(s.to_string()))
            }

            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Items, E> {
                Ok(Items::Scalar(b.to_string()))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Items, E> {
                Ok(Items::Scalar(n.to_string()))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Items, E> {
                Ok(Items::Scalar(n.to_string()))
            }

            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Items, E> {
                Ok(Items::Scalar(x.to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Other)
            }

            fn visit_none<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Other)
            }
        }
        d.deserialize_any(ItemsVisitor)
    }
}

fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The places of the keys and values of `text`, when it parses.
fn places(text: &str) -> Option<Vec<Place>> {
    serde_saphyr::from_str_with_options::<Places>(text, options())
        .ok()
        .map(|Places(places)| places)
}

/// Where a top-level `key:` is written in `text` (line 1 column 1 if it is not there).
pub fn key_position(text: &str, key: &str) -> Position {
    places(text)
        .and_then(|places| places.into_iter().find(|p| p.key == key))
        .map_or(Position::new(1, 1), |place| place.at)
}

/// Where `value` is written under the top-level `key` (as its value, an item of its list or
/// a key of its mapping); else where the key is.
pub fn value_position(text: &str, key: &str, value: &str) -> Position {
    let Some(place) = places(text).and_then(|places| places.into_iter().find(|p| p.key == key))
    else {
        return Position::new(1, 1);
    };
    place
        .values
        .iter()
        .find(|(written, _)| written == value)
        .map_or(place.at, |(_, at)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;
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
