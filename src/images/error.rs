//! What can be wrong with an image file, told in words a writer can act on.

use thiserror::Error;

use super::limits;
use crate::diagnostics::Hint;

/// Why an image could not be published.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImageError {
    #[error("the image {file} cannot be read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{file} is not an image (its content is no JPEG, PNG or WebP)")]
    NotAnImage { file: String },
    #[error("{file} is a {format} image, which oogst does not publish")]
    Unsupported { file: String, format: String },
    #[error("the image {file} is damaged: {reason}")]
    Damaged { file: String, reason: String },
    #[error("the image {file} is too large: {reason}")]
    TooLarge { file: String, reason: String },
}

impl Hint for ImageError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            ImageError::Unreadable { .. } => "check that the file exists and can be read".into(),
            ImageError::NotAnImage { .. } | ImageError::Damaged { .. } => {
                "export the image again as JPEG (photos) or PNG (drawings, diagrams)".into()
            }
            ImageError::Unsupported { .. } => {
                "save it as JPEG (photos), PNG (drawings, diagrams) or SVG".into()
            }
            ImageError::TooLarge { .. } => format!(
                "make it smaller first: at most {} pixels on a side and {} megapixels",
                limits::MAX_SIDE,
                limits::MAX_PIXELS / 1_000_000
            ),
        })
    }
}

/// What is wrong with how an image is written in a body.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DescriptionError {
    #[error("the image `{0}` has no description")]
    Missing(String),
    #[error("the description of `{0}` is {1} characters long; screen readers read it whole")]
    TooLong(String, usize),
    /// `image:` in the front matter without `image_alt:`.
    #[error("the picture `{0}` of `image` has no description")]
    MissingImageAlt(String),
    #[error("`image_alt` describes a picture, but there is no `image`")]
    ImageAltAlone,
    #[error("`image_alt` is {0} characters long; screen readers read it whole")]
    ImageAltTooLong(usize),
}

impl Hint for DescriptionError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            DescriptionError::Missing(file) => format!(
                "describe what it shows: `![Flip-over with the three themes]({file})`; an image that only decorates is written `![-]({file})`"
            ),
            DescriptionError::TooLong(file, _) => format!(
                "keep it under {} characters; say more in the text or in a caption: `![short]({file} \"caption\")`",
                limits::DESCRIPTION_LENGTH
            ),
            DescriptionError::MissingImageAlt(_) => "add a line `image_alt: ...` that says what the picture shows: it is read out where the page is shared (`og:image:alt`)".into(),
            DescriptionError::ImageAltAlone => {
                "add `image:` with the picture it describes, or remove `image_alt:`".into()
            }
            DescriptionError::ImageAltTooLong(_) => format!(
                "keep it under {} characters; say more in the text",
                limits::DESCRIPTION_LENGTH
            ),
        })
    }
}
