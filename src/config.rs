//! `site.yaml`: the site's title, language, base URL and theme.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::brand::{Brand, BrandError};
use crate::content::Date;
use crate::content::dates;
use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position};
use crate::yaml::{self, Keys, YamlError};

pub const CONFIG_FILE: &str = "site.yaml";

/// The language of a site: its UI strings, section URL names and date format.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    /// Every language oogst has interface strings for.
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    /// The language of an ISO 639-1 code, when oogst has interface strings for it.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Its name in itself, for a language switch.
    pub fn name(self) -> &'static str {
        match self {
            Language::Nl => "Nederlands",
            Language::En => "English",
        }
    }
}

/// A language besides the site's own (`languages:` in `site.yaml`): what replaces the
/// site's title, subtitle and description in it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
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

/// The print edition: `print: {max_items: N}`. A harvest of more than N items (themes,
/// conclusions, recommendations and pages together) gets its print edition in parts, each a
/// page of its own: one per section, and a section of more than N items in parts by theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrintConfig {
    #[serde(default = "default_print_items")]
    pub max_items: usize,
}

/// Above this many items the print edition is in parts: a browser opens a page of 500
/// items (about 4 MB of HTML) in a moment, and prints it.
pub const DEFAULT_PRINT_ITEMS: usize = 500;

fn default_print_items() -> usize {
    DEFAULT_PRINT_ITEMS
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            max_items: DEFAULT_PRINT_ITEMS,
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
    /// Languages the harvest is translated into besides `language`, by code.
    #[serde(default, deserialize_with = "languages_or_nothing")]
    pub languages: std::collections::BTreeMap<String, Option<LanguageConfig>>,
    /// The site's own language when this is the configuration of a translation
    /// ([`SiteConfig::in_language`]); `None` in the site's own.
    #[serde(skip)]
    pub original: Option<Language>,
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
    /// The organisation's accent colour, logo and font.
    #[serde(default)]
    pub brand: Brand,
    /// Where a source file can be edited: the file's path from the site root is added to it.
    #[serde(default)]
    pub edit_url: Option<String>,
    #[serde(default)]
    pub pdf: PdfConfig,
    #[serde(default)]
    pub print: PrintConfig,
    #[serde(default, deserialize_with = "yaml::mapping_or_nothing")]
    pub extra: yaml::Mapping,
    /// The text it was read from, for the positions of its values in later errors.
    #[serde(skip)]
    source: String,
    /// The day `site.yaml` was last changed: the date of a site that has no content yet.
    #[serde(skip)]
    pub date: Option<Date>,
}

/// The keys `site.yaml` may and must have.
pub const KEYS: Keys = Keys {
    allowed: &[
        "title",
        "subtitle",
        "language",
        "languages",
        "base_url",
        "theme",
        "author",
        "organisation",
        "description",
        "sections",
        "markdown",
        "edit_url",
        "brand",
        "pdf",
        "print",
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
    #[error("`brand.{key}`: {error}")]
    Brand {
        key: &'static str,
        error: BrandError,
    },
    #[error("`edit_url` `{0}` is not a web address (http:// or https://)")]
    BadEditUrl(String),
    #[error("`print.max_items` is 0: each part of the print edition holds at least one item")]
    NoPrintItems,
    #[error("{CONFIG_FILE} is not valid UTF-8 text (first bad byte at offset {0})")]
    NotUtf8(usize),
    #[error("`languages`: {0}")]
    UnknownLanguage(String),
    #[error("the URL name `{name}` of section `{section}` {problem}")]
    SectionName {
        section: &'static str,
        name: String,
        problem: String,
    },
}

/// A problem with `site.yaml` that does not stop the build.
#[derive(Debug, Error)]
pub enum ConfigWarning {
    #[error(
        "base URL `{0}` has no host: the feed, the sitemap, robots.txt and Open Graph need full URLs (https://...), so the sitemap lists no pages and robots.txt names no sitemap"
    )]
    NoHost(String),
}

impl Hint for ConfigWarning {
    fn hint(&self) -> Option<String> {
        match self {
            ConfigWarning::NoHost(_) => Some(format!(
                "give the address the site will have: `base_url: https://example.org/harvest/` in {CONFIG_FILE}, or `oogst build --base-url https://example.org/harvest/`"
            )),
        }
    }
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
            ConfigError::BadEditUrl(_) => Some(
                "give the address where your repository edits a file, up to the branch, e.g. `https://gitlab.com/org/harvest/-/edit/main/`; each page adds its file's path (`content/conclusions/01-x.md`)".into(),
            ),
            ConfigError::Brand { error, .. } => error.hint(),
            ConfigError::Yaml(e) => e.hint(),
            ConfigError::Unreadable(_) => None,
            ConfigError::NotUtf8(_) => Some("save the file as UTF-8 in your editor".into()),
            ConfigError::NoPrintItems => Some(format!(
                "give the most items one page of the print edition holds, such as `print: {{max_items: {DEFAULT_PRINT_ITEMS}}}`, or leave `print:` out for {DEFAULT_PRINT_ITEMS}"
            )),
            ConfigError::UnknownLanguage(_) => Some(format!(
                "oogst has interface strings for {}; write `languages: {{en: {{title: \"…\"}}}}` beside `language: nl`",
                Language::ALL.map(|l| format!("`{}`", l.code())).join(" and ")
            )),
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
        let mut config = Self::parse(&text).map_err(|errors| {
            let mut diagnostics = Diagnostics::new();
            for (position, error) in errors {
                diagnostics.push(Diagnostic::new(&path, position, &error));
            }
            diagnostics
        })?;
        config.date = dates::modified(&path);
        Ok(config)
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
        let mut errors = brand_errors(text, &mut config.brand);
        if let Some(edit_url) = &config.edit_url {
            match web_address(edit_url) {
                Some(url) => config.edit_url = Some(url),
                None => errors.push((
                    yaml::value_position(text, "edit_url", edit_url),
                    ConfigError::BadEditUrl(edit_url.clone()),
                )),
            }
        }
        for code in config.languages.keys() {
            let problem = match Language::from_code(code) {
                None => format!("oogst does not know the language `{code}`"),
                Some(language) if language == config.language => format!(
                    "`{code}` is the site's own language (`language: {code}`), not one it is translated into"
                ),
                Some(_) => continue,
            };
            errors.push((
                yaml::value_position(text, "languages", code),
                ConfigError::UnknownLanguage(problem),
            ));
        }
        if config.print.max_items == 0 {
            errors.push((yaml::key_position(text, "print"), ConfigError::NoPrintItems));
        }
        let base_url = config.base_url.clone();
        let config = config
            .with_base_url(&base_url)
            .map_err(|e| errors.push((yaml::key_position(text, "base_url"), e)));
        match config {
            Ok(config) if errors.is_empty() => Ok(config),
            _ => Err(errors),
        }
    }

    /// Where `key` is written in `site.yaml`.
    pub fn key_position(&self, key: &str) -> Position {
        yaml::key_position(&self.source, key)
    }

    /// Where `key` is written in `site.yaml`, if it is.
    pub fn find_key(&self, key: &str) -> Option<Position> {
        yaml::find_key(&self.source, key)
    }

    /// Where `value` is written under `key` in `site.yaml`.
    pub fn value_position(&self, key: &str, value: &str) -> Position {
        yaml::value_position(&self.source, key, value)
    }

    /// Every language of the site: its own first, then those it is translated into.
    pub fn languages(&self) -> Vec<Language> {
        let others = self
            .languages
            .keys()
            .filter_map(|code| Language::from_code(code));
        std::iter::once(self.language).chain(others).collect()
    }

    /// The configuration of the site's pages in `language`, one of [`SiteConfig::languages`]:
    /// its title, subtitle and description where `languages:` gives them, the section names
    /// of that language. The site's own language gives the configuration as it is.
    pub fn in_language(&self, language: Language) -> SiteConfig {
        if language == self.language {
            return self.clone();
        }
        let mut config = self.clone();
        config.original = Some(self.language);
        config.language = language;
        config.sections = SectionNames::default();
        if let Some(Some(own)) = self.languages.get(language.code()) {
            let own = own.clone();
            config.title = own.title.unwrap_or(config.title);
            config.subtitle = own.subtitle.or(config.subtitle);
            config.description = own.description.or(config.description);
        }
        config
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

/// Reads `languages:`, where `languages:` with nothing after it is none, and `en:` with
/// nothing after it a language with nothing of its own.
fn languages_or_nothing<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, Option<LanguageConfig>>, D::Error> {
    Ok(Option::deserialize(d)?.unwrap_or_default())
}

/// Every problem with `brand:`, where it is written.
fn brand_errors(text: &str, brand: &mut Brand) -> Vec<(Position, ConfigError)> {
    let at = |key| yaml::value_position(text, "brand", key);
    let mut errors: Vec<_> = (brand.check().into_iter())
        .map(|(key, error)| (at(key), ConfigError::Brand { key, error }))
        .collect();
    // `accent: #154273` unquoted is a key with a comment after it.
    let brand_at = yaml::key_position(text, "brand");
    for (key, value) in [
        ("accent", &brand.accent),
        ("accent_dark", &brand.accent_dark),
    ] {
        if value.is_none() && at(key) != brand_at {
            let error = BrandError::Empty;
            errors.push((at(key), ConfigError::Brand { key, error }));
        }
    }
    errors
}

/// `url` as an address below which paths are added (ending in `/`), when it is an
/// absolute http(s) URL with a host.
fn web_address(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`');
    if host.is_empty() || url.contains(bad) {
        return None;
    }
    Some(format!("{}/", url.trim_end_matches('/')))
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
    fn edit_urls_are_web_addresses() {
        let config = SiteConfig::parse("title: T\nedit_url: https://gitlab.com/o/h/-/edit/main")
            .ok()
            .unwrap();
        assert_eq!(
            config.edit_url.as_deref(),
            Some("https://gitlab.com/o/h/-/edit/main/")
        );
        for bad in [
            "gitlab.com/o/h",
            "https://",
            "ftp://x.org/",
            "https://x.org/a b",
        ] {
            let Err(errors) = SiteConfig::parse(&format!("title: T\nedit_url: \"{bad}\"\n")) else {
                panic!("{bad} must fail")
            };
            assert_eq!((errors[0].0.line, errors[0].0.col), (2, 11), "{bad}");
            assert!(errors[0].1.hint().unwrap().contains("/-/edit/main/"));
        }
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
