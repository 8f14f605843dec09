//! Load: the visual theme, its templates, UI strings and static files read and layered
//! (built-in default < theme folder on disk < the site's own `templates/`), so the render
//! stage works from what is read here and reads no files itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use thiserror::Error;

use crate::config::{CONFIG_FILE, Language, SiteConfig};
use crate::content::load::{is_ignored, list_assets};
use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position};

/// The default theme, built into the binary so oogst works where no `themes/` folder exists.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a file of the theme comes from: for error messages and for copying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn(&'static str),
    Disk(PathBuf),
}

impl Origin {
    /// The path to show a writer: the file on disk, or where the built-in one lives.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Origin::BuiltIn(rel) => built_in_path(rel),
            Origin::Disk(path) => path.clone(),
        }
    }
}

/// Where a file of the built-in theme is said to be: `<built-in>/themes/default/{rel}`.
fn built_in_path(rel: &str) -> PathBuf {
    PathBuf::from(format!("<built-in>/themes/default/{rel}"))
}

/// A template's source and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub text: String,
    pub origin: Origin,
}

/// A static file of the theme, copied to the output root.
#[derive(Debug, Clone)]
pub enum StaticFile {
    BuiltIn(&'static [u8]),
    Disk(PathBuf),
}

impl StaticFile {
    /// Where the file comes from, to show a writer; `path` is its output path.
    pub fn source(&self, path: &str) -> PathBuf {
        match self {
            StaticFile::BuiltIn(_) => built_in_path(&format!("static/{path}")),
            StaticFile::Disk(source) => source.clone(),
        }
    }
}

/// The theme as a site uses it.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`conclusion.html`, `partials/nav.html`) → source.
    pub templates: BTreeMap<String, TemplateSource>,
    /// UI strings in the site's language.
    pub strings: serde_json::Map<String, serde_json::Value>,
    /// UI strings in each language the site is translated into.
    pub translated_strings: BTreeMap<Language, serde_json::Map<String, serde_json::Value>>,
    /// Output path → file.
    pub static_files: BTreeMap<String, StaticFile>,
    /// The Typst templates of the PDF edition, by their name in the theme's `pdf/` folder
    /// (`harvest.typ`); a site overrides them in `templates/pdf/`.
    pub pdf_templates: BTreeMap<String, TemplateSource>,
}

impl Theme {
    /// The UI strings in `language`: the site's own where the theme has none for it.
    pub fn strings_in(&self, language: Language) -> &serde_json::Map<String, serde_json::Value> {
        self.translated_strings
            .get(&language)
            .unwrap_or(&self.strings)
    }
}

#[derive(Debug, Error)]
pub enum ThemeError {
    #[error("theme `{name}` not found: there is no folder themes/{name}")]
    Missing {
        name: String,
        available: Vec<String>,
    },
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the UI strings are not a YAML mapping of names to texts: {0}")]
    Strings(String),
    #[error("the theme has no UI strings for language `{0}`")]
    NoStrings(&'static str),
}

impl Hint for ThemeError {
    fn hint(&self) -> Option<String> {
        match self {
            ThemeError::Missing { available, .. } if available.is_empty() => Some(format!(
                "remove `theme:` from {CONFIG_FILE} to use the built-in default theme"
            )),
            ThemeError::Missing { available, .. } => Some(format!(
                "themes here: {}; or remove `theme:` to use the built-in default",
                available.join(", ")
            )),
            ThemeError::NoStrings(lang) => Some(format!("add i18n/{lang}.yaml to the theme")),
            _ => None,
        }
    }
}

impl Theme {
    /// Loads the theme named in the site's config, with the site's template overrides.
    pub fn load(root: &Path, config: &SiteConfig) -> Result<Theme, Diagnostics> {
        let mut theme = Theme::built_in();
        let mut diagnostics = Diagnostics::new();
        let folder = root.join("themes").join(&config.theme);
        if folder.is_dir() {
            theme.overlay_templates(&folder.join("templates"), &mut diagnostics);
            theme.overlay_pdf_templates(&folder.join("pdf"), &mut diagnostics);
            let (files, errors) = list_assets(&folder.join("static"));
            diagnostics.extend(errors);
            for file in files {
                theme
                    .static_files
                    .insert(file.rel, StaticFile::Disk(file.path));
            }
        } else if config.theme != "default" {
            let error = ThemeError::Missing {
                name: config.theme.clone(),
                available: available_themes(root),
            };
            let at = config.key_position("theme");
            return Err(Diagnostic::new(root.join(CONFIG_FILE), at, &error).into());
        }
        theme.overlay_templates(&root.join("templates"), &mut diagnostics);
        for language in config.languages() {
            match load_strings(&folder, language) {
                Ok(strings) if language == config.language => theme.strings = strings,
                Ok(strings) => {
                    theme.translated_strings.insert(language, strings);
                }
                Err((path, error)) => {
                    diagnostics.push(Diagnostic::new(path, Position::UNKNOWN, &error))
                }
            }
        }
        if diagnostics.is_empty() {
            Ok(theme)
        } else {
            Err(diagnostics)
        }
    }

    fn built_in() -> Theme {
        let mut theme = Theme::default();
        for file in all_files(&DEFAULT_THEME) {
            let rel = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = rel.strip_prefix("templates/") {
                let rel: &'static str = file.path().to_str().unwrap_or_default();
                theme.templates.insert(
                    name.to_string(),
                    TemplateSource {
                        text: file.contents_utf8().unwrap_or_default().to_string(),
                        origin: Origin::BuiltIn(rel),
                    },
                );
            } else if let Some(name) = rel.strip_prefix("pdf/") {
                let rel: &'static str = file.path().to_str().unwrap_or_default();
                theme.pdf_templates.insert(
                    name.to_string(),
                    TemplateSource {
                        text: file.contents_utf8().unwrap_or_default().to_string(),
                        origin: Origin::BuiltIn(rel),
                    },
                );
            } else if let Some(name) = rel.strip_prefix("static/") {
                theme
                    .static_files
                    .insert(name.to_string(), StaticFile::BuiltIn(file.contents()));
            }
        }
        theme
    }

    /// Templates in `dir` replace those of the same name; Typst files in its `pdf/` folder
    /// replace PDF templates.
    fn overlay_templates(&mut self, dir: &Path, diagnostics: &mut Diagnostics) {
        let (files, errors) = list_assets(dir);
        diagnostics.extend(errors);
        for file in files {
            match std::fs::read_to_string(&file.path) {
                Ok(text) => {
                    let source = TemplateSource {
                        text,
                        origin: Origin::Disk(file.path),
                    };
                    match file.rel.strip_prefix("pdf/") {
                        Some(name) if name.ends_with(".typ") => {
                            self.pdf_templates.insert(name.to_string(), source)
                        }
                        _ => self.templates.insert(file.rel, source),
                    };
                }
                Err(e) => diagnostics.push(Diagnostic::new(
                    &file.path,
                    Position::UNKNOWN,
                    &ThemeError::Io(e),
                )),
            }
        }
    }
}

impl Theme {
    /// Typst files in a theme's `pdf/` folder replace the PDF templates of the same name.
    fn overlay_pdf_templates(&mut self, dir: &Path, diagnostics: &mut Diagnostics) {
        let (files, errors) = list_assets(dir);
        diagnostics.extend(errors);
        for file in files.into_iter().filter(|f| f.rel.ends_with(".typ")) {
            match std::fs::read_to_string(&file.path) {
                Ok(text) => {
                    let source = TemplateSource {
                        text,
                        origin: Origin::Disk(file.path),
                    };
                    self.pdf_templates.insert(file.rel, source);
                }
                Err(e) => diagnostics.push(Diagnostic::new(
                    &file.path,
                    Position::UNKNOWN,
                    &ThemeError::Io(e),
                )),
            }
        }
    }
}

fn all_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(all_files(sub));
    }
    files.retain(|f| {
        !f.path()
            .file_name()
            .is_some_and(|n| is_ignored(&n.to_string_lossy()))
    });
    files
}

/// The UI strings for the site's language: the theme's own file over the built-in one.
type StringsError = (PathBuf, ThemeError);

fn load_strings(
    folder: &Path,
    language: Language,
) -> Result<serde_json::Map<String, serde_json::Value>, StringsError> {
    let lang = language.code();
    let built_in_rel = format!("i18n/{lang}.yaml");
    let mut strings = match DEFAULT_THEME
        .get_file(&built_in_rel)
        .and_then(|f| f.contents_utf8())
    {
        Some(text) => {
            parse_strings(text).map_err(|e| (Origin::BuiltIn("i18n").display_path(), e))?
        }
        None => serde_json::Map::new(),
    };
    let on_disk = folder.join(&built_in_rel);
    if on_disk.is_file() {
        let text =
            std::fs::read_to_string(&on_disk).map_err(|e| (on_disk.clone(), ThemeError::Io(e)))?;
        strings.extend(parse_strings(&text).map_err(|e| (on_disk.clone(), e))?);
    }
    if strings.is_empty() {
        return Err((folder.join(&built_in_rel), ThemeError::NoStrings(lang)));
    }
    Ok(strings)
}

fn parse_strings(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, ThemeError> {
    crate::yaml::parse_any(text)
        .map_err(|(at, e)| ThemeError::Strings(format!("line {}: {e}", at.line)))
}

fn available_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
