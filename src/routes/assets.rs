//! The names of files published with a hash of their content in them (`style.3f2a9c1b.css`):
//! a browser or CDN may keep such a file for as long as it likes, because a changed file
//! gets a new name, and the pages name the new one at once.

use std::collections::BTreeMap;

use super::{STYLESHEET, published};

/// The theme's files published under a name with their content's hash: the stylesheet and
/// the script, whichever file of the theme or the site gives them.
pub const FINGERPRINTED: [&str; 2] = [STYLESHEET, published::SEARCH_SCRIPT];

/// Where each file of [`FINGERPRINTED`] (and the brand's logo) is published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetNames {
    /// The path a file has in the theme or site (`style.css`) → the path it is published at.
    names: BTreeMap<String, String>,
    /// The published path of the brand's logo.
    logo: Option<String>,
}

impl AssetNames {
    /// Names `path` (`style.css`) after the hash of `bytes`: `style.3f2a9c1b.css`.
    pub fn insert(&mut self, path: &str, bytes: &[u8]) -> String {
        let name = fingerprinted(path, bytes);
        self.names.insert(path.to_string(), name.clone());
        name
    }

    /// Names the logo after the hash of its bytes, with the extension of `file`:
    /// `logo.5e0c11d4.svg`.
    pub fn insert_logo(&mut self, file: &str, bytes: &[u8]) -> String {
        let extension = file
            .rsplit_once('.')
            .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
        let name = fingerprinted(&format!("logo.{extension}"), bytes);
        self.logo = Some(name.clone());
        name
    }

    /// The path `path` is published at: with its hash when it has one, else as it is.
    pub fn path(&self, path: &str) -> String {
        self.names
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.to_string())
    }

    /// The published path of the brand's logo, when the site has one.
    pub fn logo(&self) -> Option<&str> {
        self.logo.as_deref()
    }
}

/// `style.css` and its bytes → `style.3f2a9c1b.css`: the first 32 bits of a 128-bit hash
/// of the bytes, in hex, before the extension.
fn fingerprinted(path: &str, bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut hasher = siphasher::sip128::SipHasher13::new();
    hasher.write(bytes);
    let hash = siphasher::sip128::Hasher128::finish128(&hasher).as_u128();
    let hex = format!("{:08x}", (hash >> 96) as u32);
    let (folder, file) = match path.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), path),
    };
    match file.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{folder}{stem}.{hex}.{extension}"),
        _ => format!("{folder}{file}.{hex}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hold_a_hash_of_the_content() {
        let one = fingerprinted("style.css", b"body { color: navy }");
        let two = fingerprinted("style.css", b"body { color: teal }");
        assert_ne!(one, two);
        assert_eq!(one, fingerprinted("style.css", b"body { color: navy }"));
        assert!(one.starts_with("style.") && one.ends_with(".css"), "{one}");
        assert_eq!(one.len(), "style.12345678.css".len());
        assert!(fingerprinted("js/search.js", b"x").starts_with("js/search."));
        assert!(fingerprinted("LICENSE", b"x").starts_with("LICENSE."));

        let mut names = AssetNames::default();
        let published = names.insert(STYLESHEET, b"a");
        assert_eq!(names.path(STYLESHEET), published);
        assert_eq!(names.path("other.css"), "other.css");
        assert_eq!(names.logo(), None);
        let logo = names.insert_logo("brand/Logo.SVG", b"<svg/>");
        assert!(
            logo.starts_with("logo.") && logo.ends_with(".svg"),
            "{logo}"
        );
    }
}
