//! Headings named: each gets an id (its own `{#id}`, or a slug of its text, made unique)
//! and the link beside it; the headings in order, for the table of contents, and the text
//! of the first paragraph, for a summary.

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::{Heading, escape};
use crate::content::slug::slugify;

/// Gives every heading an id (its own `{#id}`, or a slug of its text, made unique),
/// and keeps the headings in order and the text of the first paragraph.
pub(super) struct NamedHeadings<'a, I> {
    events: I,
    /// A heading, held until its text is known.
    held: VecDeque<Event<'a>>,
    headings: Vec<Heading>,
    used: HashSet<String>,
    next: HashMap<String, usize>,
    lead: String,
    lead_state: Lead,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lead {
    Before,
    Inside,
    Done,
}

impl<'a, I: Iterator<Item = Event<'a>>> NamedHeadings<'a, I> {
    pub(super) fn new(events: I) -> Self {
        NamedHeadings {
            events,
            held: VecDeque::new(),
            headings: Vec::new(),
            used: HashSet::new(),
            next: HashMap::new(),
            lead: String::new(),
            lead_state: Lead::Before,
        }
    }

    /// The headings in order, and the text of the first paragraph.
    pub(super) fn finish(self) -> (Vec<Heading>, String) {
        (self.headings, self.lead)
    }

    /// Reads a heading that starts with `start` to its end, and names it.
    fn hold_heading(&mut self, start: Event<'a>) {
        let mut title = String::new();
        for e in self.events.by_ref() {
            let done = matches!(e, Event::End(TagEnd::Heading(_)));
            if let Event::Text(t) | Event::Code(t) = &e {
                title.push_str(t);
            }
            self.held.push_back(e);
            if done {
                break;
            }
        }
        let mut start = start;
        let mut anchor = None;
        if let Event::Start(Tag::Heading { level, id, .. }) = &mut start {
            let explicit = id.as_ref().map(|s| s.to_string());
            let base = explicit.unwrap_or_else(|| match slugify(&title) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            });
            let name = unique(&mut self.used, &mut self.next, base);
            *id = Some(name.clone().into());
            anchor = Some(heading_anchor(&name));
            title.shrink_to_fit();
            self.headings.push(Heading {
                level: heading_number(*level),
                id: name,
                title,
            });
        }
        self.held.push_front(start);
        if let Some(anchor) = anchor {
            self.held
                .push_front(Event::Html("<div class=\"heading\">".into()));
            self.held.push_back(Event::Html(anchor.into()));
        }
    }

    /// The first paragraph's text, as it passes.
    fn note_lead(&mut self, event: &Event<'a>) {
        match (self.lead_state, event) {
            (Lead::Before, Event::Start(Tag::Paragraph)) => self.lead_state = Lead::Inside,
            (Lead::Inside, Event::End(TagEnd::Paragraph)) => self.lead_state = Lead::Done,
            (Lead::Inside, Event::Text(t) | Event::Code(t)) => self.lead.push_str(t),
            (Lead::Inside, Event::SoftBreak | Event::HardBreak) => self.lead.push(' '),
            _ => {}
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for NamedHeadings<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let event = match self.held.pop_front() {
            Some(event) => event,
            None => match self.events.next()? {
                start @ Event::Start(Tag::Heading { .. }) => {
                    self.hold_heading(start);
                    self.held.pop_front()?
                }
                event => event,
            },
        };
        self.note_lead(&event);
        Some(event)
    }
}

/// The link beside a heading (the theme shows it on hover and focus), named by the heading
/// itself; it closes the `<div class="heading">` that holds both.
fn heading_anchor(id: &str) -> String {
    let id = escape(id);
    format!("<a class=\"heading-anchor\" href=\"#{id}\" aria-labelledby=\"{id}\">#</a></div>\n")
}

/// `base`, or `base-1`, `base-2` ... whichever is free first. `next` remembers where to go
/// on for each base, so many equal headings take linear time.
fn unique(used: &mut HashSet<String>, next: &mut HashMap<String, usize>, base: String) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    let n = next.entry(base.clone()).or_insert(1);
    loop {
        let candidate = format!("{base}-{n}");
        *n += 1;
        if used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
