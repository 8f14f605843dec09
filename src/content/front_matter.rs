//! Front matter: split it from the body, parse it into typed keys, check them per kind.

use serde::{Deserialize, Deserializer};
use thiserror::Error;

use super::Section;
use crate::diagnostics::{Hint, Position};
use crate::yaml::{self, Keys, YamlError};

/// A Markdown file split into its front matter and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// The file line on which the YAML text starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// The file line on which the body starts.
    pub body_line: usize,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SplitError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has no front matter")]
    Missing,
    #[error("the front matter is not closed")]
    Unterminated,
}

impl Hint for SplitError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            SplitError::Empty | SplitError::Missing => {
                "start the file with a line `---`, then `title: ...`, then a line `---`, then the text".into()
            }
            SplitError::Unterminated => "did you forget the closing `---` line after the front matter?".into(),
        })
    }
}

/// Splits `text` at its `---` lines. A byte-order mark and CRLF line ends are fine.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let Some(after_open) = strip_fence_line(text) else {
        return Err(SplitError::Missing);
    };
    let mut offset = text.len() - after_open.len();
    for (line, raw) in (2..).zip(after_open.split_inclusive('\n')) {
        if raw.trim_end_matches(['\n', '\r']).trim_end() == "---" {
            let yaml = &text[text.len() - after_open.len()..offset];
            let body = &text[offset + raw.len()..];
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body,
                body_line: line + 1,
            });
        }
        offset += raw.len();
    }
    Err(SplitError::Unterminated)
}

/// The text after a first line that is exactly `---`.
fn strip_fence_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// What a Markdown file is, from where it lies in `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `content/_index.md`
    Home,
    /// `content/<section>/_index.md`
    SectionIntro(Section),
    /// `content/<section>/<file>.md`
    Item(Section),
    /// any other `.md` file
    Page,
}

impl Kind {
    /// The kind of the file at `rel` (a path below `content/`).
    pub fn of(rel: &str) -> Kind {
        let (folder, file) = rel.rsplit_once('/').unwrap_or(("", rel));
        let section = Section::from_folder(folder);
        match (file, section) {
            ("_index.md", _) if folder.is_empty() => Kind::Home,
            ("_index.md", Some(s)) => Kind::SectionIntro(s),
            (_, Some(s)) => Kind::Item(s),
            _ => Kind::Page,
        }
    }

    /// The front-matter keys this kind allows and requires.
    pub fn keys(self) -> Keys {
        const COMMON: &[&str] = &[
            "title",
            "slug",
            "summary",
            "weight",
            "draft",
            "tags",
            "date",
            "extra",
            "image",
            "image_alt",
        ];
        const INTRO: &[&str] = &["title", "summary", "weight", "extra", "image", "image_alt"];
        const THEME: &[&str] = &[
            "title",
            "slug",
            "summary",
            "weight",
            "draft",
            "tags",
            "date",
            "extra",
            "number",
            "image",
            "image_alt",
        ];
        const CONCLUSION: &[&str] = &[
            "title",
            "slug",
            "summary",
            "weight",
            "draft",
            "tags",
            "date",
            "extra",
            "number",
            "themes",
            "image",
            "image_alt",
        ];
        const RECOMMENDATION: &[&str] = &[
            "title",
            "slug",
            "summary",
            "weight",
            "draft",
            "tags",
            "date",
            "extra",
            "number",
            "themes",
            "conclusions",
            "image",
            "image_alt",
        ];
        match self {
            Kind::Home | Kind::SectionIntro(_) => Keys {
                allowed: INTRO,
                required: &["title"],
            },
            Kind::Item(Section::Themes) => Keys {
                allowed: THEME,
                required: &["title"],
            },
            Kind::Page => Keys {
                allowed: COMMON,
                required: &["title"],
            },
            Kind::Item(Section::Conclusions) => Keys {
                allowed: CONCLUSION,
                required: &["title", "number"],
            },
            Kind::Item(Section::Recommendations) => Keys {
                allowed: RECOMMENDATION,
                required: &["title", "number"],
            },
        }
    }
}

/// A reference to a conclusion: by its number or its slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Number(u32),
    Slug(String),
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Reference;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a conclusion number or slug")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Reference, E> {
                u32::try_from(n)
                    .map(Reference::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Reference, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(n), &self)),
                }
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Reference, E> {
                Ok(Reference::Slug(s.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reference::Number(n) => write!(f, "{n}"),
            Reference::Slug(s) => f.write_str(s),
        }
    }
}

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl std::str::FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31");
        let mut parts = s.trim().splitn(3, '-');
        let mut next = || {
            parts
                .next()
                .and_then(|p| p.parse::<u16>().ok())
                .ok_or_else(bad)
        };
        let (year, month, day) = (next()?, next()?, next()?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=12).contains(&month) || !(1..=days).contains(&day) {
            return Err(bad());
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The front matter of any kind of file; [`Kind::keys`] says which keys each kind may use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default, deserialize_with = "yaml::mapping_or_nothing")]
    pub extra: yaml::Mapping,
    #[serde(default)]
    pub number: Option<u32>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub conclusions: Vec<Reference>,
    /// A picture for lists and for sharing: a file beside the content, or `/…` in `static/`.
    #[serde(default)]
    pub image: Option<String>,
    /// What the picture of `image` shows, for where the page is shared (`og:image:alt`).
    #[serde(default)]
    pub image_alt: Option<String>,
}

/// Keys a translation takes from its source file, as they hold in every language.
pub const FROM_SOURCE: [&str; 6] = ["number", "themes", "conclusions", "weight", "date", "image"];

/// Parses the front matter of a file of `kind` (a `translation` of one when it is in
/// another language than the site's); positions are file lines.
pub fn parse(
    split: &Split<'_>,
    kind: Kind,
    translation: bool,
) -> Result<FrontMatter, Vec<(Position, YamlError)>> {
    let below = split.yaml_line - 1;
    let keys = match translation {
        // Only the title is required; the keys of the source are told apart below.
        true => Keys {
            required: &["title"],
            ..kind.keys()
        },
        false => kind.keys(),
    };
    let front: FrontMatter = yaml::parse(split.yaml, keys).map_err(|errors| {
        errors
            .into_iter()
            .map(|(p, e)| (p.below(below), e))
            .collect::<Vec<_>>()
    })?;
    if translation {
        let from_source: Vec<_> = FROM_SOURCE
            .iter()
            .filter_map(|&key| {
                let at = yaml::find_key(split.yaml, key)?;
                Some((at.below(below), YamlError::FromSource(key)))
            })
            .collect();
        if !from_source.is_empty() {
            return Err(from_source);
        }
    }
    if front.title.trim().is_empty() {
        let at = yaml::key_position(split.yaml, "title").below(below);
        return Err(vec![(at, YamlError::Empty("title"))]);
    }
    if let Some(slug) = &front.slug
        && super::slug::slugify(slug).is_empty()
    {
        let at = yaml::key_position(split.yaml, "slug").below(below);
        let message = format!("`{slug}` has no letters or digits to make a URL of");
        let key = Some("slug".to_string());
        return Err(vec![(at, YamlError::Refused { key, message })]);
    }
    Ok(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split("---\ntitle: A\nnumber: 1\n---\n\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\nnumber: 1\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "\nBody\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn says_what_is_missing() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split("  \n"), Err(SplitError::Empty));
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(
            split("---\ntitle: A\n\nBody"),
            Err(SplitError::Unterminated)
        );
        let only = split("---\ntitle: A\n---").unwrap();
        assert_eq!(only.body, "");
    }

    #[test]
    fn kinds_follow_the_folders() {
        assert_eq!(Kind::of("_index.md"), Kind::Home);
        assert_eq!(
            Kind::of("themes/_index.md"),
            Kind::SectionIntro(Section::Themes)
        );
        assert_eq!(
            Kind::of("conclusions/01-a.md"),
            Kind::Item(Section::Conclusions)
        );
        assert_eq!(Kind::of("over.md"), Kind::Page);
        assert_eq!(Kind::of("about/_index.md"), Kind::Page);
        assert_eq!(Kind::of("themes/sub/x.md"), Kind::Page);
    }

    #[test]
    fn conclusions_need_a_number_and_pages_may_not_relate() {
        let s = split("---\ntitle: A\n---\n").unwrap();
        let errors = parse(&s, Kind::Item(Section::Conclusions), false).unwrap_err();
        assert_eq!(errors[0].1, YamlError::MissingKey("number"));
        let s = split("---\ntitle: A\nthemes: [x]\n---\n").unwrap();
        let errors = parse(&s, Kind::Page, false).unwrap_err();
        assert_eq!(errors[0].0, Position::new(3, 1));
    }

    #[test]
    fn dates_are_checked() {
        let s = split("---\ntitle: A\ndate: 2026-02-30x\n---\n").unwrap();
        let errors = parse(&s, Kind::Page, false).unwrap_err();
        assert_eq!(errors[0].0.line, 3);
        let s = split("---\ntitle: A\ndate: 2026-02-03\n---\n").unwrap();
        assert_eq!(
            parse(&s, Kind::Page, false)
                .unwrap()
                .date
                .unwrap()
                .to_string(),
            "2026-02-03"
        );
        for bad in [
            "2026-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "yesterday",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        for good in ["2024-02-29", "2000-02-29", "2026-12-31"] {
            assert_eq!(good.parse::<Date>().unwrap().to_string(), good);
        }
        assert!("1900-02-29".parse::<Date>().is_err());
    }

    #[test]
    fn slugs_must_make_a_url() {
        let s = split("---\ntitle: A\nslug: \"!!!\"\n---\n").unwrap();
        let errors = parse(&s, Kind::Page, false).unwrap_err();
        assert_eq!(errors[0].0, Position::new(3, 1));
        assert!(errors[0].1.to_string().contains("no letters or digits"));
        let s = split("---\ntitle: A\nslug: Één ding\n---\n").unwrap();
        assert!(parse(&s, Kind::Page, false).is_ok());
    }

    #[test]
    fn references_are_numbers_or_slugs_in_plain_words() {
        let s = split("---\ntitle: A\nnumber: 1\nconclusions: [2, twee]\n---\n").unwrap();
        let front = parse(&s, Kind::Item(Section::Recommendations), false).unwrap();
        assert_eq!(
            front.conclusions,
            [Reference::Number(2), Reference::Slug("twee".into())]
        );
        for bad in ["[2, [3]]", "[-3]", "[{a: 1}]", "[4294967296]"] {
            let text = format!("---\ntitle: A\nnumber: 1\nconclusions: {bad}\n---\n");
            let errors = parse(
                &split(&text).unwrap(),
                Kind::Item(Section::Recommendations),
                false,
            )
            .unwrap_err();
            assert_eq!(errors[0].0.line, 4, "{bad}");
            let message = errors[0].1.to_string();
            assert!(
                message.contains("expected a conclusion number or slug"),
                "{bad}: {message}"
            );
        }
    }
}
