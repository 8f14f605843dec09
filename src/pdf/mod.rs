//! The PDF edition: the harvest as a tagged PDF/UA-1 report, laid out by Typst (used as a
//! library) from the theme's template `pdf/harvest.typ`.

//!
//! The harvest becomes a Typst module ([`data`], its bodies converted by [`markup`]); the
//! layout and the PDF export need the `pdf` feature (on by default), which brings Typst.
//! A binary built without it tells a site that wants a PDF so.

pub mod data;
pub mod markup;
#[cfg(feature = "pdf")]
mod typeset;
#[cfg(feature = "pdf")]
pub mod world;

use std::time::Duration;

use thiserror::Error;

#[cfg(not(feature = "pdf"))]
use crate::diagnostics::{Diagnostic, Position};
use crate::diagnostics::{Diagnostics, Hint};
use crate::harvest::Harvest;
use crate::images::Gallery;
use crate::theme::Theme;
pub use data::Scope;
#[cfg(feature = "pdf")]
pub use typeset::{Prepared, prepare};

/// The template every report starts from, in the theme's `pdf/` folder.
pub const MAIN_TEMPLATE: &str = "harvest.typ";

/// A harvest with more items than this is left without a PDF, unless `site.yaml` says
/// otherwise.
pub const DEFAULT_MAX_ITEMS: usize = 500;

/// Bodies with more HTML than this (some thousands of pages) are no report: the PDF is
/// left out, so one huge body cannot hold a build up for minutes.
pub const MAX_TEXT_BYTES: usize = 8_000_000;

/// What can keep the PDF edition from being made.
#[derive(Debug, Error)]
pub enum PdfError {
    /// Typst's own message about a template (or a body in it).
    #[error("the PDF template: {0}")]
    Template(String),
    /// The export found something PDF/UA-1 forbids.
    #[error("the PDF does not meet PDF/UA-1: {0}")]
    NotAccessible(String),
    #[error("the theme has no PDF template `pdf/{MAIN_TEMPLATE}`")]
    NoTemplate,
    /// A template's file name that makes no Typst path.
    #[error("the PDF template path `{0}` is not one Typst can use")]
    BadPath(String),
    #[error("this oogst was built without the PDF edition (the `pdf` feature)")]
    NotBuiltIn,
    /// A processed image the report shows could not be read back.
    #[error("the image {} could not be read back for the PDF", .0.display())]
    ImageGone(std::path::PathBuf),
}

impl Hint for PdfError {
    fn hint(&self) -> Option<String> {
        match self {
            PdfError::NotAccessible(_) => Some(
                "give every image a description and every table a header row in the template; or switch the PDF off with `pdf: false` in site.yaml".into(),
            ),
            PdfError::NotBuiltIn => Some(
                "switch the PDF off with `pdf: false` in site.yaml, or install oogst with its default features".into(),
            ),
            PdfError::NoTemplate => Some(format!(
                "add templates/pdf/{MAIN_TEMPLATE} to the site, or switch the PDF off with `pdf: false`"
            )),
            _ => None,
        }
    }
}

/// The finished report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// How long layout and export took.
    pub elapsed: Duration,
}

/// Makes the report of `harvest` (the whole, or the part `scope` says) with the theme's PDF
/// template and the images of `gallery`.
pub fn make(
    harvest: &Harvest,
    theme: &Theme,
    gallery: &Gallery,
    scope: Scope<'_>,
) -> Result<Report, Diagnostics> {
    prepare(harvest, theme, gallery, scope)?.make()
}

/// Without the `pdf` feature, a report cannot be made: [`prepare`] says so.
#[cfg(not(feature = "pdf"))]
pub enum Prepared {}

#[cfg(not(feature = "pdf"))]
impl Prepared {
    pub fn make(self) -> Result<Report, Diagnostics> {
        match self {}
    }
}

/// Without the `pdf` feature: an error saying the PDF cannot be made by this binary.
#[cfg(not(feature = "pdf"))]
pub fn prepare(
    _harvest: &Harvest,
    _theme: &Theme,
    _gallery: &Gallery,
    _scope: Scope<'_>,
) -> Result<Prepared, Diagnostics> {
    let error = PdfError::NotBuiltIn;
    Err(Diagnostic::new("site.yaml", Position::UNKNOWN, &error).into())
}
