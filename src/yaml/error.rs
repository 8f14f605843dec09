//! What can be wrong with YAML, as enums: the kind of syntax error, what a key expected and
//! what was written. Hints are decided by these, not by the wording of the parser's messages.

use std::fmt;

use serde_saphyr::ExternalMessageSource;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use thiserror::Error;

use super::{Entry, MAX_FLOW_DEPTH, MAX_LENGTH, position};
use crate::diagnostics::{Hint, Position};

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
    /// A key a translation takes from its source file.
    #[error("`{0}` is not set in a translation: it holds in every language")]
    FromSource(&'static str),
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
            YamlError::FromSource(key) => {
                return Some(format!(
                    "the value of `{key}` is taken from the source file (the same name without the language code); remove this line"
                ));
            }
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

/// A value as what was found where something else was expected.
pub(super) fn found(value: &serde_json::Value) -> Found {
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

/// Where the parser places `e`: never before line 1 nor past the end of `text`.
fn error_position(e: &serde_saphyr::Error, text: &str) -> Position {
    let at = e.location().map_or(Position::new(1, 1), |l| position(&l));
    at.min(Position::of_offset(text, text.len()))
}

/// A text that does not parse (or breaks one of the parser's limits), as a [`Syntax`].
pub(super) fn syntax_error(e: &serde_saphyr::Error, text: &str) -> (Position, YamlError) {
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
pub(super) fn value_error(
    e: &serde_saphyr::Error,
    text: &str,
    entries: &[Entry],
) -> (Position, YamlError) {
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
