//! Slugs and numbers taken from content files' names.

/// A URL-safe slug: lower case, ASCII, words joined by `-` (`creëren` → `creeren`).
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// The default slug of a content file: its name without `.md` and without a number prefix
/// (`01-cop-als-leerplek.md` → `cop-als-leerplek`).
pub fn slug_from_file_name(stem: &str) -> String {
    let without_number = match stem.split_once(['-', '_']) {
        Some((prefix, rest))
            if !prefix.is_empty()
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && !rest.is_empty() =>
        {
            rest
        }
        _ => stem,
    };
    slugify(without_number)
}

/// The number prefix of a file name, if it has one (`03-x` → 3).
pub fn number_from_file_name(stem: &str) -> Option<u32> {
    let digits: &str = stem.split(['-', '_']).next()?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_number_prefixes_and_diacritics() {
        assert_eq!(
            slug_from_file_name("01-cop-als-leerplek"),
            "cop-als-leerplek"
        );
        assert_eq!(slug_from_file_name("creëren"), "creeren");
        assert_eq!(slug_from_file_name("Thema's"), "thema-s");
        assert_eq!(slug_from_file_name("2024"), "2024");
        assert_eq!(slug_from_file_name("10_a"), "a");
        assert_eq!(number_from_file_name("07-x"), Some(7));
        assert_eq!(number_from_file_name("x-07"), None);
    }

    #[test]
    fn slugs_hold_only_lower_case_letters_digits_and_single_hyphens() {
        for text in ["a_b", "A--B", " x ", "über/straße", "-a-"] {
            let slug = slugify(text);
            assert!(
                slug.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{slug}"
            );
            assert!(!slug.contains("--") && !slug.starts_with('-') && !slug.ends_with('-'));
        }
    }
}
