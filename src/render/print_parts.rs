//! The print edition in parts: a harvest of more than `print.max_items` items gets its print
//! edition as an index page (`printversie/`, with the harvest's introduction and the list of
//! parts) and one page per part (`printversie/conclusies-2/`), each with its own table of
//! contents and links to the previous and next part and to the index. A section that fits
//! is one part; a larger one is cut into parts by theme: its items grouped by their first
//! theme (a recommendation without one by that of its first conclusion), in the themes'
//! reading order, groups packed into parts of at most `max_items` (a larger group cut).
//! Every item is in exactly one part.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Renderer;
use super::context::{Link, Views};
use super::print::{PrintPart, print_anchor};
use super::runner::{self, RunError};
use super::template_error::{TemplateError, locate, too_long};
use crate::content::Section;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{Harvest, ItemId};
use crate::output::{Content, Counter, OutputError};
use crate::routes::{PrintShelf, file_of};

/// The preview server's files beside the pages, shared by the parts that render into it.
pub type KeptFiles<'a> = std::sync::Mutex<&'a mut BTreeMap<String, Arc<Vec<u8>>>>;

/// One part of a print edition in parts.
#[derive(Debug, Clone)]
pub struct PartPlan {
    pub shelf: PrintShelf,
    /// Its page's site-relative path.
    pub path: String,
    pub title: String,
    /// Whether the section's introduction opens it (the first part of a section).
    pub opens_section: bool,
    pub items: Vec<ItemId>,
}

/// The parts of the print edition, in reading order; `None` when it fits one page.
pub fn plan(views: &Views<'_>) -> Option<Vec<PartPlan>> {
    let h = views.harvest;
    let max = h.config.print.max_items.max(1);
    let total: usize = Section::ALL
        .iter()
        .map(|&s| h.section(s).len())
        .sum::<usize>()
        + h.pages.len();
    if total <= max {
        return None;
    }
    // (shelf, title suffix, items) of each part, numbered per shelf afterwards.
    let mut parts: Vec<(PrintShelf, Option<String>, Vec<ItemId>)> = Vec::new();
    for section in Section::ALL {
        let items = h.section(section);
        if items.is_empty() {
            continue;
        }
        let shelf = PrintShelf::Section(section);
        if items.len() <= max {
            parts.push((shelf, None, items.to_vec()));
        } else if section == Section::Themes {
            parts.extend(items.chunks(max).map(|c| (shelf, None, c.to_vec())));
        } else {
            for (themes, items) in by_theme(h, items, max) {
                parts.push((shelf, themes, items));
            }
        }
    }
    parts.extend(
        h.pages
            .chunks(max)
            .map(|c| (PrintShelf::Pages, None, c.to_vec())),
    );
    let mut of: FxHashMap<String, usize> = FxHashMap::default();
    let key = |shelf: PrintShelf| format!("{shelf:?}");
    for (shelf, _, _) in &parts {
        *of.entry(key(*shelf)).or_default() += 1;
    }
    let mut numbers: FxHashMap<String, usize> = FxHashMap::default();
    let plans = parts
        .into_iter()
        .map(|(shelf, themes, items)| {
            let number = numbers.entry(key(shelf)).or_default();
            *number += 1;
            let count = of[&key(shelf)];
            let name = match shelf {
                PrintShelf::Section(section) => views.section_title(section),
                PrintShelf::Pages => views.text("pages"),
            };
            let mut title = match count {
                1 => name,
                _ => format!(
                    "{name} ({})",
                    views
                        .text("print_part_of")
                        .replace("{n}", &number.to_string())
                        .replace("{total}", &count.to_string())
                ),
            };
            if let Some(themes) = themes {
                title = format!("{title}: {themes}");
            }
            PartPlan {
                path: h.routes.print_part(shelf, *number, count),
                opens_section: *number == 1 && matches!(shelf, PrintShelf::Section(_)),
                shelf,
                title,
                items,
            }
        })
        .collect();
    Some(plans)
}

/// The items of a section grouped by theme and packed into parts of at most `max`, each
/// with the themes it covers (`Leren – Netwerk`).
fn by_theme(h: &Harvest, items: &[ItemId], max: usize) -> Vec<(Option<String>, Vec<ItemId>)> {
    let theme_order: FxHashMap<ItemId, usize> = h
        .section(Section::Themes)
        .iter()
        .enumerate()
        .map(|(at, &id)| (id, at))
        .collect();
    let theme_of = |id: ItemId| {
        let r = &h.relations[id];
        r.themes.first().copied().or_else(|| {
            let conclusion = r.conclusions.first()?;
            h.relations[*conclusion].themes.first().copied()
        })
    };
    // Theme (in reading order; none last) → its items, in reading order.
    let mut groups: BTreeMap<(usize, ItemId), Vec<ItemId>> = BTreeMap::new();
    for &id in items {
        let key = match theme_of(id) {
            Some(theme) => (
                theme_order.get(&theme).copied().unwrap_or(usize::MAX - 1),
                theme,
            ),
            None => (usize::MAX, 0),
        };
        groups.entry(key).or_default().push(id);
    }
    let name = |key: &(usize, ItemId)| (key.0 != usize::MAX).then(|| h.items[key.1].title.clone());
    let mut parts = Vec::new();
    let mut current: (Vec<String>, Vec<ItemId>) = (Vec::new(), Vec::new());
    let span = |names: &[String]| match names {
        [] => None,
        [one] => Some(one.clone()),
        [first, .., last] => Some(format!("{first} – {last}")),
    };
    for (key, group) in groups {
        if !current.1.is_empty() && current.1.len() + group.len() > max {
            let (names, items) = std::mem::take(&mut current);
            parts.push((span(&names), items));
        }
        if group.len() > max {
            for piece in group.chunks(max) {
                parts.push((name(&key), piece.to_vec()));
            }
            continue;
        }
        current.0.extend(name(&key));
        current.1.extend(group);
    }
    if !current.1.is_empty() {
        parts.push((span(&current.0), current.1));
    }
    parts
}

/// Where each item of an edition in parts is: the link to its part's page, by item.
pub struct Places(FxHashMap<ItemId, Arc<str>>);

impl Places {
    pub fn of(views: &Views<'_>, plan: &[PartPlan]) -> Places {
        let urls = &views.harvest.routes.urls;
        let mut places = FxHashMap::default();
        for part in plan {
            let link: Arc<str> = urls.link(&part.path).into();
            for &id in &part.items {
                places.insert(id, link.clone());
            }
        }
        Places(places)
    }

    /// The link to `id` in the print edition: `/printversie/conclusies-2/#conclusions-3`.
    pub fn href(&self, id: ItemId, anchor: &str) -> String {
        match self.0.get(&id) {
            Some(page) => format!("{page}#{anchor}"),
            None => format!("#{anchor}"),
        }
    }
}

/// What a part's page shows besides its part: the links between the parts.
#[derive(Debug, Serialize)]
struct EditionNav {
    /// The index of the parts.
    index: Link,
    previous: Option<Link>,
    next: Option<Link>,
    number: usize,
    total: usize,
}

impl Views<'_> {
    /// The index of an edition in parts: the introduction, then a link to each part.
    pub(super) fn print_index(
        &self,
        plan: &[PartPlan],
        intro: Option<PrintPart>,
    ) -> Vec<PrintPart> {
        let urls = &self.harvest.routes.urls;
        let links = plan.iter().map(|part| PrintPart {
            id: print_anchor_of_path(&part.path),
            title: part.title.clone(),
            has_content: false,
            items: Vec::new(),
            url: Some(urls.link(&part.path)),
            count: Some(part.items.len()),
            lang: None,
        });
        intro.into_iter().chain(links).collect()
    }
}

/// The id of a part in the index: the last folder of its path (`conclusies-2`).
fn print_anchor_of_path(path: &str) -> String {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path).to_string()
}

impl Renderer {
    /// Renders every part of an edition in parts into `output`; with `published` (the
    /// preview server's), each part is also kept there. Nothing when the edition is one page.
    pub(super) fn render_print_parts(
        &self,
        views: &Views<'_>,
        output: &Counter<'_>,
        published: Option<&KeptFiles<'_>>,
    ) -> Diagnostics {
        let Some(plan) = plan(views) else {
            return Diagnostics::new();
        };
        // Every body of the edition, for `print_body`, whichever page renders first.
        *self
            .print_edition
            .write()
            .unwrap_or_else(|e| e.into_inner()) = views.print_edition();
        let places = Places::of(views, &plan);
        let failures: Vec<Diagnostic> = (0..plan.len())
            .into_par_iter()
            .filter_map(|n| {
                self.render_print_part(views, &plan, n, &places, output, published)
                    .err()
            })
            .collect();
        let mut diagnostics = Diagnostics::new();
        // One failing template fails every part alike: told once.
        if let Some(first) = failures.into_iter().next() {
            diagnostics.push(first);
        }
        diagnostics
    }

    fn render_print_part(
        &self,
        views: &Views<'_>,
        plan: &[PartPlan],
        n: usize,
        places: &Places,
        output: &Counter<'_>,
        published: Option<&KeptFiles<'_>>,
    ) -> Result<(), Diagnostic> {
        const TEMPLATE: &str = "print.html";
        let h = views.harvest;
        let part = &plan[n];
        let link = |part: &PartPlan| Link {
            title: part.title.clone(),
            url: h.routes.urls.link(&part.path),
            lang: None,
        };
        let nav = EditionNav {
            index: Link {
                title: views.text("print_parts"),
                url: h
                    .routes
                    .urls
                    .link(&h.routes.generated(crate::routes::Generated::PrintEdition)),
                lang: None,
            },
            previous: n.checked_sub(1).map(|p| link(&plan[p])),
            next: plan.get(n + 1).map(link),
            number: n + 1,
            total: plan.len(),
        };
        let mut page = views.bare_page("print", &part.title, &part.path);
        page.breadcrumbs.push(nav.index.clone());
        let mut context = tera::Context::new();
        context.insert("parts", &[views.print_part_view(part, places)]);
        context.insert("edition", &nav);
        context.insert("page", &page);
        context.insert("template", TEMPLATE);
        // The switch leads to the whole edition in the other languages.
        let languages = super::languages::links(views, &super::jobs::Job::PRINT);
        context.insert("languages", &languages);
        let file = file_of(&part.path);
        let failed = |error: RunError| match error {
            RunError::Template(error) => locate(
                &error,
                &self.templates,
                Some(TEMPLATE),
                |template, message| TemplateError::Render { template, message },
            ),
            RunError::TooLong(limit) => too_long(TEMPLATE, &self.templates, limit),
            RunError::Output(e) => unwritable(OutputError::io(std::path::Path::new(&file), e)),
        };
        match published {
            Some(published) => {
                let mut bytes = Vec::new();
                runner::run(&self.tera, TEMPLATE, context, self.limit, false, &mut bytes)
                    .map_err(failed)?;
                let shared = Arc::new(bytes);
                published
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(file.clone(), shared.clone());
                output
                    .put(file, Content::Shared(shared))
                    .map_err(unwritable)
            }
            None => {
                let mut writer = output.open(&file).map_err(unwritable)?;
                runner::run(&self.tera, TEMPLATE, context, self.limit, true, &mut writer)
                    .map_err(failed)?;
                writer
                    .flush()
                    .map_err(|e| unwritable(OutputError::io(std::path::Path::new(&file), e)))
            }
        }
    }
}

fn unwritable(e: OutputError) -> Diagnostic {
    Diagnostic::new(e.path().to_path_buf(), Position::UNKNOWN, &e)
}

/// The anchor of `id` in the print edition, with the link to it from any part.
pub(super) fn place(places: Option<&Places>, h: &Harvest, id: ItemId) -> (String, String) {
    let anchor = print_anchor(&h.items[id]);
    let href = match places {
        Some(places) => places.href(id, &anchor),
        None => format!("#{anchor}"),
    };
    (anchor, href)
}
