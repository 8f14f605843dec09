//! YAML, behind one function: typed parsing with positions, unknown-key and missing-key checks.

use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::diagnostics::{Hint, Position, did_you_mean};

/// What can be wrong with a YAML mapping such as front matter or `site.yaml`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum YamlError {
    #[error("invalid YAML: {0}")]
    Syntax(String),
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
    #[error("wrong value for {0}")]
    Invalid(String),
    #[error("`{0}` is empty")]
    Empty(&'static str),
    #[error("lists and mappings are nested more than {MAX_FLOW_DEPTH} deep")]
    TooDeep,
    #[error("the YAML text is {0} bytes long; at most {MAX_LENGTH} are read")]
    TooLong(usize),
}

/// Flow lists and mappings (`[[...]]`) may nest this deep: the YAML scanner slows down with
/// the square of the depth, and refuses more than about this anyway.
pub const MAX_FLOW_DEPTH: usize = 128;

/// Front matter and `site.yaml` may be this long: parsed, YAML takes a hundred times the
/// memory of its text.
pub const MAX_LENGTH: usize = 1 << 20;

impl Hint for YamlError {
    fn hint(&self) -> Option<String> {
        match self {
            YamlError::Syntax(msg) if msg.contains("tab") => {
                Some("YAML does not allow tabs for indentation; indent with spaces".into())
            }
            YamlError::Syntax(msg) if msg.contains("end of stream") || msg.contains("quoted scalar") => {
                Some("a quote may be left open: close every `\"` or `'` on the line where it starts".into())
            }
            YamlError::Syntax(msg) if msg.contains("duplicate") => {
                Some("each key may appear only once; remove or merge the repeated one".into())
            }
            YamlError::Syntax(msg) if msg.contains("repetition limit") => Some(
                "an alias (`*name`) repeats more text than a page needs; write the values out".into(),
            ),
            YamlError::Syntax(msg) if msg.contains("recursion limit") => {
                Some("lists and mappings are nested too deeply; flatten them".into())
            }
            YamlError::Syntax(msg) if msg.contains("as u128") || msg.contains("as i128") => {
                Some("the number is too large; write a smaller one, or quote it to make it text".into())
            }
            YamlError::Syntax(_) => Some(
                "check indentation, the `:` after each key, and quotes around values that contain `: ` or start with a special character"
                    .into(),
            ),
            YamlError::NotAMapping(_) => Some("write one `key: value` per line, e.g. `title: My title`".into()),
            YamlError::UnknownKey { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            YamlError::UnknownKey { allowed, .. } => Some(format!(
                "allowed keys here: {}; free-form values go under `extra:`",
                allowed.join(", ")
            )),
            YamlError::MissingKey(key) => Some(format!("add a line `{key}: ...`")),
            YamlError::Invalid(msg) if msg.contains("expected a list") => {
                Some("a list is written `[a, b]` or as lines starting with `- `".into())
            }
            YamlError::Invalid(msg) if msg.contains("expected a whole number") => Some(
                if msg.contains("found the text") {
                    "write the number without quotes, e.g. `number: 3`"
                } else if msg.contains("found integer `-") {
                    "write a whole number of 0 or more, such as `3`"
                } else if msg.contains("invalid value: integer") {
                    "the number is too large; write a smaller one"
                } else {
                    "write a whole number such as `3`"
                }
                .into(),
            ),
            YamlError::Invalid(_) => None,
            YamlError::Empty(key) => Some(format!("write the {key} after `{key}:`")),
            YamlError::TooDeep => {
                Some("write nested lists as indented lines starting with `- `, or flatten them".into())
            }
            YamlError::TooLong(_) => {
                Some("keep long text in the body of the file, below the closing `---`".into())
            }
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
    if let Some(at) = too_deep(text) {
        return Err(vec![(at, YamlError::TooDeep)]);
    }
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (mut position, error) = located(&e, text);
            if let Some(repeated) = duplicate_key(&e.to_string())
                .and_then(|key| second_key_position(text, position, key))
            {
                position = repeated;
            }
            return Err(vec![(position, error)]);
        }
    };
    let value = match value {
        serde_yaml::Value::Mapping(_) => value,
        serde_yaml::Value::Null => serde_yaml::Value::Mapping(serde_yaml::Mapping::new()),
        other => {
            return Err(vec![(
                Position::new(1, 1),
                YamlError::NotAMapping(kind_of(&other)),
            )]);
        }
    };
    let empty = serde_yaml::Mapping::new();
    let mapping = value.as_mapping().unwrap_or(&empty);

    let mut errors = Vec::new();
    for key in mapping.keys() {
        let name = match key {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        if !keys.allowed.contains(&name.as_str()) {
            errors.push((
                key_position(text, &name),
                YamlError::UnknownKey {
                    suggestion: did_you_mean(&name, keys.allowed.iter().copied()),
                    key: name,
                    allowed: keys.allowed,
                },
            ));
        }
    }
    for &required in keys.required {
        let present = mapping
            .get(required)
            .is_some_and(|v| !matches!(v, serde_yaml::Value::Null));
        if !present {
            let at = mapping
                .get(required)
                .map_or(Position::new(1, 1), |_| key_position(text, required));
            errors.push((at, YamlError::MissingKey(required)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // The typed values come from the mapping already read. Only when they do not fit is the
    // text read again: its error knows the line, and a plain scalar may be taken as text
    // there (`title: 2024`).
    let typed = T::deserialize(&value).or_else(|error| {
        if mapping.is_empty() {
            Err(error)
        } else {
            serde_yaml::from_str(text)
        }
    });
    typed.map_err(|e| {
        let (mut position, _) = located(&e, text);
        let culprit = culprit::<T>(mapping, keys);
        if let Some(key) = &culprit
            && position.line < key_position(text, key).line
        {
            position = key_position(text, key);
        }
        vec![(
            position,
            YamlError::Invalid(plain_words(
                without_location(&e.to_string()),
                culprit.as_deref(),
            )),
        )]
    })
}

/// Where flow lists and mappings (`[`, `{`) first nest deeper than [`MAX_FLOW_DEPTH`],
/// counting brackets outside quoted text and comments.
fn too_deep(text: &str) -> Option<Position> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    // The last character and the last one that was not a space, on this line.
    let (mut last, mut last_seen) = ('\n', '\n');
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match (quote, c) {
            (_, '\n') => {
                comment = false;
                last_seen = '\n';
            }
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some('\''), '\'') if chars.peek().is_some_and(|&(_, n)| n == '\'') => {
                chars.next();
            }
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, _) if comment => {}
            (None, '#') if last.is_whitespace() => comment = true,
            (None, '"' | '\'') if matches!(last_seen, '\n' | ':' | ',' | '[' | '{' | '-' | '?') => {
                quote = Some(c);
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(Position::of_offset(text, offset));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        last = c;
        if !c.is_whitespace() {
            last_seen = c;
        }
    }
    None
}

/// The key named in serde_yaml's `duplicate entry with key "title"`.
fn duplicate_key(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("duplicate entry with key \"")?;
    rest.rsplit_once('"').map(|(key, _)| key)
}

/// Where `key` is written the second time in the block mapping that starts at `start`.
fn second_key_position(text: &str, start: Position, key: &str) -> Option<Position> {
    let indent = start.col.saturating_sub(1);
    let mut seen = 0;
    for (i, line) in text.lines().enumerate().skip(start.line.saturating_sub(1)) {
        let first = i + 1 == start.line;
        let Some((before, rest)) = line
            .char_indices()
            .nth(indent)
            .map(|(at, _)| line.split_at(at))
        else {
            continue;
        };
        if !first && !before.trim().is_empty() {
            break;
        }
        if is_key(rest, key) {
            seen += 1;
            if seen == 2 {
                return Some(Position::new(i + 1, indent + 1));
            }
        }
    }
    None
}

/// Whether `line` starts with `key:` (the key quoted or not).
fn is_key(line: &str, key: &str) -> bool {
    let unquoted = line.trim_start_matches(['"', '\'']);
    unquoted.strip_prefix(key).is_some_and(|rest| {
        rest.trim_start_matches(['"', '\''])
            .trim_start()
            .starts_with(':')
    })
}

/// The key whose value `T` rejects, found by trying each key alone with the required ones;
/// for errors that serde reports without a precise position.
fn culprit<T: DeserializeOwned>(mapping: &serde_yaml::Mapping, keys: Keys) -> Option<String> {
    let required: serde_yaml::Mapping = mapping
        .iter()
        .filter(|(k, _)| k.as_str().is_some_and(|k| keys.required.contains(&k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    mapping.iter().find_map(|(key, value)| {
        let mut trial = required.clone();
        trial.insert(key.clone(), value.clone());
        serde_yaml::from_value::<T>(serde_yaml::Value::Mapping(trial))
            .is_err()
            .then(|| key.as_str().map(str::to_string))
            .flatten()
    })
}

/// Where a top-level `key:` is written in `text` (line 1 column 1 if it is not found).
pub fn key_position(text: &str, key: &str) -> Position {
    for (i, line) in text.lines().enumerate() {
        if line.starts_with(|c: char| !c.is_whitespace()) && is_key(line, key) {
            return Position::new(i + 1, 1);
        }
    }
    Position::new(1, 1)
}

/// Where `value` is written under the top-level `key` (on the key's line or the lines of its list).
pub fn value_position(text: &str, key: &str, value: &str) -> Position {
    let start = key_position(text, key);
    for (i, line) in text.lines().enumerate().skip(start.line.saturating_sub(1)) {
        if i + 1 > start.line && line.starts_with(|c: char| !c.is_whitespace() && c != '-') {
            break;
        }
        let body = if i + 1 == start.line {
            line.split_once(':').map_or(line, |(_, rest)| rest)
        } else {
            line
        };
        if let Some(at) = find_token(body, value) {
            let col = line.len() - body.len() + at;
            return Position::new(i + 1, line[..col].chars().count() + 1);
        }
    }
    start
}

/// Finds `token` in `line` as a whole YAML scalar (not as part of a longer word).
fn find_token(line: &str, token: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    line.match_indices(token).map(|(i, _)| i).find(|&i| {
        let before = line[..i].chars().next_back();
        let after = line[i + token.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The error with its position, which is never past the end of `text` (serde_yaml puts an
/// unexpected end a line below a last line that has no line end).
fn located(e: &serde_yaml::Error, text: &str) -> (Position, YamlError) {
    let position = e
        .location()
        .map_or(Position::new(1, 1), |l| Position::new(l.line(), l.column()))
        .min(Position::of_offset(text, text.len()));
    (
        position,
        YamlError::Syntax(without_location(&e.to_string()).to_string()),
    )
}

/// serde_yaml appends " at line L column C" to its messages; we report positions ourselves.
fn without_location(message: &str) -> &str {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .trim_end_matches(',')
}

/// serde's type names in a writer's words: `number: invalid type: string "drie", expected u32`
/// → `` `number`: expected a whole number, found the text "drie" ``. `culprit` names the key
/// where serde does not.
fn plain_words(message: &str, culprit: Option<&str>) -> String {
    let (key, rest) = match message.split_once(": ") {
        Some((key, rest)) if !key.contains(' ') => (Some(key), rest),
        _ => (None, message),
    };
    let rest = rest.strip_prefix("invalid type: ").unwrap_or(rest);
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let expected = match expected {
        "u32" | "u64" | "i64" | "i32" | "u16" | "u8" => "a whole number",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        other if other.starts_with("struct ") => "a mapping of `key: value` lines",
        other => other,
    };
    let found = found
        .replacen("string ", "the text ", 1)
        .replacen("sequence", "a list", 1)
        .replacen("map", "a mapping", 1);
    let what = key
        .or(culprit)
        .map_or(String::from("a value"), |k| format!("`{k}`"));
    if expected.is_empty() {
        format!("{what}: {found}")
    } else {
        format!("{what}: expected {expected}, found {found}")
    }
}

fn kind_of(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a yes/no value",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a line of text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
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
        assert!(matches!(errors[0].1, YamlError::Syntax(_)));
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
        assert!(errors[0].1.to_string().contains("duplicate"));
        let errors = parse::<serde_yaml::Value>(
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
        // Found by fuzzing: serde_yaml put this on line 3 of a text of two lines.
        let errors = parse::<Item>("title: Aanbevelingen\nsumtitl", KEYS).unwrap_err();
        assert_eq!(errors[0].0, Position::new(2, 8));
        // With a line end, the end is the start of the next line (in front matter: `---`).
        let errors = parse::<Item>("title: x\nthemes: [a\n", KEYS).unwrap_err();
        assert_eq!(errors[0].0, Position::new(3, 1));
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
