//! Images in a body: `![description](photo.jpg "caption")` becomes an `<img>` with its
//! sizes, or a `<figure>` with a `<figcaption>` when it has a caption and a paragraph of
//! its own. Every image must be described; `![-](file)` marks one that only decorates.

use std::collections::VecDeque;
use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::super::broken_link::BrokenLink;
use super::{Destination, escape};
use crate::diagnostics::Position;

/// The description that marks an image as decoration: it gets `alt=""`.
pub const DECORATIVE: &str = "-";

/// Descriptions longer than this many characters are a warning.
pub const DESCRIPTION_LENGTH: usize = 250;

/// An image as the link stage resolved it: what its `<img>` needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figure {
    /// The largest rendition.
    pub src: String,
    /// Every rendition with its width; empty when there is one.
    pub srcset: String,
    pub sizes: &'static str,
    /// The smallest rendition, for a card in a list.
    pub small: String,
    /// The site-relative path of the largest, for an absolute URL to share.
    pub path: String,
    /// Of the largest rendition, upright; 0 when unknown (an SVG without a size).
    pub width: u32,
    pub height: u32,
    /// The file it is made from.
    pub source: PathBuf,
    /// The destination as the body writes it (`flip-over.jpg`), when a body shows it.
    pub written: String,
    /// A hash of the file's bytes and the processing: a body showing it is up to date while
    /// this is unchanged.
    pub key: u128,
}

/// What is wrong with an image in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureProblem {
    /// No description (the destination as written).
    Undescribed(String),
    /// A description of this many characters.
    LongDescription(String, usize),
    /// The file cannot be published; the message names it.
    Unusable {
        message: String,
        hint: Option<String>,
    },
}

/// Turns image events into markup; the events come with their byte ranges in the body.
pub(super) struct Figures<'a, 'r, I> {
    events: I,
    ahead: VecDeque<(Event<'a>, Range<usize>)>,
    out: VecDeque<Event<'a>>,
    position: &'r dyn Fn(usize) -> Position,
    resolve: &'r dyn Fn(&str) -> Destination,
    safe: bool,
    /// Images so far: all but the first load when they come into view.
    shown: usize,
    found: Vec<Figure>,
    problems: Vec<(Position, FigureProblem)>,
    broken: Vec<(Position, BrokenLink)>,
}

/// What the images of a body came to: the figures shown, their problems, broken paths.
pub(super) type FiguresFound = (
    Vec<Figure>,
    Vec<(Position, FigureProblem)>,
    Vec<(Position, BrokenLink)>,
);

impl<'a, 'r, I: Iterator<Item = (Event<'a>, Range<usize>)>> Figures<'a, 'r, I> {
    pub(super) fn new(
        events: I,
        position: &'r dyn Fn(usize) -> Position,
        resolve: &'r dyn Fn(&str) -> Destination,
        safe: bool,
    ) -> Self {
        Figures {
            events,
            ahead: VecDeque::new(),
            out: VecDeque::new(),
            position,
            resolve,
            safe,
            shown: 0,
            found: Vec::new(),
            problems: Vec::new(),
            broken: Vec::new(),
        }
    }

    pub(super) fn finish(self) -> FiguresFound {
        (self.found, self.problems, self.broken)
    }

    fn pull(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        self.ahead.pop_front().or_else(|| self.events.next())
    }

    /// Takes in the next event; gives it back when it passes unchanged (and nothing waits).
    fn take(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::Paragraph) => {
                let Some((next, next_range)) = self.pull() else {
                    return Some(event);
                };
                let Event::Start(image @ Tag::Image { .. }) = next else {
                    self.ahead.push_front((next, next_range));
                    return Some(event);
                };
                let (img, caption) = self.image(image, next_range.start);
                match self.pull() {
                    // Alone in its paragraph: a block of its own.
                    Some((Event::End(TagEnd::Paragraph), _)) => {
                        let markup = match caption {
                            Some(caption) => format!(
                                "<figure>{img}<figcaption>{}</figcaption></figure>\n",
                                escape(&caption)
                            ),
                            None => format!("<p>{img}</p>\n"),
                        };
                        self.out.push_back(Event::Html(markup.into()));
                    }
                    rest => {
                        self.ahead.extend(rest);
                        self.out.push_back(event);
                        self.out.push_back(Event::InlineHtml(img.into()));
                    }
                }
            }
            Event::Start(image @ Tag::Image { .. }) => {
                let (img, _) = self.image(image, range.start);
                self.out.push_back(Event::InlineHtml(img.into()));
            }
            other => return Some(other),
        }
        None
    }

    /// Reads an image to its end; its `<img>` and its caption.
    fn image(&mut self, image: Tag<'a>, offset: usize) -> (String, Option<String>) {
        let Tag::Image {
            dest_url, title, ..
        } = image
        else {
            return (String::new(), None);
        };
        let mut description = String::new();
        while let Some((event, _)) = self.pull() {
            match event {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => description.push_str(&t),
                Event::SoftBreak | Event::HardBreak => description.push(' '),
                _ => {}
            }
        }
        let position = (self.position)(offset);
        let description = description.trim();
        let dest = dest_url.to_string();
        let alt = match description {
            "" => {
                self.problems
                    .push((position, FigureProblem::Undescribed(dest.clone())));
                ""
            }
            DECORATIVE => "",
            text => {
                let length = text.chars().count();
                if length > DESCRIPTION_LENGTH {
                    let problem = FigureProblem::LongDescription(dest.clone(), length);
                    self.problems.push((position, problem));
                }
                text
            }
        };
        let lazy = if self.shown == 0 {
            ""
        } else {
            " loading=\"lazy\" decoding=\"async\""
        };
        self.shown += 1;
        let mut img = String::with_capacity(200);
        match (self.resolve)(&dest) {
            Destination::Image(mut figure) => {
                figure.written = dest.clone();
                img.push_str(&format!("<img src=\"{}\"", escape(&figure.src)));
                if !figure.srcset.is_empty() {
                    img.push_str(&format!(
                        " srcset=\"{}\" sizes=\"{}\"",
                        escape(&figure.srcset),
                        figure.sizes
                    ));
                }
                img.push_str(&format!(" alt=\"{}\"", escape(alt)));
                if figure.width > 0 && figure.height > 0 {
                    img.push_str(&format!(
                        " width=\"{}\" height=\"{}\"",
                        figure.width, figure.height
                    ));
                }
                self.found.push(figure);
            }
            other => {
                let src: CowStr<'_> = match other {
                    Destination::Url(url) => url.into(),
                    Destination::Broken(reason) => {
                        self.broken.push((position, reason));
                        dest.as_str().into()
                    }
                    Destination::Unusable { message, hint } => {
                        let problem = FigureProblem::Unusable { message, hint };
                        self.problems.push((position, problem));
                        dest.as_str().into()
                    }
                    _ if self.safe && super::is_script(&dest) => "".into(),
                    _ => dest.as_str().into(),
                };
                img.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\"",
                    escape(&src),
                    escape(alt)
                ));
            }
        }
        img.push_str(lazy);
        img.push('>');
        let caption = Some(title.trim().to_string()).filter(|t| !t.is_empty());
        (img, caption)
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Figures<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            let (event, range) = self.pull()?;
            if let Some(event) = self.take(event, range) {
                return Some(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::render;
    use super::*;

    fn processed(dest: &str) -> Destination {
        match dest {
            "foto.jpg" => Destination::Image(Figure {
                src: "/c/foto.jpg".into(),
                srcset: "/c/foto-480.jpg 480w, /c/foto.jpg 800w".into(),
                sizes: "40rem",
                width: 800,
                height: 600,
                ..Figure::default()
            }),
            "weg.jpg" => Destination::Broken(BrokenLink::NoFile {
                dest: "weg.jpg".into(),
                file: "weg.jpg".into(),
            }),
            _ => Destination::Keep,
        }
    }

    #[test]
    fn a_captioned_image_of_its_own_is_a_figure_and_the_rest_load_lazily() {
        let body = "![Een flip-over](foto.jpg \"Na de sessie\")\n\nTekst ![-](foto.jpg) en meer.\n\n![Weer](foto.jpg)\n";
        let r = render(body, 1, &processed, false);
        assert!(r.html.starts_with("<figure><img src=\"/c/foto.jpg\" srcset=\"/c/foto-480.jpg 480w, /c/foto.jpg 800w\" sizes=\"40rem\" alt=\"Een flip-over\" width=\"800\" height=\"600\"><figcaption>Na de sessie</figcaption></figure>"), "{}", r.html);
        assert!(r.html.contains("<p>Tekst <img src=\"/c/foto.jpg\" srcset=\"/c/foto-480.jpg 480w, /c/foto.jpg 800w\" sizes=\"40rem\" alt=\"\" width=\"800\" height=\"600\" loading=\"lazy\" decoding=\"async\"> en meer.</p>"), "{}", r.html);
        assert!(r.html.contains("<p><img src=\"/c/foto.jpg\""), "{}", r.html);
        assert_eq!(r.figures.len(), 3);
        assert!(r.figure_problems.is_empty());
        assert!(
            r.lead.starts_with("Tekst"),
            "a figure is no lead: {}",
            r.lead
        );
    }

    #[test]
    fn undescribed_long_and_missing_images_are_told_at_their_place() {
        let long = "woord ".repeat(50);
        let body = format!("Intro.\n\n![](foto.jpg)\n\n![{long}](foto.jpg)\n\n![Weg](weg.jpg)\n");
        let r = render(&body, 10, &processed, false);
        assert_eq!(
            r.figure_problems,
            [
                (
                    Position::new(12, 1),
                    FigureProblem::Undescribed("foto.jpg".into())
                ),
                (
                    Position::new(14, 1),
                    FigureProblem::LongDescription("foto.jpg".into(), 299)
                ),
            ]
        );
        assert_eq!(
            r.broken_links,
            [(
                Position::new(16, 1),
                BrokenLink::NoFile {
                    dest: "weg.jpg".into(),
                    file: "weg.jpg".into()
                }
            )]
        );
    }

    #[test]
    fn external_images_stay_as_written_and_scripts_go_in_safe_mode() {
        let r = render("![Logo](https://example.org/a.png)\n", 1, &processed, false);
        assert!(
            r.html
                .contains("<img src=\"https://example.org/a.png\" alt=\"Logo\">"),
            "{}",
            r.html
        );
        let r = render("![x](javascript:alert(1))\n", 1, &processed, true);
        assert!(!r.html.contains("javascript"), "{}", r.html);
    }
}
