//! The PDF edition in the pipeline: whether a harvest gets one, which files it is (the whole
//! harvest, or one per part of a print edition in parts), and making them per language.

use std::time::Duration;

use super::Frame;
use crate::content::Section;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{Harvest, Part};
use crate::images::Gallery;
use crate::output::{Content, Counter};
use crate::pdf::{Scope, data};
use crate::theme::Theme;
use crate::{PdfOutcome, pdf};

/// One file of a harvest's PDF edition: where it goes, and the part it holds (none: the
/// whole harvest) with that part's title.
pub(crate) struct PdfFile {
    pub path: String,
    part: Option<(Part, String)>,
    opening: bool,
}

impl PdfFile {
    pub fn scope(&self) -> Scope<'_> {
        match &self.part {
            None => Scope::Whole,
            Some((part, title)) => Scope::Part {
                part,
                title,
                opening: self.opening,
            },
        }
    }
}

/// The files of `harvest`'s PDF edition: one, or as the print edition is in parts, one per
/// part, with titles in the UI strings of `theme`.
pub(crate) fn pdf_files(harvest: &Harvest, theme: &Theme) -> Vec<PdfFile> {
    let Some(parts) = harvest.print_parts() else {
        return vec![PdfFile {
            path: harvest.routes.pdf().to_string(),
            part: None,
            opening: true,
        }];
    };
    let strings = theme.strings_in(harvest.config.language);
    (parts.iter().enumerate())
        .map(|(at, part)| PdfFile {
            path: (harvest.routes).pdf_part(part.shelf, part.number, part.of),
            part: Some((part.clone(), part.title(harvest, strings))),
            opening: at == 0,
        })
        .collect()
}

/// Whether the harvest gets a PDF edition: `Later` if it does, else why not.
pub(crate) fn wants_pdf(harvest: &Harvest) -> PdfOutcome {
    let settings = harvest.config.pdf;
    let items: usize = Section::ALL.iter().map(|&s| harvest.section(s).len()).sum();
    if !settings.enabled {
        return PdfOutcome::Off;
    } else if items > settings.max_items {
        return PdfOutcome::TooLarge {
            items,
            max: settings.max_items,
        };
    }
    // The text of the largest file: the whole harvest's, or that of its largest part.
    let bytes = match harvest.print_parts() {
        None => data::text_bytes(harvest, None, true),
        Some(parts) => (parts.iter().enumerate())
            .map(|(at, part)| data::text_bytes(harvest, Some(part), at == 0))
            .max()
            .unwrap_or(0),
    };
    match bytes > pdf::MAX_TEXT_BYTES {
        true => PdfOutcome::TooLong {
            bytes,
            max: pdf::MAX_TEXT_BYTES,
        },
        false => PdfOutcome::Later,
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
                    files,
                },
                PdfOutcome::Made {
                    bytes: more,
                    elapsed: longer,
                    files: others,
                    ..
                },
            ) => PdfOutcome::Made {
                bytes: bytes + more,
                elapsed: elapsed + longer,
                editions: editions + 1,
                files: files + others,
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
    // What the pages link to: the size of each file, when known.
    let (outcome, sizes) = match wants_pdf(harvest) {
        PdfOutcome::Later => {
            let files = pdf_files(harvest, &frame.theme);
            match later {
                true => (PdfOutcome::Later, Some(vec![None; files.len()])),
                false => match make_files(harvest, &frame.theme, gallery, output, &files) {
                    Ok((sizes, elapsed)) => {
                        let made = PdfOutcome::Made {
                            bytes: sizes.iter().sum(),
                            elapsed,
                            editions: 1,
                            files: files.len(),
                        };
                        (made, Some(sizes.into_iter().map(Some).collect()))
                    }
                    Err(errors) => (PdfOutcome::Failed(errors), None),
                },
            }
        }
        other => (other, None),
    };
    if let Some(renderer) = &mut frame.renderer {
        renderer.link_pdf(harvest.config.language, sizes);
    }
    outcome
}

/// Makes the files of a PDF edition into `output`, one after the other (each holds all
/// Typst needs to lay it out, which is much): their sizes, and how long they took.
fn make_files(
    harvest: &Harvest,
    theme: &Theme,
    gallery: &Gallery,
    output: &Counter<'_>,
    files: &[PdfFile],
) -> Result<(Vec<usize>, Duration), Diagnostics> {
    let source = (theme.pdf_templates.get(pdf::MAIN_TEMPLATE))
        .map(|t| t.origin.display_path())
        .unwrap_or_default();
    let mut sizes = Vec::with_capacity(files.len());
    let mut elapsed = Duration::ZERO;
    for file in files {
        let report = pdf::make(harvest, theme, gallery, file.scope())?;
        sizes.push(report.bytes.len());
        elapsed += report.elapsed;
        output
            .add(file.path.clone(), Content::Bytes(report.bytes), &source)
            .map_err(|e| Diagnostic::new(e.path().to_path_buf(), Position::UNKNOWN, &e))?;
    }
    Ok((sizes, elapsed))
}
