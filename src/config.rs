//! `site.yaml`: the site's title, language, base URL and theme.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position};
use crate::yaml::{self, Keys, YamlError};

pub const CONFIG_FILE: &str = "site.yaml";

/// The language of a site: its UI strings, section URL names and date format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

/// URL names of the harvest sections, when a site wants others than its language's.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionNames {
    pub themes: Option<String>,
    pub conclusions: Option<String>,
    pub recommendations: Option<String>,
}

/// How Markdown bodies are rendered.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Leave out raw HTML and links to `javascript:` and the like: for sites whose writers
    /// are not all trusted.
    #[serde(default)]
    pub safe: bool,
}

/// The PDF edition: `pdf: false` switches it off, `pdf: {max_items: N}` sets the size of
/// harvest above which it is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "PdfSetting", into = "PdfSetting")]
pub struct PdfConfig {
    pub enabled: bool,
    pub max_items: usize,
}

impl Default for PdfConfig {
    fn default() -> Self {
        PdfConfig {
            enabled: true,
            max_items: crate::pdf::DEFAULT_MAX_ITEMS,
        }
    }
}

/// How `pdf:` may be written: a switch, or its settings.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(untagged)]
enum PdfSetting {
    Switch(bool),
    Settings(PdfSettings),
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PdfSettings {
    #[serde(default = "default_max_items")]
    max_items: usize,
}

fn default_max_items() -> usize {
    crate::pdf::DEFAULT_MAX_ITEMS
}

impl From<PdfSetting> for PdfConfig {
    fn from(setting: PdfSetting) -> Self {
        match setting {
            PdfSetting::Switch(enabled) => PdfConfig {
                enabled,
                ..PdfConfig::default()
            },
            PdfSetting::Settings(s) => PdfConfig {
                enabled: true,
                max_items: s.max_items,
            },
        }
    }
}

impl From<PdfConfig> for PdfSetting {
    fn from(config: PdfConfig) -> Self {
        match config.enabled {
            false => PdfSetting::Switch(false),
            true => PdfSetting::Settings(PdfSettings {
                max_items: config.max_items,
            }),
        }
    }
}

/// The parsed `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub language: Language,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sections: SectionNames,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub pdf: PdfConfig,
    #[serde(default, deserialize_with = "yaml::mapping_or_nothing")]
    pub extra: yaml::Mapping,
    /// The text it was read from, for the positions of its values in later errors.
    #[serde(skip)]
    source: String,
}

/// The keys `site.yaml` may and must have.
pub const KEYS: Keys = Keys {
    allowed: &[
        "title",
        "subtitle",
        "language",
        "base_url",
        "theme",
        "author",
        "organisation",
        "description",
        "sections",
        "markdown",
        "pdf",
        "extra",
    ],
    required: &["title"],
};

fn default_base_url() -> String {
    "/".to_string()
}

fn default_theme() -> String {
    "default".to_string()
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("cannot read {CONFIG_FILE}: {0}")]
    Unreadable(std::io::Error),
    #[error("no {CONFIG_FILE} in {0}")]
    Missing(PathBuf),
    #[error("base URL `{0}` is not a URL or a path")]
    BadBaseUrl(String),
    #[error("{CONFIG_FILE} is not valid UTF-8 text (first bad byte at offset {0})")]
    NotUtf8(usize),
    #[error("the URL name `{name}` of section `{section}` {problem}")]
    SectionName {
        section: &'static str,
        name: String,
        problem: String,
    },
}

impl Hint for ConfigError {
    fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Missing(_) => Some(
                "run oogst in a site folder, pass --root DIR, or start a new site with `oogst new DIR`".into(),
            ),
            ConfigError::BadBaseUrl(_) => {
                Some("write it as `https://example.org/harvest/` or as a path such as `/harvest/`".into())
            }
            ConfigError::Yaml(e) => e.hint(),
            ConfigError::Unreadable(_) => None,
            ConfigError::NotUtf8(_) => Some("save the file as UTF-8 in your editor".into()),
            ConfigError::SectionName { .. } => Some(
                "give each section a URL name of its own, with letters or digits, e.g. `themes: onderwerpen`".into(),
            ),
        }
    }
}

impl SiteConfig {
    /// Reads and checks `site.yaml` in `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                let offset = e.utf8_error().valid_up_to();
                let before = String::from_utf8_lossy(&e.as_bytes()[..offset]);
                let at = Position::of_offset(&before, offset);
                return Err(Diagnostic::new(&path, at, &ConfigError::NotUtf8(offset)).into());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Diagnostic::new(
                    &path,
                    Position::UNKNOWN,
                    &ConfigError::Missing(root.to_path_buf()),
                )
                .into());
            }
            Err(e) => {
                return Err(
                    Diagnostic::new(&path, Position::UNKNOWN, &ConfigError::Unreadable(e)).into(),
                );
            }
        };
        Self::parse(&text).map_err(|errors| {
            let mut diagnostics = Diagnostics::new();
            for (position, error) in errors {
                diagnostics.push(Diagnostic::new(&path, position, &error));
            }
            diagnostics
        })
    }

    pub(crate) fn parse(text: &str) -> Result<SiteConfig, Vec<(Position, ConfigError)>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut config: SiteConfig = yaml::parse(text, KEYS).map_err(|errors| {
            errors
                .into_iter()
                .map(|(p, e)| (p, e.into()))
                .collect::<Vec<_>>()
        })?;
        config.source = text.to_string();
        let base_url = config.base_url.clone();
        config
            .with_base_url(&base_url)
            .map_err(|e| vec![(yaml::key_position(text, "base_url"), e)])
    }

    /// Where `key` is written in `site.yaml`.
    pub fn key_position(&self, key: &str) -> Position {
        yaml::key_position(&self.source, key)
    }

    /// Where `value` is written under `key` in `site.yaml`.
    pub fn value_position(&self, key: &str, value: &str) -> Position {
        yaml::value_position(&self.source, key, value)
    }

    /// This configuration with another base URL (from `--base-url` or the preview server).
    pub fn with_base_url(mut self, base_url: &str) -> Result<SiteConfig, ConfigError> {
        let trimmed = base_url.trim();
        let valid = trimmed.starts_with('/')
            || trimmed.starts_with("http://")
            || trimmed.starts_with("https://");
        if !valid || trimmed.contains(char::is_whitespace) {
            return Err(ConfigError::BadBaseUrl(base_url.to_string()));
        }
        self.base_url = format!("{}/", trimmed.trim_end_matches('/'));
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_end_in_one_slash() {
        let config = SiteConfig::parse("title: T\nbase_url: https://example.org/oogst")
            .ok()
            .unwrap();
        assert_eq!(config.base_url, "https://example.org/oogst/");
        let config = config.with_base_url("/").unwrap();
        assert_eq!(config.base_url, "/");
        assert!(config.with_base_url("example.org").is_err());
    }

    #[test]
    fn defaults_to_dutch_and_the_default_theme() {
        let config = SiteConfig::parse("title: T\n").ok().unwrap();
        assert_eq!(config.language, Language::Nl);
        assert_eq!(config.theme, "default");
    }

    #[test]
    fn the_pdf_is_on_unless_switched_off() {
        let on = SiteConfig::parse("title: T\n").ok().unwrap();
        assert_eq!(on.pdf, PdfConfig::default());
        let off = SiteConfig::parse("title: T\npdf: false\n").ok().unwrap();
        assert!(!off.pdf.enabled);
        let small = SiteConfig::parse("title: T\npdf: {max_items: 20}\n")
            .ok()
            .unwrap();
        assert_eq!((small.pdf.enabled, small.pdf.max_items), (true, 20));
        assert!(SiteConfig::parse("title: T\npdf: {max_itemz: 20}\n").is_err());
    }

    #[test]
    fn unknown_keys_are_named() {
        let Err(errors) = SiteConfig::parse("title: T\nlanguag: en\n") else {
            panic!("a wrong key must fail")
        };
        assert_eq!(errors[0].0.line, 2);
        assert_eq!(errors[0].1.hint().unwrap(), "did you mean `language`?");
    }
}
