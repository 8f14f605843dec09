//! The PDF edition in the pipeline: whether a harvest gets one, and making one per language.

use super::Frame;
use crate::content::Section;
use crate::diagnostics::{Diagnostic, Position};
use crate::harvest::Harvest;
use crate::images::Gallery;
use crate::output::{Content, Counter};
use crate::{PdfOutcome, pdf};

/// Whether the harvest gets a PDF edition: `Later` if it does, else why not.
pub(crate) fn wants_pdf(harvest: &Harvest) -> PdfOutcome {
    let settings = harvest.config.pdf;
    let items: usize = Section::ALL.iter().map(|&s| harvest.section(s).len()).sum();
    if !settings.enabled {
        PdfOutcome::Off
    } else if items > settings.max_items {
        PdfOutcome::TooLarge {
            items,
            max: settings.max_items,
        }
    } else {
        let bytes = harvest.items.iter().map(|i| i.body.html_len()).sum();
        match bytes > pdf::MAX_TEXT_BYTES {
            true => PdfOutcome::TooLong {
                bytes,
                max: pdf::MAX_TEXT_BYTES,
            },
            false => PdfOutcome::Later,
        }
    }
}

/// Makes the PDF edition of each language into `output` (or, `later`, leaves them for the
/// caller) and tells the renderer what the pages link to. The outcome is the site's own
/// language's, with the editions of the others added to it; one that fails fails it.
pub(crate) fn pdf_stage(
    harvests: &[Harvest],
    frame: &mut Frame,
    gallery: &Gallery,
    output: &Counter<'_>,
    later: bool,
) -> PdfOutcome {
    let mut outcomes = harvests
        .iter()
        .map(|harvest| pdf_edition(harvest, frame, gallery, output, later));
    let Some(mut own) = outcomes.next() else {
        return PdfOutcome::Off;
    };
    for other in outcomes {
        own = match (own, other) {
            (PdfOutcome::Failed(mut errors), PdfOutcome::Failed(more)) => {
                errors.extend(more);
                PdfOutcome::Failed(errors)
            }
            (_, failed @ PdfOutcome::Failed(_)) => failed,
            (
                PdfOutcome::Made {
                    bytes,
                    elapsed,
                    editions,
                },
                PdfOutcome::Made {
                    bytes: more,
                    elapsed: longer,
                    ..
                },
            ) => PdfOutcome::Made {
                bytes: bytes + more,
                elapsed: elapsed + longer,
                editions: editions + 1,
            },
            (own, _) => own,
        };
    }
    own
}

/// The PDF edition of one language's harvest, as [`pdf_stage`] makes them.
fn pdf_edition(
    harvest: &Harvest,
    frame: &mut Frame,
    gallery: &Gallery,
    output: &Counter<'_>,
    later: bool,
) -> PdfOutcome {
    let outcome = match wants_pdf(harvest) {
        PdfOutcome::Later if !later => match pdf::make(harvest, &frame.theme, gallery) {
            Ok(report) => {
                let made = PdfOutcome::Made {
                    bytes: report.bytes.len(),
                    elapsed: report.elapsed,
                    editions: 1,
                };
                let path = harvest.routes.pdf().to_string();
                let source = frame
                    .theme
                    .pdf_templates
                    .get(pdf::MAIN_TEMPLATE)
                    .map(|t| t.origin.display_path())
                    .unwrap_or_default();
                match output.add(path, Content::Bytes(report.bytes), &source) {
                    Ok(()) => made,
                    Err(e) => PdfOutcome::Failed(
                        Diagnostic::new(e.path().to_path_buf(), Position::UNKNOWN, &e).into(),
                    ),
                }
            }
            Err(errors) => PdfOutcome::Failed(errors),
        },
        other => other,
    };
    if let Some(renderer) = &mut frame.renderer {
        let language = harvest.config.language;
        renderer.link_pdf(
            language,
            match &outcome {
                PdfOutcome::Made { bytes, .. } => Some(Some(*bytes)),
                PdfOutcome::Later => Some(None),
                _ => None,
            },
        );
    }
    outcome
}
