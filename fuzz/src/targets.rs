//! The bodies of the fuzz targets: each takes any bytes and checks that oogst neither
//! panics nor breaks the promises below on them. Shared by the fuzzers in `fuzz/` and by
//! `tests/bad_input.rs`, which replays the seeds and every input that once failed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use oogst::config::SiteConfig;
use oogst::content::Section;
use oogst::content::front_matter::{self, FrontMatter, Kind};
use oogst::content::markdown::{self, BrokenLink, Destination};
use oogst::content::{Document, SourceFile};
use oogst::diagnostics::{Hint, Position, Positions};
use oogst::harvest::{self, LinkInput};
use oogst::images::{Gallery, process};
use oogst::pdf::markup::{self, BodyLabels, LinkTarget};
use oogst::render::print;
use oogst::routes::Routes;
use oogst::yaml::{self, YamlError};

const KINDS: [Kind; 7] = [
    Kind::Home,
    Kind::Page,
    Kind::SectionIntro(Section::Themes),
    Kind::SectionIntro(Section::Conclusions),
    Kind::Item(Section::Themes),
    Kind::Item(Section::Conclusions),
    Kind::Item(Section::Recommendations),
];

/// The number of lines of `text`, counting a last line without a line end.
fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}

/// Every error has a position on a line of the text, and a message.
fn check_errors(errors: &[(Position, YamlError)], lines: usize, text: &str) {
    assert!(!errors.is_empty(), "an error without errors");
    for (position, error) in errors {
        assert!(
            (1..=lines).contains(&position.line) && position.col >= 1,
            "{position:?} is outside the {lines} lines of {text:?}: {error}"
        );
        assert!(!error.to_string().is_empty());
        let _ = error.hint();
    }
}

/// (a) The front matter splitter, then the typed parse for every kind of file.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(split) = front_matter::split(text) else {
        return;
    };
    // Both parts are slices of the text, in order, and their lines are counted right.
    let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
    let (yaml_at, body_at) = (offset(split.yaml), offset(split.body));
    assert!(yaml_at + split.yaml.len() <= body_at);
    assert_eq!(body_at + split.body.len(), text.len());
    assert_eq!(split.yaml_line, line_count(&text[..yaml_at]));
    if !split.body.is_empty() {
        assert_eq!(split.body_line, line_count(&text[..body_at]));
    }
    let lines = line_count(text);
    // Each kind, as a file in the site's own language and as a translation.
    for kind in KINDS {
        for translation in [false, true] {
            if let Err(errors) = front_matter::parse(&split, kind, translation) {
                check_errors(&errors, lines, text);
            }
        }
    }
}

/// (b) YAML: typed parsing into front matter, `site.yaml` and any value, and the key and
/// value lookups that place errors.
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = line_count(text);
    // Plain front matter read without the parser is read as the parser reads it.
    assert!(yaml::plain_reading_agrees(text), "{text:?}");
    let keys = Kind::Item(Section::Recommendations).keys();
    if let Err(errors) = yaml::parse::<FrontMatter>(text, keys) {
        check_errors(&errors, lines, text);
    }
    if let Err(errors) = yaml::parse::<SiteConfig>(text, oogst::config::KEYS) {
        check_errors(&errors, lines, text);
    }
    if let Err(errors) = yaml::parse::<serde_json::Value>(text, keys) {
        check_errors(&errors, lines, text);
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '[' | ']' | '{' | '}'))
        .filter(|w| !w.is_empty())
        // Each place is a parse of its own: three words, twelve parses, keep a bomb of
        // aliases (fuzz/regressions/yaml) within the fuzzer's time for one input.
        .take(3)
        .collect();
    for key in &words {
        let at = yaml::key_position(text, key);
        assert!((1..=lines).contains(&at.line), "{at:?} for {key:?}");
        for value in &words {
            let at = yaml::value_position(text, key, value);
            assert!(
                (1..=lines).contains(&at.line) && at.col >= 1,
                "{at:?} for {key:?}: {value:?}"
            );
        }
    }
}

/// A stable hash, to decide what a link resolves to.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the link stage would make of a destination: `@/` links become URLs, broken links
/// or are left (as for files that failed), like `harvest::resolve_link`.
fn resolve(dest: &str) -> Destination {
    if let Some(target) = dest.strip_prefix("@/") {
        let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
        return match fnv(file.as_bytes()) % 3 {
            0 if anchor.is_empty() => Destination::Url(format!("/{file}/")),
            0 => Destination::Url(format!("/{file}/#{anchor}")),
            1 => Destination::Broken(BrokenLink::NoContent {
                dest: dest.to_string(),
                file: file.to_string(),
                suggestion: None,
            }),
            _ => Destination::Keep,
        };
    }
    if dest.contains(':') || dest.starts_with('#') || dest.starts_with('/') || dest.is_empty() {
        return Destination::Keep;
    }
    if dest.ends_with(".md") {
        return Destination::Broken(BrokenLink::MarkdownFile {
            dest: dest.to_string(),
            file: dest.to_string(),
        });
    }
    match fnv(dest.as_bytes()) % 2 {
        0 => Destination::Url(format!("/files/{dest}")),
        _ => Destination::Broken(BrokenLink::NoFile {
            dest: dest.to_string(),
            file: dest.to_string(),
        }),
    }
}

/// (c) Markdown bodies with `@/` links, and relocating their HTML into the print edition.
/// The first byte chooses the body's first line and safe mode.
pub fn markdown(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let body_line = 1 + usize::from(flags & 0x0f) * 997;
    let safe = flags & 0x10 != 0;
    let rendered = markdown::render(body, body_line, &resolve, safe);

    let last_line = body_line + line_count(body) - 1;
    let within = |p: Position| (body_line..=last_line).contains(&p.line) && p.col >= 1;
    for link in &rendered.anchor_links {
        assert!(
            within(link.position),
            "{link:?} outside lines {body_line}..={last_line}"
        );
        assert!(!link.anchor.is_empty(), "{link:?}");
    }
    for (position, reason) in &rendered.broken_links {
        assert!(within(*position), "{position:?} {reason}");
    }
    let mut ids = HashSet::new();
    for heading in &rendered.headings {
        assert!((1..=6).contains(&heading.level), "{heading:?}");
        assert!(!heading.id.is_empty(), "{heading:?}");
        assert!(
            ids.insert(heading.id.as_str()),
            "two headings are {:?}",
            heading.id
        );
    }
    if safe {
        // Text cannot hold a `<` (it is escaped), so a `<` starts a tag.
        let html = rendered.html.to_ascii_lowercase();
        assert!(!html.contains("<script"), "{}", rendered.html);
        for (at, _) in html.match_indices("href=\"javascript:") {
            let in_tag = html[..at].rfind('<') > html[..at].rfind('>');
            assert!(!in_tag, "a script link: {}", rendered.html);
        }
    }

    assert_eq!(print::relocate(&rendered.html, "", 0), rendered.html);
    let moved = print::relocate(&rendered.html, "c1-", flags >> 5);
    assert!(moved.len() >= rendered.html.len());
    let _ = print::relocate(body, "p-", flags >> 5);

    // Positions counted on from the last one agree with positions counted from the start.
    let positions = Positions::new(body);
    let mut offsets: Vec<usize> = rest.iter().take(16).map(|&b| usize::from(b) * 7).collect();
    offsets.sort_unstable();
    for offset in offsets {
        assert_eq!(positions.of(offset), Position::of_offset(body, offset));
    }
}

/// The small harvest the fuzzed file of [`link`] joins: a theme with headings, two
/// conclusions, a draft, a page, and a file that fails to parse.
const HARVEST: [(&str, &str); 6] = [
    (
        "themes/leren.md",
        "---\ntitle: Leren\n---\n\n## Samen leren\n\nTekst.\n\n## Samen leren\n",
    ),
    (
        "conclusions/01-eerste.md",
        "---\ntitle: Eerste\nnumber: 1\nthemes: [leren]\n---\n\nZie [de tweede](@/conclusions/02-tweede.md#kop).\n",
    ),
    (
        "conclusions/02-tweede.md",
        "---\ntitle: Tweede\nnumber: 2\n---\n\n## Kop\n",
    ),
    (
        "conclusions/03-concept.md",
        "---\ntitle: Concept\nnumber: 3\ndraft: true\n---\n",
    ),
    ("over.md", "---\ntitle: Over\n---\n\n# Over\n"),
    ("themes/kapot.md", "---\ntitle: [kapot\n---\n"),
];

/// (d) The link stage, with its real `@/` resolver, on a small harvest with one fuzzed
/// file (front matter and body); the first byte chooses where the file stands and whether
/// drafts are built. Every error names a file and a line of it (or no line); no `@/` link
/// is left in a page without an error saying why, in its own file or in the file it links
/// to (a file that failed: its links are not reported twice).
pub fn link(data: &[u8]) {
    let Some((&place, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let fuzzed = [
        "themes/fuzz.md",
        "conclusions/09-fuzz.md",
        "recommendations/09-fuzz.md",
        "fuzz.md",
    ][usize::from(place % 4)];
    let site: Vec<(&str, &str)> = HARVEST.iter().copied().chain([(fuzzed, text)]).collect();
    let files = site.iter().map(|&(rel, text)| SourceFile {
        path: format!("content/{rel}").into(),
        rel: rel.to_string(),
        text: text.to_string(),
        modified: None,
        unreadable: None,
    });
    let parsed: Vec<(String, Result<Document, _>)> =
        files.map(|f| (f.rel.clone(), Document::parse(f))).collect();
    let lines: HashMap<PathBuf, usize> = site
        .iter()
        .map(|&(rel, text)| (format!("content/{rel}").into(), line_count(text)))
        .collect();
    let config = yaml::parse::<SiteConfig>("title: Fuzz\n", oogst::config::KEYS)
        .unwrap_or_else(|e| panic!("the fuzz site.yaml is valid: {e:?}"));
    let input = LinkInput {
        routes: Routes::new(&config),
        config,
        documents: parsed.iter().filter_map(|(_, d)| d.as_ref().ok()).collect(),
        failed: parsed
            .iter()
            .filter(|(_, d)| d.is_err())
            .map(|(rel, _)| rel.as_str())
            .collect(),
        content_assets: Vec::new(),
        drafts: place & 0x10 != 0,
        gallery: std::sync::Arc::new(Gallery::new(Path::new("/nonexistent/fuzz-site"))),
    };
    let failed: HashSet<String> = input.failed.iter().map(|rel| rel.to_string()).collect();
    let (harvest, diagnostics) = harvest::link(input, None);

    let mut reported: HashSet<&Path> = HashSet::new();
    for d in diagnostics.iter() {
        let lines = lines.get(&d.file).copied();
        assert!(
            lines.is_some(),
            "an error about a file not in the harvest: {d:?}"
        );
        let known = d.position != Position::UNKNOWN;
        assert!(
            !known || (1..=lines.unwrap_or(0)).contains(&d.position.line) && d.position.col >= 1,
            "{d:?} is outside the file's {lines:?} lines"
        );
        assert!(!d.message.is_empty());
        reported.insert(&d.file);
    }
    for item in &harvest.items {
        let path = Path::new("content").join(&item.rel);
        if reported.contains(path.as_path()) {
            continue;
        }
        for (at, _) in item.body.html.match_indices("href=\"@/") {
            let target = &item.body.html[at + 8..];
            let target = &target[..target.find(['"', '#']).unwrap_or(target.len())];
            assert!(
                failed.contains(target),
                "an `@/` link to {target} left in {} without an error: {}",
                item.rel,
                item.body.html
            );
        }
    }
}

/// An image file: processing it ends in renditions no larger than the limits allow, or in
/// an error naming the file; never a panic.
pub fn image(data: &[u8]) {
    match process::process("fuzz.jpg", data) {
        Ok(process::Processed::AsIs { width, height }) => {
            assert!(width <= oogst::images::limits::WIDTHS[0] && height >= 1);
        }
        Ok(process::Processed::Renditions { sizes, .. }) => {
            assert!(!sizes.is_empty());
            for size in sizes {
                assert!(size.width <= oogst::images::limits::WIDTHS[3]);
                assert!(!size.bytes.windows(6).any(|w| w == b"Exif\0\0"));
            }
        }
        Err(error) => assert!(error.to_string().contains("fuzz.jpg"), "{error}"),
    }
    // The copy of a file in `static/`: as it is only when nothing is to be stripped.
    match process::strip("fuzz.webp", data) {
        Ok(process::Processed::AsIs { .. }) => assert!(!process::carries_metadata(data)),
        Ok(process::Processed::Renditions { sizes, .. }) => {
            assert_eq!(sizes.len(), 1);
            assert!(!process::carries_metadata(&sizes[0].bytes));
        }
        Err(error) => assert!(error.to_string().contains("fuzz.webp"), "{error}"),
    }
}

/// (e) Markdown to Typst markup for the PDF: whatever the body, the markup is valid Typst,
/// and text escaped for it shows as the same characters.
pub fn pdf_markup(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let resolve = |dest: &str| match dest.strip_prefix("@/") {
        Some(file) => LinkTarget::Label(file.to_string()),
        None if dest.contains(':') => LinkTarget::Url(dest.to_string()),
        None => LinkTarget::Text,
    };
    let headings: Vec<String> = (0..4).map(|n| format!("item#h{n}")).collect();
    let labels = BodyLabels {
        resolve: &resolve,
        headings: &headings,
        footnotes: "item#",
        image: &|dest: &str| dest.ends_with(".jpg").then(|| format!("/images/{dest}")),
    };
    let typst = markup::to_typst(body, &labels);
    let errors = markup::syntax_errors(&typst);
    assert!(errors.is_empty(), "{errors:?} in {typst:?} from {body:?}");

    let mut escaped = String::new();
    markup::escape_text(body, &mut escaped);
    let shown: String = body
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    assert_eq!(markup::plain_text(&escaped), Some(shown), "{escaped:?}");
}
