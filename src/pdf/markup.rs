//! Markdown to Typst markup, event by event: every piece of a writer's text is escaped, so
//! nothing in a body can become a Typst command, and every structure is written as a
//! function call, so nothing depends on indentation or on where a line starts.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Parser, Tag, TagEnd};
use rustc_hash::FxHashMap as HashMap;

/// Where a link in a body leads in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// To a place in the report, by its Typst label.
    Label(String),
    /// Out of the report, to this URL.
    Url(String),
    /// Nowhere the report can reach: the link text stays, as text.
    Text,
}

/// Text escaped for Typst markup: every ASCII punctuation mark behind a backslash (so none
/// starts a command, a label, math, a list or a comment) and line ends as spaces.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            // Other control characters are no text a reader can see.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// `text` as a Typst string literal, quotes included, without control characters other
/// than line breaks and tabs.
pub fn string_literal(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Other control characters are no text a reader can see, and no font has them:
            // PDF/UA forbids text that cannot be shown.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A footnote reference waiting for its definition, which may come later in the body.
struct PendingFootnote {
    at: usize,
    name: String,
}

/// The converter's state while the events of one body stream past.
struct Converter<'r> {
    out: String,
    resolve: &'r dyn Fn(&str) -> LinkTarget,
    heading_labels: &'r [String],
    footnote_prefix: &'r str,
    headings_seen: usize,
    /// The Markdown levels of the headings the current one sits below.
    open_levels: Vec<u8>,
    /// Footnote definitions by name, each converted on its own.
    definitions: HashMap<String, String>,
    references: Vec<PendingFootnote>,
    /// The output a footnote definition interrupted, while it is being converted.
    outside_definition: Option<(String, String)>,
    /// Definitions met inside a definition: their text stays where it is.
    nested_definitions: usize,
    /// Code block text gathered until its end.
    code: Option<(String, String)>,
    /// An image's description gathered until its end: it stands for the image.
    image_depth: usize,
    /// The image being read, when the report has its file: its path there and its caption;
    /// its description is gathered in `alt`.
    picture: Option<(String, String)>,
    alt: String,
    /// Where the report has the file of each image a body shows.
    image_file: &'r dyn Fn(&str) -> Option<String>,
    /// What each open link or heading closes with.
    closers: Vec<String>,
}

/// What a body's places and links are called in the report.
pub struct BodyLabels<'a> {
    /// Where each link destination leads.
    pub resolve: &'a dyn Fn(&str) -> LinkTarget,
    /// The `n`th heading of the body gets the `n`th label (made from the ids the site gives
    /// them), so `@/file.md#id` links land on it.
    pub headings: &'a [String],
    /// Starts the labels of the body's footnotes, which must differ from every other body's.
    pub footnotes: &'a str,
    /// The path in the report of the file of an image the body shows (by its destination as
    /// written); `None` when it has none, and the image's description stands for it.
    pub image: &'a dyn Fn(&str) -> Option<String>,
}

/// Converts a Markdown body to Typst markup.
pub fn to_typst(body: &str, labels: &BodyLabels<'_>) -> String {
    let mut converter = Converter {
        out: String::with_capacity(body.len() * 5 / 4),
        resolve: labels.resolve,
        heading_labels: labels.headings,
        footnote_prefix: labels.footnotes,
        headings_seen: 0,
        open_levels: Vec::new(),
        definitions: HashMap::default(),
        references: Vec::new(),
        outside_definition: None,
        nested_definitions: 0,
        code: None,
        image_depth: 0,
        picture: None,
        alt: String::new(),
        image_file: labels.image,
        closers: Vec::new(),
    };
    for event in Parser::new_ext(body, crate::content::markdown::options()) {
        converter.event(event);
    }
    converter.finish()
}

impl Converter<'_> {
    fn event(&mut self, event: Event<'_>) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(text) => return code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {}
                _ => return,
            }
        }
        if self.picture.is_some() {
            // The description of an image shown: its alternative text, not text of its own.
            match event {
                Event::Text(text) | Event::Code(text) => return self.alt.push_str(&text),
                Event::SoftBreak | Event::HardBreak => return self.alt.push(' '),
                Event::Start(_) | Event::End(_) => {}
                _ => return,
            }
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => escape_text(&text, &mut self.out),
            Event::Code(code) => {
                self.out.push_str("#raw(");
                string_literal(&code, &mut self.out);
                self.out.push(')');
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self.out.push_str("\n#line(length: 100%)\n"),
            Event::TaskListMarker(done) => {
                escape_text(if done { "[x] " } else { "[ ] " }, &mut self.out)
            }
            // A note within a note stays a mark: Typst has no footnotes in footnotes.
            Event::FootnoteReference(name) if self.outside_definition.is_some() => {
                escape_text(&format!("[^{name}]"), &mut self.out)
            }
            Event::FootnoteReference(name) => self.references.push(PendingFootnote {
                at: self.out.len(),
                name: name.to_string(),
            }),
            // Raw HTML belongs to the site; math and metadata are not switched on.
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        if self.image_depth > 0 {
            if let Tag::Image { .. } = tag {
                self.image_depth += 1;
            }
            return;
        }
        let out = &mut self.out;
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                let label = self.heading_labels.get(self.headings_seen).cloned();
                self.headings_seen += 1;
                // Levels nest as they are written, without gaps: an accessible PDF has none.
                let level = level as u8;
                while self.open_levels.last().is_some_and(|&open| open >= level) {
                    self.open_levels.pop();
                }
                self.open_levels.push(level);
                out.push_str(&format!("\n#heading(depth: {})[", self.open_levels.len()));
                let mut closer = String::from("]");
                if let Some(label) = label {
                    closer.push_str("#label(");
                    string_literal(&label, &mut closer);
                    closer.push(')');
                }
                closer.push('\n');
                self.closers.push(closer);
            }
            Tag::BlockQuote(_) => out.push_str("\n#quote(block: true)[\n"),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(Some(start)) => out.push_str(&format!("\n#enum(start: {start}, ")),
            Tag::List(None) => out.push_str("\n#list("),
            Tag::Item => out.push('['),
            Tag::FootnoteDefinition(_) if self.outside_definition.is_some() => {
                self.nested_definitions += 1
            }
            Tag::FootnoteDefinition(name) => {
                let outside = std::mem::take(&mut self.out);
                self.outside_definition = Some((name.to_string(), outside));
            }
            Tag::Table(alignments) => {
                let align: Vec<&str> = alignments.iter().map(|a| alignment(*a)).collect();
                out.push_str(&format!(
                    "\n#table(columns: {}, align: ({},), ",
                    alignments.len().max(1),
                    align.join(", ")
                ));
            }
            Tag::TableHead => out.push_str("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => out.push('['),
            Tag::Emphasis => out.push_str("#emph["),
            Tag::Strong => out.push_str("#strong["),
            Tag::Strikethrough => out.push_str("#strike["),
            Tag::Link { dest_url, .. } => {
                let closer = match (self.resolve)(&dest_url) {
                    LinkTarget::Label(label) => {
                        out.push_str("#link(label(");
                        string_literal(&label, out);
                        out.push_str("))[");
                        "]"
                    }
                    LinkTarget::Url(url) => {
                        out.push_str("#link(");
                        string_literal(&url, out);
                        out.push_str(")[");
                        "]"
                    }
                    LinkTarget::Text => "",
                };
                self.closers.push(closer.to_string());
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.image_depth = 1;
                self.alt.clear();
                self.picture = (self.image_file)(&dest_url).map(|file| (file, title.to_string()));
            }
            Tag::HtmlBlock
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if self.image_depth > 0 {
            if tag == TagEnd::Image {
                self.image_depth -= 1;
                if self.image_depth == 0 {
                    self.picture_end();
                }
            }
            return;
        }
        let out = &mut self.out;
        match tag {
            TagEnd::Paragraph => out.push_str("\n\n"),
            TagEnd::Heading(_) | TagEnd::Link => {
                let closer = self.closers.pop().unwrap_or_default();
                self.out.push_str(&closer);
            }
            TagEnd::BlockQuote(_) => out.push_str("]\n"),
            TagEnd::CodeBlock => {
                let (lang, code) = self.code.take().unwrap_or_default();
                out.push_str("\n#raw(block: true, ");
                if !lang.is_empty() {
                    out.push_str("lang: ");
                    string_literal(&lang, out);
                    out.push_str(", ");
                }
                string_literal(code.trim_end_matches('\n'), out);
                out.push_str(")\n");
            }
            TagEnd::List(_) => out.push_str(")\n"),
            TagEnd::Item => out.push_str("], "),
            TagEnd::FootnoteDefinition if self.nested_definitions > 0 => {
                self.nested_definitions -= 1
            }
            TagEnd::FootnoteDefinition => {
                if let Some((name, outside)) = self.outside_definition.take() {
                    let definition = std::mem::replace(&mut self.out, outside);
                    self.definitions.entry(name).or_insert(definition);
                }
            }
            TagEnd::Table => out.push_str(")\n"),
            TagEnd::TableHead => out.push_str("), "),
            TagEnd::TableRow => {}
            TagEnd::TableCell => out.push_str("], "),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => out.push(']'),
            TagEnd::Image => {}
            TagEnd::HtmlBlock
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    /// Ends an image the report has the file of: a figure with its description as the
    /// image's alternative text and its title as the caption; an image marked decorative is
    /// left out (a PDF has no use for decoration without meaning).
    fn picture_end(&mut self) {
        let Some((file, caption)) = self.picture.take() else {
            return;
        };
        let description = self.alt.trim();
        if description.is_empty() || description == crate::content::markdown::DECORATIVE {
            return;
        }
        let out = &mut self.out;
        out.push_str("\n#figure(image(");
        string_literal(&file, out);
        out.push_str(", alt: ");
        string_literal(description, out);
        out.push_str(", width: 100%)");
        let caption = caption.trim();
        if !caption.is_empty() {
            out.push_str(", caption: [");
            escape_text(caption, out);
            out.push(']');
        }
        out.push_str(")\n");
    }

    /// Puts each footnote's text where it is first referred to; later references to the
    /// same note point to that one.
    fn finish(mut self) -> String {
        if let Some((_, outside)) = self.outside_definition.take() {
            self.out = outside;
        }
        let mut out = String::with_capacity(self.out.len() + 64);
        let mut from = 0;
        let mut placed: HashMap<&str, usize> = HashMap::default();
        let label = |n: usize| {
            let mut literal = String::new();
            string_literal(
                &format!("{}footnote-{n}", self.footnote_prefix),
                &mut literal,
            );
            literal
        };
        for (n, reference) in self.references.iter().enumerate() {
            out.push_str(&self.out[from..reference.at]);
            from = reference.at;
            let Some(text) = self.definitions.get(&reference.name) else {
                escape_text(&format!("[^{}]", reference.name), &mut out);
                continue;
            };
            match placed.get(reference.name.as_str()) {
                Some(&first) => out.push_str(&format!("#footnote(label({}))", label(first))),
                None => {
                    placed.insert(&reference.name, n);
                    out.push_str(&format!("#footnote[{}]#label({})", text.trim(), label(n)));
                }
            }
        }
        out.push_str(&self.out[from..]);
        out
    }
}

fn alignment(alignment: Alignment) -> &'static str {
    match alignment {
        Alignment::None | Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

/// The syntax errors Typst finds in `markup`: none, for anything [`to_typst`] makes.
pub fn syntax_errors(markup: &str) -> Vec<String> {
    typst_syntax::parse(markup)
        .errors_and_warnings()
        .0
        .into_iter()
        .map(|e| e.message.to_string())
        .collect()
}

/// The text `markup` shows when it is nothing but text, spaces and escapes (what
/// [`escape_text`] makes); `None` when anything in it is markup.
pub fn plain_text(markup: &str) -> Option<String> {
    use typst_syntax::SyntaxKind;
    let root = typst_syntax::parse(markup);
    let mut text = String::new();
    for node in root.children() {
        match node.kind() {
            SyntaxKind::Text => text.push_str(node.leaf_text()),
            SyntaxKind::Space => text.push_str(node.leaf_text()),
            SyntaxKind::Escape => text.push_str(node.leaf_text().get(1..)?),
            _ => return None,
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(body: &str) -> String {
        let resolve = |dest: &str| match dest.strip_prefix("@/") {
            Some(file) => LinkTarget::Label(file.to_string()),
            None if dest.starts_with("https:") => LinkTarget::Url(dest.to_string()),
            None => LinkTarget::Text,
        };
        let headings = ["here#kop".to_string(), "here#tweede".to_string()];
        let labels = BodyLabels {
            resolve: &resolve,
            headings: &headings,
            footnotes: "here#",
            image: &|dest: &str| (dest == "foto.jpg").then(|| "/images/1.jpg".to_string()),
        };
        let markup = to_typst(body, &labels);
        assert_eq!(syntax_errors(&markup), Vec::<String>::new(), "in {markup}");
        markup
    }

    #[test]
    fn string_literals_hold_any_text_but_control_characters() {
        let mut out = String::new();
        string_literal("a\u{1}\"b\\\n\u{7f}c", &mut out);
        assert_eq!(out, r#""a\"b\\\nc""#);
    }

    #[test]
    fn typst_syntax_in_text_stays_text() {
        let text = r#"#set page(paper: "a0") $x^2$ *vet* _schuin_ @ref <label> = kop - lijst + enum / term: 1. een // commentaar /* blok */ `code` \ backslash ~ -- --- ... 'quote' "dubbel" https://example.org [haak] {accolade} \u{41}"#;
        let mut escaped = String::new();
        escape_text(text, &mut escaped);
        assert_eq!(plain_text(&escaped).as_deref(), Some(text));
        let mut line_start = String::new();
        escape_text("= kop\n- lijst\n1. een\n#x", &mut line_start);
        assert_eq!(
            plain_text(&line_start).as_deref(),
            Some("= kop - lijst 1. een #x")
        );
    }

    #[test]
    fn an_image_with_a_file_becomes_a_described_figure() {
        let shown = convert("Zie:\n\n![De *flip-over* #1](foto.jpg \"Sessie [2]\")\n");
        assert!(
            shown.contains(
                r#"#figure(image("/images/1.jpg", alt: "De flip-over #1", width: 100%), caption: [Sessie \[2\]])"#
            ),
            "{shown}"
        );
        assert_eq!(syntax_errors(&shown), Vec::<String>::new());
        // Decoration is left out; an image without a file keeps its description as text.
        assert!(!convert("![-](foto.jpg)").contains("image("));
        let unresolved = convert("![Een kaart](elders.png)");
        assert!(unresolved.contains("Een kaart") && !unresolved.contains("image("));
    }

    #[test]
    fn every_markdown_feature_becomes_a_typst_call() {
        let body = "# Kop\n\nEen *schuine* en **vette** tekst met `code` en ~~weg~~, \
            [een conclusie](@/conclusions/01-a.md), [buiten](https://example.org) \
            en [nergens](plaatje.png).[^n]\n\n\
            - een\n- twee\n\n3. drie\n4. vier\n\n> geciteerd\n\n\
            | A | B |\n|:--|--:|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n\
            ![een grafiek van iets](grafiek.png)\n\n## Tweede\n\n- [x] klaar\n\n---\n\n\
            [^n]: De voetnoot.\n";
        let markup = convert(body);
        for wanted in [
            "#heading(depth: 1)[Kop]#label(\"here#kop\")",
            "#heading(depth: 2)[Tweede]#label(\"here#tweede\")",
            "#emph[schuine]",
            "#strong[vette]",
            "#raw(\"code\")",
            "#strike[weg]",
            "#link(label(\"conclusions/01-a.md\"))[een conclusie]",
            "#link(\"https://example.org\")[buiten]",
            " en nergens\\.",
            "#footnote[De voetnoot\\.]#label(\"here#footnote-0\")",
            "#list([een], [twee], )",
            "#enum(start: 3, [drie], [vier], )",
            "#quote(block: true)[",
            "#table(columns: 2, align: (left, right,), table.header([A], [B], ), [1], [2], )",
            "#raw(block: true, lang: \"rust\", \"fn main() {}\")",
            "een grafiek van iets",
            "\\[x\\] klaar",
            "#line(length: 100%)",
        ] {
            assert!(markup.contains(wanted), "no {wanted:?} in {markup}");
        }
    }

    #[test]
    fn footnotes_referred_to_twice_are_one_note() {
        let markup = convert("Een[^a] twee[^a] drie[^b].\n\n[^a]: A.\n[^b]: B[^a].\n");
        assert_eq!(markup.matches("#footnote[").count(), 2);
        assert!(markup.contains("#footnote(label(\"here#footnote-0\"))"));
        assert!(markup.contains("#footnote[B\\[\\^a\\]"));
    }

    #[test]
    fn broken_markdown_makes_valid_typst() {
        for body in [
            "*open **nest _deep `code",
            "| a |\n|---|\n| 1 | 2 | 3 |\n",
            "[^missing] and [link](",
            "<div>raw *html*</div>\n\n<span>x</span>",
            "> > > deep\n> - list\n>   1. in list\n",
            "# \n\n######## too deep\n",
            "![alt *with* [link](@/x.md)](img.png)",
            "[^a]: note with\n\n    code\n\n[^a]\n",
        ] {
            convert(body);
        }
    }
}
