//! Markdown to HTML: heading ids and a table of contents, footnote ids, links rewritten.

mod figures;
mod headings;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

pub use super::broken_link::BrokenLink;
use super::slug::slugify;
use super::spool::{Spool, Spooled};
use crate::diagnostics::{Position, Positions};
use figures::Figures;
pub use figures::{DECORATIVE, DESCRIPTION_LENGTH, Figure, FigureProblem};
use headings::NamedHeadings;

/// A heading of a page, for its table of contents and for `#anchor` links to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What the link stage says about a link destination written in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Not ours to check (external URLs, `#anchors`, `mailto:` ...): keep as written.
    Keep,
    /// Rewrite to this URL.
    Url(String),
    /// A link to content or a file that does not exist, and why.
    Broken(BrokenLink),
    /// An image, processed: shown with its sizes; a link to it leads to its largest size.
    Image(Figure),
    /// An image file that cannot be published; the message names it.
    Unusable {
        message: String,
        hint: Option<String>,
    },
}

/// A link found in a body whose target page must have the given anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    /// The content path of the target page (`conclusions/01-x.md`).
    pub target: String,
    pub anchor: String,
    pub position: Position,
}

/// A body rendered to HTML, with what the later stages need to know about it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML, unless it is [`Rendered::spooled`]: read it with [`Rendered::html_text`].
    pub html: String,
    /// Where the HTML is kept instead, in a one-time build (see [`super::spool`]).
    pub spooled: Option<Spooled>,
    pub headings: Vec<Heading>,
    /// The text of the first paragraph, as a fallback summary.
    pub lead: String,
    pub anchor_links: Vec<AnchorLink>,
    /// Links whose destination does not exist, with their position and the reason.
    pub broken_links: Vec<(Position, BrokenLink)>,
    /// The processed images the body shows or links to.
    pub figures: Vec<Figure>,
    /// Images without a description, with one too long, or whose file cannot be published.
    pub figure_problems: Vec<(Position, FigureProblem)>,
    /// A hash of everything this rendering came from: equal keys, equal HTML.
    pub source_key: u64,
}

impl Rendered {
    /// The body's HTML, read back from the spool if it is kept there.
    pub fn html_text(&self) -> Cow<'_, str> {
        match &self.spooled {
            Some(spooled) => Cow::Owned(spooled.read()),
            None => Cow::Borrowed(&self.html),
        }
    }

    /// The length of the body's HTML in bytes, wherever it is kept.
    pub fn html_len(&self) -> usize {
        self.spooled.as_ref().map_or(self.html.len(), Spooled::len)
    }

    /// Keeps the HTML for the rest of the build: in `spool` where there is one, it has no
    /// room left in memory for it, and it can be written there; else in memory, without
    /// spare capacity.
    pub fn keep(&mut self, spool: Option<&Arc<Spool>>) {
        let spool = spool.filter(|spool| !spool.leaves_in_memory(self.html.len()));
        match spool.and_then(|spool| spool.write(&self.html)) {
            Some(spooled) => {
                self.html = String::new();
                self.spooled = Some(spooled);
            }
            None => self.html.shrink_to_fit(),
        }
    }
}

/// The Markdown extensions oogst reads bodies with.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The file and anchor of an `@/` link: `@/conclusions/x.md#kop` is `conclusions/x.md`
/// with `Some("kop")`. `None` for any other destination.
pub fn content_link(dest: &str) -> Option<(&str, Option<&str>)> {
    let target = dest.strip_prefix("@/")?;
    Some(match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    })
}

/// Renders a Markdown `body` that starts on line `body_line` of its file.
///
/// `resolve` decides what each link and image destination becomes; `@/` links with a
/// `#fragment` are returned in [`Rendered::anchor_links`] for checking once all pages are known.
/// With `safe`, raw HTML is left out and links to scripts are emptied.
pub fn render(
    body: &str,
    body_line: usize,
    resolve: &dyn Fn(&str) -> Destination,
    safe: bool,
) -> Rendered {
    let positions = Positions::new(body);
    let position = |offset: usize| positions.of(offset).below(body_line.saturating_sub(1));

    // Events stream from the parser into the HTML writer; only a heading or a table head is
    // held at a time, so a large body needs little more memory than its HTML.
    let mut links = Rendered::default();
    let events = Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(mut event, range)| {
            if let Event::Start(Tag::Link { dest_url, .. }) = &mut event {
                let written = std::mem::replace(dest_url, CowStr::Borrowed(""));
                *dest_url = destination(written, position(range.start), resolve, &mut links, safe);
            }
            let event = match event {
                Event::Html(_) | Event::InlineHtml(_) if safe => return None,
                Event::FootnoteReference(label) => {
                    Event::FootnoteReference(footnote_id(&label).into())
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    Event::Start(Tag::FootnoteDefinition(footnote_id(&label).into()))
                }
                other => other,
            };
            Some((event, range))
        });

    let at = |offset: usize| position(offset);
    let mut figures = Figures::new(events, &at, resolve, safe);
    let mut named = NamedHeadings::new(&mut figures);
    let mut accessible = AccessibleTablesAndTasks::new(&mut named);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html, &mut accessible);
    let has_tables = accessible.has_tables;
    let (mut headings, mut lead) = named.finish();
    let (shown, problems, broken) = figures.finish();
    tidy_html(&mut html, has_tables);
    links.figures.extend(shown);
    links.figure_problems = problems;
    links.broken_links.extend(broken);
    // Bodies are kept for the whole build: no spare capacity (the HTML's is taken as it is
    // kept, see `Rendered::keep`).
    headings.shrink_to_fit();
    lead.shrink_to_fit();
    links.anchor_links.shrink_to_fit();
    links.figures.shrink_to_fit();
    Rendered {
        html,
        headings,
        lead,
        ..links
    }
}

/// Wraps each table in a box that scrolls on narrow screens and can be reached and named
/// by keyboard and screen reader; turns task-list markers into labelled checkboxes.
struct AccessibleTablesAndTasks<'a, I> {
    events: I,
    /// Events read ahead (a table's head, for its name), not yet passed on.
    ahead: VecDeque<Event<'a>>,
    out: VecDeque<Event<'a>>,
    open_label: bool,
    has_tables: bool,
}

impl<'a, I: Iterator<Item = Event<'a>>> AccessibleTablesAndTasks<'a, I> {
    fn new(events: I) -> Self {
        AccessibleTablesAndTasks {
            events,
            ahead: VecDeque::new(),
            out: VecDeque::new(),
            open_label: false,
            has_tables: false,
        }
    }

    /// Takes in the next event; gives it back when it passes unchanged (and nothing waits).
    fn take(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::Table(_)) => {
                self.has_tables = true;
                for e in self.events.by_ref() {
                    let head_done = matches!(e, Event::End(TagEnd::TableHead));
                    self.ahead.push_back(e);
                    if head_done {
                        break;
                    }
                }
                let mut name = String::new();
                for e in &self.ahead {
                    match e {
                        Event::Text(t) | Event::Code(t) => name.push_str(t),
                        Event::End(TagEnd::TableCell) => name.push_str(" | "),
                        _ => {}
                    }
                }
                let name = escape(name.trim_end_matches(" | "));
                self.out.push_back(Event::Html(
                    format!(
                        "<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"{name}\">"
                    )
                    .into(),
                ));
                self.out.push_back(event);
            }
            Event::End(TagEnd::Table) => {
                self.out.push_back(event);
                self.out.push_back(Event::Html("</section>".into()));
            }
            Event::TaskListMarker(done) => {
                let checked = if done { " checked" } else { "" };
                self.out.push_back(Event::Html(
                    format!("<label class=\"task\"><input type=\"checkbox\" disabled{checked}> ")
                        .into(),
                ));
                self.open_label = true;
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) | Event::Start(Tag::List(_))
                if self.open_label =>
            {
                self.out.push_back(Event::Html("</label>".into()));
                self.open_label = false;
                self.out.push_back(event);
            }
            other => return Some(other),
        }
        None
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for AccessibleTablesAndTasks<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            let event = match self.ahead.pop_front() {
                Some(event) => event,
                None => self.events.next()?,
            };
            if let Some(event) = self.take(event) {
                return Some(event);
            }
        }
    }
}

/// Markup pulldown-cmark writes that validators and strict pages object to: inline styles
/// for table alignment become classes, void elements lose their closing slash.
fn tidy_html(html: &mut String, has_tables: bool) {
    if has_tables && html.contains(" style=\"text-align: ") {
        for side in ["left", "center", "right"] {
            *html = html.replace(
                &format!(" style=\"text-align: {side}\""),
                &format!(" class=\"align-{side}\""),
            );
        }
    }
    if html.contains(" />") {
        *html = html.replace(" />", ">");
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What a link or image destination becomes: rewritten by `resolve`, emptied when it runs
/// a script in safe mode, else as written.
fn destination<'a>(
    dest: CowStr<'a>,
    position: Position,
    resolve: &dyn Fn(&str) -> Destination,
    links: &mut Rendered,
    safe: bool,
) -> CowStr<'a> {
    match rewrite(&dest, position, resolve, links) {
        Some(rewritten) => rewritten,
        None if safe && is_script(&dest) => "".into(),
        None => dest,
    }
}

fn rewrite<'a>(
    dest: &str,
    position: Position,
    resolve: &dyn Fn(&str) -> Destination,
    links: &mut Rendered,
) -> Option<CowStr<'a>> {
    match resolve(dest) {
        Destination::Keep => None,
        Destination::Url(url) => {
            // An empty `#` is the top of the page.
            if let Some((target, Some(anchor))) = content_link(dest)
                && !anchor.is_empty()
            {
                links.anchor_links.push(AnchorLink {
                    target: target.to_string(),
                    anchor: anchor.to_string(),
                    position,
                });
            }
            Some(url.into())
        }
        Destination::Broken(reason) => {
            links.broken_links.push((position, reason));
            None
        }
        Destination::Image(figure) => {
            let src = figure.src.clone();
            links.figures.push(figure);
            Some(src.into())
        }
        Destination::Unusable { message, hint } => {
            let problem = FigureProblem::Unusable { message, hint };
            links.figure_problems.push((position, problem));
            None
        }
    }
}

/// A destination that runs code when followed.
fn is_script(dest: &str) -> bool {
    // Browsers ignore whitespace and control characters inside a scheme.
    let scheme: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

fn footnote_id(label: &str) -> String {
    format!("fn-{}", slugify(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(_: &str) -> Destination {
        Destination::Keep
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = render(
            "# Één\n\n## Aanpak\n\n## Aanpak\n\n### Eigen {#mijn}\n",
            1,
            &keep,
            false,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["een", "aanpak", "aanpak-1", "mijn"]);
        assert!(
            r.html.contains("<h2 id=\"aanpak-1\">Aanpak</h2>"),
            "{}",
            r.html
        );
        assert_eq!(r.headings[3].title, "Eigen");
    }

    #[test]
    fn links_are_rewritten_and_broken_ones_reported_with_their_line() {
        let resolve = |d: &str| match d {
            "@/conclusions/01-a.md#x" => Destination::Url("/conclusies/a/#x".into()),
            "@/missing.md" => Destination::Broken(BrokenLink::Draft("@/missing.md".into())),
            _ => Destination::Keep,
        };
        let r = render(
            "Intro\n\nSee [a](@/conclusions/01-a.md#x) and\n[b](@/missing.md).\n",
            10,
            &resolve,
            false,
        );
        assert!(r.html.contains("href=\"/conclusies/a/#x\""), "{}", r.html);
        assert_eq!(r.anchor_links[0].anchor, "x");
        assert_eq!(r.anchor_links[0].position, Position::new(12, 5));
        assert_eq!(
            r.broken_links,
            [(
                Position::new(13, 1),
                BrokenLink::Draft("@/missing.md".into())
            )]
        );
    }

    #[test]
    fn tables_scroll_in_a_named_box_and_tasks_are_labelled() {
        let r = render(
            "| Naam | Aantal |\n|:--|--:|\n| a | 1 |\n\n- [x] klaar\n- [ ] open\n\nregel  \nbreuk\n",
            1,
            &keep,
            false,
        );
        assert!(r.html.contains("<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"Naam | Aantal\"><table>"), "{}", r.html);
        assert!(
            r.html.contains("</table>\n</section>") || r.html.contains("</table></section>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<th class=\"align-left\">Naam</th>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(r.html.contains("<li><label class=\"task\"><input type=\"checkbox\" disabled checked> klaar</label></li>"), "{}", r.html);
        assert!(r.html.contains("<br>"), "{}", r.html);
        assert!(!r.html.contains(" />"), "{}", r.html);
    }

    #[test]
    fn safe_mode_leaves_out_raw_html_and_script_links() {
        let body = "<script>alert(1)</script>\n\nTekst <b>vet</b> [klik](javascript:alert(1)) [ok](https://example.org).\n";
        let trusted = render(body, 1, &keep, false);
        assert!(trusted.html.contains("<script>") && trusted.html.contains("<b>"));
        let safe = render(body, 1, &keep, true);
        assert!(
            !safe.html.contains("<script") && !safe.html.contains("<b>"),
            "{}",
            safe.html
        );
        assert!(!safe.html.contains("javascript:"), "{}", safe.html);
        assert!(
            safe.html.contains("href=\"https://example.org\""),
            "{}",
            safe.html
        );
        assert!(
            is_script(" JavaScript:x") && is_script("java\tscript:x") && !is_script("https://x")
        );
    }

    #[test]
    fn footnotes_and_tables_render() {
        let r = render(
            "Tekst[^1].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Noot.\n",
            1,
            &keep,
            false,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("href=\"#fn-1\""), "{}", r.html);
        assert!(r.html.contains("id=\"fn-1\""));
        assert_eq!(r.lead, "Tekst.");
    }
}
