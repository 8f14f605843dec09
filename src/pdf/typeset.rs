//! Laying the report out with Typst and exporting it as a tagged PDF/UA-1 file.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::data::Scope;
use super::world::{ReportWorld, file_id};
use super::{MAIN_TEMPLATE, PdfError, Report, data};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::Harvest;
use crate::images::Gallery;
use crate::theme::{Origin, Theme};

/// A report ready to be laid out: its files in a world of their own, so the slow part can
/// run on another thread while the harvest changes.
pub struct Prepared {
    world: ReportWorld,
    origins: Vec<(FileId, PathBuf)>,
    /// Where each item's body is in the harvest module, and its source file.
    bodies: Vec<(std::ops::Range<usize>, PathBuf)>,
    data_id: FileId,
    main_origin: Origin,
    title: String,
    today: Option<Datetime>,
    /// Whether it is one of the files of an edition in parts.
    part: bool,
}

/// Gathers what the report of `harvest` (the whole, or the part `scope` says) is made from:
/// the theme's PDF templates and the harvest as a Typst module (bodies read again from their
/// files and converted), and the images the bodies show, from `gallery`.
pub fn prepare(
    harvest: &Harvest,
    theme: &Theme,
    gallery: &Gallery,
    scope: Scope<'_>,
) -> Result<Prepared, Diagnostics> {
    let today = today();
    let strings = theme.strings_in(harvest.config.language);
    let cover = data::Cover {
        strings,
        date: written_date(today, strings),
    };
    let (module, mut diagnostics) = data::harvest_module(harvest, gallery, &cover, scope);
    let mut binaries = Vec::with_capacity(module.images.len());
    for (path, source) in &module.images {
        let largest = gallery
            .known(source)
            .and_then(|p| p.files().last().map(|(_, c)| c));
        let Some(Ok(bytes)) = largest.map(|content| content.bytes().map(|b| b.into_owned())) else {
            let error = PdfError::ImageGone(source.clone());
            diagnostics.push(Diagnostic::new(source, Position::UNKNOWN, &error));
            continue;
        };
        if let Some(id) = file_id(path) {
            binaries.push((id, bytes));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let at_theme = |e: PdfError| Diagnostics::from(Diagnostic::new("pdf", Position::UNKNOWN, &e));
    let main_source = theme
        .pdf_templates
        .get(MAIN_TEMPLATE)
        .ok_or_else(|| at_theme(PdfError::NoTemplate))?;
    let id = |path: &str| file_id(path).ok_or_else(|| at_theme(PdfError::BadPath(path.into())));
    let data_id = id(data::DATA_PATH)?;
    let mut files = vec![(data_id, module.text)];
    let mut origins = vec![(
        data_id,
        PathBuf::from(format!("<generated>{}", data::DATA_PATH)),
    )];
    for (name, source) in &theme.pdf_templates {
        let file = id(&format!("/pdf/{name}"))?;
        files.push((file, source.text.clone()));
        origins.push((file, source.origin.display_path()));
    }
    let main = id(&format!("/pdf/{MAIN_TEMPLATE}"))?;
    Ok(Prepared {
        world: ReportWorld::new(main, files, binaries, today),
        bodies: module.bodies,
        data_id,
        origins,
        main_origin: main_source.origin.clone(),
        title: match scope {
            Scope::Whole => harvest.config.title.clone(),
            Scope::Part { title, .. } => format!("{} – {title}", harvest.config.title),
        },
        today,
        part: matches!(scope, Scope::Part { .. }),
    })
}

impl Prepared {
    /// Lays the report out and exports it as PDF/UA-1; an error in a template is reported
    /// at its file and line, a report that cannot meet PDF/UA-1 is not made.
    pub fn make(self) -> Result<Report, Diagnostics> {
        let started = std::time::Instant::now();
        let located = |d: &SourceDiagnostic, error: PdfError| self.locate(d, error);
        let compiled = typst::compile::<PagedDocument>(&self.world).output;
        let document = compiled.map_err(|errors| {
            collect(
                errors
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| located(d, PdfError::Template(message(d)))),
            )
        })?;
        let standards = PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| {
            Diagnostics::from(self.locate_nothing(PdfError::NotAccessible(e.message().to_string())))
        })?;
        let options = PdfOptions {
            ident: Smart::Custom(self.title.clone()),
            creator: Smart::Custom(Some("oogst".into())),
            timestamp: self.today.map(Timestamp::new_utc),
            standards,
            tagged: true,
            ..PdfOptions::default()
        };
        let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| {
            collect(
                errors
                    .iter()
                    .map(|d| located(d, PdfError::NotAccessible(message(d)))),
            )
        })?;
        // Typst keeps what it laid out for the next run, which a preview server's next
        // report of the same harvest reuses. The parts of an edition share little, and each
        // holds as much as the report of a smaller harvest: kept, they would add up.
        typst::comemo::evict(if self.part { 0 } else { 10 });
        Ok(Report {
            bytes,
            elapsed: started.elapsed(),
        })
    }

    /// The diagnostic at the file and line of the template it points into.
    fn locate(&self, d: &SourceDiagnostic, error: PdfError) -> Diagnostic {
        let place = d.span.id().and_then(|id| {
            let range = self.world.range(d.span)?;
            // A problem in a body is the writer's: told at the content file.
            if id == self.data_id
                && let Some((_, source)) =
                    self.bodies.iter().find(|(r, _)| r.contains(&range.start))
            {
                return Some((source.clone(), Position::UNKNOWN));
            }
            let path = self.origins.iter().find(|(o, _)| *o == id)?.1.clone();
            let source = self.world.source(id).ok()?;
            let (line, col) = source.lines().byte_to_line_column(range.start)?;
            Some((path, Position::new(line + 1, col + 1)))
        });
        match place {
            Some((path, position)) => Diagnostic::new(path, position, &error),
            None => self.locate_nothing(error),
        }
    }

    fn locate_nothing(&self, error: PdfError) -> Diagnostic {
        Diagnostic::new(self.main_origin.display_path(), Position::UNKNOWN, &error)
    }
}

fn collect(list: impl IntoIterator<Item = Diagnostic>) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for d in list {
        diagnostics.push(d);
    }
    diagnostics
}

/// A Typst diagnostic's message with its hints.
fn message(d: &SourceDiagnostic) -> String {
    let mut text = d.message.to_string();
    for hint in &d.hints {
        text.push_str(&format!(" (hint: {})", hint.v));
    }
    text
}

/// Today's date (UTC), or the one `SOURCE_DATE_EPOCH` gives, for builds that must repeat.
fn today() -> Option<Datetime> {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let date = crate::content::dates::day_of(seconds);
    Datetime::from_ymd(i32::from(date.year), date.month, date.day)
}

/// `30 november 2026`, with the month names of the theme's UI strings.
fn written_date(
    date: Option<Datetime>,
    strings: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let Some(date) = date else {
        return String::new();
    };
    let (Some(year), Some(month), Some(day)) = (date.year(), date.month(), date.day()) else {
        return String::new();
    };
    let name = strings
        .get("months")
        .and_then(|m| m.get(usize::from(month).saturating_sub(1)))
        .and_then(|m| m.as_str())
        .map_or_else(|| month.to_string(), str::to_string);
    format!("{day} {name} {year}")
}
