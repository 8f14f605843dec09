//! Load: the files published under a name with a hash of their content (see
//! [`AssetNames`]): the theme's stylesheet and script, or the site's own file of that name
//! (beside the content or in `static/`, which win over the theme's), and the brand's logo.
//! Read before rendering, so every page names them as they are published.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position};
use crate::output::Content;
use crate::routes::{AssetNames, FINGERPRINTED};
use crate::theme::{StaticFile, Theme};

/// A logo larger than this is surely not meant for a page header.
const LOGO_LIMIT: u64 = 2 << 20;

/// One file published under its hash.
#[derive(Debug, Clone)]
struct Published {
    /// Its path in the theme or site (`style.css`); none for the logo.
    path: Option<String>,
    /// Where it is published: `style.3f2a9c1b.css`.
    published: String,
    bytes: Arc<Vec<u8>>,
    /// The file it was read from, for messages.
    source: PathBuf,
}

/// The files published under their hash, and their names.
#[derive(Debug, Clone, Default)]
pub struct Fingerprinted {
    pub names: AssetNames,
    files: Vec<Published>,
}

#[derive(Debug, Error)]
pub enum AssetError {
    #[error("cannot read {}: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("`brand.logo`: there is no file `{0}`")]
    NoLogo(String),
    #[error("`brand.logo`: `{0}` is not a path inside the site folder")]
    LogoOutside(String),
    #[error("`brand.logo`: `{0}` is not a PNG, JPEG, GIF, WebP or SVG image")]
    LogoNotAnImage(String),
    #[error("`brand.logo`: `{0}` is larger than 2 MiB")]
    LogoTooLarge(String),
}

impl Hint for AssetError {
    fn hint(&self) -> Option<String> {
        match self {
            AssetError::Unreadable { .. } => None,
            AssetError::NoLogo(_) | AssetError::LogoOutside(_) => Some(
                "give the logo's path from the site folder, e.g. `logo: static/logo.svg`".into(),
            ),
            AssetError::LogoNotAnImage(_) => {
                Some("save the logo as SVG (best, it stays sharp) or PNG".into())
            }
            AssetError::LogoTooLarge(_) => {
                Some("a header logo needs little: save it smaller, or as SVG".into())
            }
        }
    }
}

impl Fingerprinted {
    /// Reads the files of [`FINGERPRINTED`] where the output takes them from, and the logo
    /// of `brand:`.
    pub fn read(root: &Path, theme: &Theme, config: &SiteConfig) -> (Fingerprinted, Diagnostics) {
        let mut found = Fingerprinted::default();
        let mut diagnostics = Diagnostics::new();
        for path in FINGERPRINTED {
            let on_disk = ["content", "static"]
                .map(|folder| root.join(folder).join(path))
                .into_iter()
                .find(|file| file.is_file());
            let in_theme = theme.static_files.get(path);
            let on_disk = on_disk.or_else(|| match in_theme {
                Some(StaticFile::Disk(file)) => Some(file.clone()),
                _ => None,
            });
            let (bytes, source) = match (on_disk, in_theme) {
                (Some(file), _) => (read(&file), file),
                (None, Some(built_in @ StaticFile::BuiltIn(bytes))) => {
                    (Ok(bytes.to_vec()), built_in.source(path))
                }
                (None, _) => continue,
            };
            match bytes {
                Ok(bytes) => found.add(Some(path), bytes, source),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        if let Some(logo) = &config.brand.logo {
            match read_logo(root, logo) {
                Ok(bytes) => found.add(None, bytes, root.join(logo.trim())),
                Err(error) => {
                    let at = config.value_position("brand", "logo");
                    diagnostics.push(Diagnostic::new(root.join(CONFIG_FILE), at, &error));
                }
            }
        }
        (found, diagnostics)
    }

    fn add(&mut self, path: Option<&str>, bytes: Vec<u8>, source: PathBuf) {
        let published = match path {
            Some(path) => self.names.insert(path, &bytes),
            None => self.names.insert_logo(image_extension(&bytes), &bytes),
        };
        self.files.push(Published {
            path: path.map(str::to_string),
            published,
            bytes: Arc::new(bytes),
            source,
        });
    }

    /// Where the file oogst would copy to `path`, and what, when it is published under its
    /// hash instead.
    pub fn instead_of(&self, path: &str) -> Option<(String, Content)> {
        let file = self
            .files
            .iter()
            .find(|f| f.path.as_deref() == Some(path))?;
        Some((file.published.clone(), Content::Shared(file.bytes.clone())))
    }

    /// The logo's published path, bytes and file, when the site has one.
    pub fn logo(&self) -> Option<(String, Content, &Path)> {
        let file = self.files.iter().find(|f| f.path.is_none())?;
        let content = Content::Shared(file.bytes.clone());
        Some((file.published.clone(), content, &file.source))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|error| {
        let error = AssetError::Unreadable {
            path: path.to_path_buf(),
            error,
        };
        Diagnostic::new(path, Position::UNKNOWN, &error)
    })
}

/// The logo at `written` (a path from the site root), if it is an image there.
fn read_logo(root: &Path, written: &str) -> Result<Vec<u8>, AssetError> {
    let relative = Path::new(written.trim());
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(AssetError::LogoOutside(written.to_string()));
    }
    let path = root.join(relative);
    let size = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => return Err(AssetError::NoLogo(written.to_string())),
    };
    if size > LOGO_LIMIT {
        return Err(AssetError::LogoTooLarge(written.to_string()));
    }
    let bytes = std::fs::read(&path).map_err(|error| AssetError::Unreadable { path, error })?;
    if image_extension(&bytes).is_empty() {
        return Err(AssetError::LogoNotAnImage(written.to_string()));
    }
    Ok(bytes)
}

/// `logo.png`, `logo.svg` ... after what the bytes are; an empty name when they are no image
/// a browser shows.
fn image_extension(bytes: &[u8]) -> &'static str {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "logo.png",
        [0xff, 0xd8, 0xff, ..] => "logo.jpg",
        [b'G', b'I', b'F', b'8', ..] => "logo.gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "logo.webp",
        _ if start.contains("<svg") => "logo.svg",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_extension(b"\x89PNG\r\n\x1a\n...."), "logo.png");
        assert_eq!(image_extension(b"\xff\xd8\xff\xe0"), "logo.jpg");
        assert_eq!(
            image_extension(
                b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
            ),
            "logo.svg"
        );
        assert_eq!(image_extension(b"RIFF\0\0\0\0WEBPVP8 "), "logo.webp");
        assert_eq!(image_extension(b"%PDF-1.7"), "");
        assert_eq!(image_extension(b""), "");
    }

    #[test]
    fn a_logo_must_lie_inside_the_site() {
        let root = Path::new("/nonexistent-site");
        for outside in ["../logo.svg", "/etc/logo.svg", "static/../../logo.svg"] {
            assert!(
                matches!(read_logo(root, outside), Err(AssetError::LogoOutside(_))),
                "{outside}"
            );
        }
        assert!(matches!(
            read_logo(root, "static/logo.svg"),
            Err(AssetError::NoLogo(_))
        ));
    }
}
