//! Bad input, case by case: the small site is built once, copied for each case, broken,
//! and built again with the real binary. A broken site must fail with exit code 1, never
//! panic or hang, name the file and line of every error (where the problem has a line),
//! and leave the site built before exactly as it was, with no staging folder behind. Input
//! that is odd but valid must build.
//!
//! Each case is one line of the table below; a case that shows a bug outside the content,
//! YAML and config code is marked `#[ignore]` with the reason.

use crate::common;
use common::{FIRST, SECOND};

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::images::{decompression_bomb, plain_jpeg, plain_webp, truncated_jpeg};
use common::{Site, files_below, hidden_entries, run_bounded};

/// Each run of the binary must end within this.
const LIMIT: Duration = Duration::from_secs(20);
/// A run on a 20 MB body, with the unoptimised binary of `cargo test`, beside the other
/// tests: about 26 s alone on a 2-core machine here, over 60 s with a build beside it. The
/// limit catches a run that never ends; how fast a build is, the benchmarks tell.
const BIG_LIMIT: Duration = Duration::from_secs(180);

const DOE_DAT: &str = "content/recommendations/02-doe-dat.md";
const OVER: &str = "content/over.md";
const FIRST_EN: &str = "content/conclusions/01-eerste.en.md";
/// The small site's `site.yaml` with English as a second language.
const BILINGUAL: &str = "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\nlanguages:\n  en: {title: Test harvest}\n";

/// One change to the site.
#[derive(Clone, Copy)]
enum Edit {
    /// Writes text to a file of the site.
    Write(&'static str, &'static str),
    /// Writes bytes to a file of the site.
    Bytes(&'static str, &'static [u8]),
    /// Writes what the function makes to a file of the site (for large input).
    Made(&'static str, fn() -> Vec<u8>),
    /// Copies a file of `tests/fixtures/bad/` into the site.
    Fixture(&'static str, &'static str),
    Remove(&'static str),
    /// A symbolic link at the first path, pointing to the second.
    Symlink(&'static str, &'static str),
    Folder(&'static str),
}

use Edit::*;

/// What the build must do.
#[derive(Clone, Copy)]
enum Expect {
    /// Exit code 1, each text in the report, every error at `file:line:col:`.
    Fails(&'static [&'static str]),
    /// As `Fails`, for problems that have no line (a missing file, a folder loop).
    FailsWithoutLine(&'static [&'static str]),
    /// Exit code 0, and these files below `public/`.
    Builds(&'static [&'static str]),
}

use Expect::*;

fn check(edits: &[Edit], expect: Expect) {
    let site = built_small_site();
    let before = site.output();
    assert!(before.contains_key("index.html"));

    for edit in edits {
        apply(&site, *edit);
    }
    let run = build(&site, LIMIT);
    let stderr = &run.stderr;
    assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    assert!(
        hidden_entries(site.root()).is_empty(),
        "no staging folder is left: {:?}",
        hidden_entries(site.root())
    );
    match expect {
        Fails(texts) | FailsWithoutLine(texts) => {
            assert_eq!(run.code, Some(1), "exit code 1; stderr:\n{stderr}");
            for text in texts {
                assert!(stderr.contains(text), "expected {text:?} in:\n{stderr}");
            }
            let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
            assert!(!errors.is_empty(), "errors are reported:\n{stderr}");
            if matches!(expect, Fails(_)) {
                for error in &errors {
                    let at = error.split(": error: ").next().unwrap_or_default();
                    assert!(
                        has_file_line_col(at),
                        "no `file:line:col` in {error:?}:\n{stderr}"
                    );
                }
            }
            let warnings = stderr.lines().filter(|l| l.contains(": warning: ")).count();
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let mut count = format!("{} error{}", errors.len(), plural(errors.len()));
            if warnings > 0 {
                count.push_str(&format!(", {warnings} warning{}", plural(warnings)));
            }
            assert!(
                stderr.ends_with(&format!("{count}\n")),
                "the count ({count}) closes the report:\n{stderr}"
            );
            assert!(site.output() == before, "the previous output is untouched");
        }
        Builds(files) => {
            assert_eq!(run.code, Some(0), "exit code 0; stderr:\n{stderr}");
            let after = site.output();
            for file in files {
                assert!(after.contains_key(*file), "public/{file} is made");
            }
        }
    }
}

/// A copy of the small site as its first build left it, `public/` and all: the site is
/// built once per run of the tests (a debug build with its PDF takes most of a case's
/// time), and every case starts from a copy.
fn built_small_site() -> Site {
    static BUILT: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    let files = BUILT.get_or_init(|| {
        let site = Site::small();
        let first = build(&site, LIMIT);
        assert_eq!(
            first.code,
            Some(0),
            "the good site builds:\n{}",
            first.stderr
        );
        files_below(site.root())
    });
    let site = Site::new(&[]);
    for (rel, bytes) in files {
        site.write_bytes(rel, bytes);
    }
    site
}

fn build(site: &Site, limit: Duration) -> common::Finished {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_oogst"));
    cmd.arg("build").arg("--root").arg(site.root());
    run_bounded(cmd, limit)
}

fn apply(site: &Site, edit: Edit) {
    let bytes = |rel: &str, bytes: &[u8]| {
        let path = site.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, bytes).expect("write");
    };
    match edit {
        Write(rel, text) => bytes(rel, text.as_bytes()),
        Bytes(rel, b) => bytes(rel, b),
        Made(rel, make) => bytes(rel, &make()),
        Fixture(rel, name) => {
            let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
            bytes(
                rel,
                &std::fs::read(fixture.join(name)).expect("the fixture"),
            );
        }
        Remove(rel) => {
            let path = site.path(rel);
            if path.is_dir() {
                std::fs::remove_dir_all(path).expect("remove a folder");
            } else {
                std::fs::remove_file(path).expect("remove a file");
            }
        }
        Symlink(link, target) => {
            std::os::unix::fs::symlink(target, site.path(link)).expect("a symbolic link")
        }
        Folder(rel) => std::fs::create_dir_all(site.path(rel)).expect("a folder"),
    }
}

/// `path:line:col` with a line and column of 1 or more.
fn has_file_line_col(at: &str) -> bool {
    let mut parts = at.rsplitn(3, ':');
    let (col, line, file) = (parts.next(), parts.next(), parts.next());
    let number = |s: Option<&str>| s.and_then(|s| s.parse::<u32>().ok()).is_some_and(|n| n > 0);
    file.is_some_and(|f| !f.is_empty()) && number(line) && number(col)
}

/// One test per case: `name: [edits] => expectation;`, optionally with attributes.
macro_rules! cases {
    ($($(#[$attr:meta])* $name:ident: $edits:expr => $expect:expr;)*) => {
        $(
            $(#[$attr])*
            #[test]
            fn $name() {
                check(&$edits, $expect);
            }
        )*
    };
}

cases! {
    // YAML that does not parse.
    tab_for_indentation: [Write(FIRST, "---\ntitle: Eerste\n\tnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:1: error: invalid YAML", "indent with spaces"]);
    key_indented_too_far: [Write(FIRST, "---\ntitle: Eerste\n  number: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:9: error: invalid YAML", "check indentation"]);
    list_item_indented_wrongly: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nthemes:\n  - leren\n - vak\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:6:", "invalid YAML"]);
    unclosed_double_quote: [Write(FIRST, "---\ntitle: \"Eerste\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:8: error: invalid YAML: this quote is never closed", "close the quote"]);
    unclosed_single_quote: [Write(FIRST, "---\ntitle: 'Eerste\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:8: error: invalid YAML: this quote is never closed", "close the quote"]);
    unclosed_flow_list: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nthemes: [leren\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:9: error: invalid YAML: this `[` is never closed", "close the list with `]`"]);
    unclosed_flow_mapping: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nextra: {a: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:8: error: invalid YAML: this `{` is never closed"]);
    duplicate_key_at_its_repetition: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\ntitle: Weer\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:1: error: invalid YAML: the key `title` appears twice", "each key may appear only once"]);
    duplicate_nested_key: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nextra:\n  a: 1\n  a: 2\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:6:3: error: invalid YAML: the key `a` appears twice"]);
    key_without_colon: [Write(FIRST, "---\ntitle: Eerste\nnumber 1\nthemes: [leren]\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:1: error: invalid YAML: a key without `:` after it"]);
    unknown_alias: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nsummary: *nergens\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:10: error: invalid YAML: an alias with no anchor of that name"]);
    control_character: [Write(FIRST, "---\ntitle: Eer\u{7}ste\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:11: error: invalid YAML: the control character U+0007 is not allowed"]);
    billion_laughs_is_refused: [Fixture(DOE_DAT, "billion-laughs.md")]
        => Fails(&["content/recommendations/02-doe-dat.md:6:45: error: invalid YAML: aliases repeat more than a page may hold", "write the values out"]);
    deep_flow_nesting_is_refused: [Made(DOE_DAT, deep_flow_nesting)]
        => Fails(&["content/recommendations/02-doe-dat.md:5:136: error: lists and mappings are nested more than 128 deep"]);
    overlong_front_matter_is_refused: [Made(DOE_DAT, overlong_front_matter)]
        => Fails(&["content/recommendations/02-doe-dat.md:2:1: error: the YAML text is", "keep long text in the body"]);
    front_matter_is_a_list: [Write(FIRST, "---\n- title\n- Eerste\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:1: error: expected a list of `key: value` lines, found a list"]);
    front_matter_is_a_sentence: [Write(FIRST, "---\nDit is de eerste conclusie.\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:1: error: expected a list of `key: value` lines, found a line of text"]);

    // Values of the wrong type or out of range.
    number_as_text: [Write(FIRST, "---\ntitle: Eerste\nnumber: \"drie\"\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:9: error: wrong value for `number`: expected a whole number, found the text \"drie\"", "write a whole number such as `3`"]);
    number_negative: [Write(FIRST, "---\ntitle: Eerste\nnumber: -1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:9: error: wrong value for `number`: expected a whole number, found integer `-1`", "a whole number of 0 or more"]);
    number_fraction: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1.5\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:9: error: wrong value for `number`: expected a whole number, found floating point `1.5`", "write a whole number such as `3`"]);
    number_too_large: [Write(FIRST, "---\ntitle: Eerste\nnumber: 4294967296\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:3:9: error: wrong value for `number`", "the number is too large"]);
    weight_beyond_any_integer: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nweight: 99999999999999999999\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:9: error: wrong value for `weight`: expected a whole number", "the number is too large"]);
    draft_maybe: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\ndraft: maybe\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:8: error: wrong value for `draft`: expected true or false, found the text \"maybe\""]);
    themes_not_a_list: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nthemes: vakmanschap\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:9: error: wrong value for `themes`: expected a list, found the text \"vakmanschap\"", "[a, b]"]);
    conclusions_a_mapping: [Write(DOE_DAT, "---\ntitle: Doe dat\nnumber: 2\nconclusions: {a: 1}\n---\n")]
        => Fails(&["content/recommendations/02-doe-dat.md:4:14: error: wrong value for `conclusions`: expected a list, found a mapping"]);
    conclusions_nested_list: [Write(DOE_DAT, "---\ntitle: Doe dat\nnumber: 2\nconclusions: [2, [1]]\n---\n")]
        => Fails(&["content/recommendations/02-doe-dat.md:4:", "expected a conclusion number or slug, found a list"]);
    conclusions_negative: [Write(DOE_DAT, "---\ntitle: Doe dat\nnumber: 2\nconclusions: [-2]\n---\n")]
        => Fails(&["content/recommendations/02-doe-dat.md:4:", "expected a conclusion number or slug"]);
    tags_a_number: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\ntags: 3\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:7: error: wrong value for `tags`: expected a list, found integer `3`"]);
    date_yesterday: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\ndate: yesterday\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:7: error: wrong value for `date`: `yesterday` is not a date", "YYYY-MM-DD"]);
    date_not_in_the_calendar: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\ndate: 2026-02-30\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:7: error: wrong value for `date`: `2026-02-30` is not a date"]);
    title_a_list: [Write(FIRST, "---\ntitle: [a, b]\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:8: error: wrong value for `title`: expected a string, found a list"]);
    title_empty: [Write(FIRST, "---\ntitle: \"\"\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:1: error: `title` is empty", "write the title after `title:`"]);
    title_missing: [Write(FIRST, "---\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:1: error: missing required key `title`"]);
    number_missing: [Write(FIRST, "---\ntitle: Eerste\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:2:1: error: missing required key `number`"]);
    unknown_key: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nthems: [leren]\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:1: error: unknown key `thems`", "did you mean `themes`?"]);
    key_of_another_kind: [Write(OVER, "---\ntitle: Over\nconclusions: [1]\n---\n")]
        => Fails(&["content/over.md:3:1: error: unknown key `conclusions`", "allowed keys here"]);
    slug_without_letters: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nslug: \"!!!\"\n---\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:1: error: wrong value for `slug`: `!!!` has no letters or digits"]);

    // Files that are not Markdown with front matter.
    front_matter_not_closed: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\n\nTekst.\n")]
        => Fails(&["content/conclusions/01-eerste.md:1:1: error: the front matter is not closed", "closing `---`"]);
    no_front_matter: [Write(FIRST, "# Eerste\n\nTekst.\n")]
        => Fails(&["content/conclusions/01-eerste.md:1:1: error: the file has no front matter"]);
    empty_file: [Write(FIRST, "")]
        => Fails(&["content/conclusions/01-eerste.md:1:1: error: the file is empty"]);
    only_whitespace: [Write(FIRST, " \n\t\n  \n")]
        => Fails(&["content/conclusions/01-eerste.md:1:1: error: the file is empty"]);
    not_utf8_without_follow_up_errors: [Fixture(FIRST, "latin1.md")]
        => Fails(&["content/conclusions/01-eerste.md:2:11: error: the file is not valid UTF-8 text", "save the file as UTF-8", "\n1 error\n"]);
    binary_file_named_md: [Fixture(FIRST, "pixel.png")]
        => Fails(&["content/conclusions/01-eerste.md:1:1: error: the file is not valid UTF-8 text (first bad byte at offset 0)"]);
    symlink_loop: [Symlink("content/themes/lus", "..")]
        => FailsWithoutLine(&["content/themes/lus: error: cannot walk the folder", "File system loop", "remove the link"]);
    symlink_to_itself: [Symlink("content/zelf.md", "zelf.md")]
        => FailsWithoutLine(&["content/zelf.md: error: cannot walk the folder"]);
    dangling_symlink: [Symlink("content/weg.md", "nergens.md")]
        => FailsWithoutLine(&["content/weg.md: error: cannot walk the folder"]);

    // The harvest as a whole.
    same_url_from_file_names: [Write("content/conclusions/03-eerste.md", "---\ntitle: Derde\nnumber: 3\n---\n")]
        => FailsWithoutLine(&["content/conclusions/03-eerste.md: error: this page would have the same URL `/conclusies/eerste/` as content/conclusions/01-eerste.md"]);
    same_slug_as_another_file: [Write("content/themes/andere.md", "---\ntitle: Andere\nslug: leren\n---\n")]
        => Fails(&["content/themes/andere.md:3:1: error: this page would have the same URL `/themas/leren/`"]);
    slug_over_a_file_that_keeps_its_name: [Write("content/themes/leren.md", "---\ntitle: Leren\nslug: leren\n---\n"), Write("content/themes/andere.md", "---\ntitle: Andere\nslug: leren\n---\n")]
        => Fails(&["content/themes/andere.md:3:1: error: this page would have the same URL `/themas/leren/` as content/themes/leren.md", "\n1 error\n"]);
    two_files_with_one_slug: [Write("content/themes/a.md", "---\ntitle: A\nslug: samen\n---\n"), Write("content/themes/b.md", "---\ntitle: B\nslug: samen\n---\n")]
        => Fails(&["content/themes/b.md:3:1: error: this page would have the same URL `/themas/samen/` as content/themes/a.md", "\n1 error\n"]);
    page_slug_same_as_a_section: [Write("content/x.md", "---\ntitle: X\nslug: themas\n---\n")]
        => Fails(&["content/x.md:3:1: error: this page would have the same URL `/themas/` as content/themes/_index.md"]);
    same_number_twice: [Write("content/conclusions/03-derde.md", "---\ntitle: Derde\nnumber: 2\n---\n")]
        => Fails(&["content/conclusions/03-derde.md:3:1: error: number 2 is already used by content/conclusions/02-tweede.md", "its own `number`"]);
    relation_to_a_draft: [Write(SECOND, "---\ntitle: Tweede\nnumber: 2\ndraft: true\n---\n")]
        => Fails(&["content/recommendations/01-doe-dit.md:5:18: error: `tweede` is a draft", "content/recommendations/02-doe-dat.md:4:15: error: `2` is a draft", "--drafts"]);
    relation_to_a_missing_theme: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nthemes: [lerne]\n---\n\n## Aanpak\n")]
        => Fails(&["content/conclusions/01-eerste.md:4:10: error: `lerne` is not a theme", "did you mean `leren`?"]);
    relation_to_a_missing_conclusion: [Write(DOE_DAT, "---\ntitle: Doe dat\nnumber: 2\nconclusions: [2, 9]\n---\n")]
        => Fails(&["content/recommendations/02-doe-dat.md:4:18: error: `9` is not a conclusion"]);
    link_to_a_missing_file: [Write(OVER, "---\ntitle: Over\n---\n\nZie [de derde](@/conclusions/03-derde.md).\n")]
        => Fails(&["content/over.md:5:5: error: broken link: `@/conclusions/03-derde.md`: there is no content/conclusions/03-derde.md"]);
    link_to_a_missing_anchor: [Write(OVER, "---\ntitle: Over\n---\n\nZie [de aanpak](@/conclusions/01-eerste.md#aanpk).\n")]
        => Fails(&["content/over.md:5:5: error: `conclusions/01-eerste.md` has no heading with the anchor `#aanpk`", "did you mean `aanpak`?"]);
    link_to_a_heading_that_went: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\nthemes: [leren]\n---\n\nGeen koppen meer.\n")]
        => Fails(&["content/recommendations/01-doe-dit.md:8:5: error: `conclusions/01-eerste.md` has no heading with the anchor `#aanpak`"]);
    link_to_markdown_by_path: [Write(OVER, "---\ntitle: Over\n---\n\nZie [de eerste](conclusions/01-eerste.md).\n")]
        => Fails(&["content/over.md:5:5: error: broken link", "write it as `@/conclusions/01-eerste.md`"]);
    link_to_a_missing_image: [Write(OVER, "---\ntitle: Over\n---\n\n![Schema](schema.png)\n")]
        => Fails(&["content/over.md:5:1: error: broken link: `schema.png`: there is no file content/schema.png"]);

    // Images: bad and hostile files are errors at the line that shows them, naming the file.
    jpeg_cut_off: [Made("content/foto.jpg", truncated_jpeg), Write(OVER, "---\ntitle: Over\n---\n\n![Flip-over](foto.jpg)\n")]
        => Fails(&["content/over.md:5:1: error: the image content/foto.jpg is damaged", "export the image again"]);
    text_named_jpg: [Write("content/foto.jpg", "dit is geen foto\n"), Write(OVER, "---\ntitle: Over\n---\n\n![Flip-over](foto.jpg)\n")]
        => Fails(&["content/over.md:5:1: error: content/foto.jpg is not an image (its content is no JPEG, PNG or WebP)"]);
    gif_named_png: [Bytes("content/foto.png", b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;"), Write(OVER, "---\ntitle: Over\n---\n\n![Schema](foto.png)\n")]
        => Fails(&["content/over.md:5:1: error: content/foto.png is a GIF image, which oogst does not publish", "save it as JPEG"]);
    png_bomb_of_30000_pixels_square: [Made("content/bom.png", decompression_bomb), Write(OVER, "---\ntitle: Over\n---\n\n![Bom](bom.png)\n")]
        => Fails(&["content/over.md:5:1: error: the image content/bom.png is too large: 30000 × 30000 pixels"]);
    image_without_description: [Fixture("content/schema.png", "pixel.png"), Write(OVER, "---\ntitle: Over\n---\n\nZie ![](schema.png).\n")]
        => Fails(&["content/over.md:5:5: error: the image `schema.png` has no description", "![-](schema.png)"]);
    front_matter_image_missing: [Write(OVER, "---\ntitle: Over\nimage: weg.jpg\nimage_alt: Een flip-over\n---\n\nTekst.\n")]
        => Fails(&["content/over.md:3:1: error: `image`: `weg.jpg`: there is no file content/weg.jpg", "\n1 error\n"]);
    front_matter_image_without_description: [Fixture("content/schema.png", "pixel.png"), Write(OVER, "---\ntitle: Over\nimage: schema.png\n---\n\nTekst.\n")]
        => Fails(&["content/over.md:3:1: error: the picture `schema.png` of `image` has no description", "add a line `image_alt: ...`", "og:image:alt"]);
    front_matter_image_with_empty_description: [Fixture("content/schema.png", "pixel.png"), Write(OVER, "---\ntitle: Over\nimage: schema.png\nimage_alt: \" \"\n---\n")]
        => Fails(&["content/over.md:3:1: error: the picture `schema.png` of `image` has no description"]);
    front_matter_image_with_a_long_description: [Fixture("content/schema.png", "pixel.png"), Write(OVER, "---\ntitle: Over\nimage: schema.png\nimage_alt: \"Een schema dat heel lang beschreven wordt, Een schema dat heel lang beschreven wordt, Een schema dat heel lang beschreven wordt, Een schema dat heel lang beschreven wordt, Een schema dat heel lang beschreven wordt, Een schema dat heel lang beschreven wordt.\"\n---\n")]
        => Builds(&["schema.png", "over/index.html"]);
    front_matter_description_without_image: [Write(OVER, "---\ntitle: Over\nimage_alt: Een flip-over\n---\n")]
        => Fails(&["content/over.md:3:1: error: `image_alt` describes a picture, but there is no `image`", "remove `image_alt:`"]);
    decorative_image: [Fixture("content/schema.png", "pixel.png"), Write(OVER, "---\ntitle: Over\n---\n\n![-](schema.png)\n")]
        => Builds(&["schema.png", "over/index.html"]);
    heic_from_a_phone: [Bytes("content/foto.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Write(OVER, "---\ntitle: Over\n---\n\n![Flip-over](foto.heic)\n")]
        => Fails(&["content/over.md:5:1: error: content/foto.heic is a HEIC image, which oogst does not publish", "save it as JPEG"]);

    // site.yaml.
    site_yaml_wrong_key: [Write("site.yaml", "title: Proefoogst\nlanguag: en\n")]
        => Fails(&["site.yaml:2:1: error: unknown key `languag`", "did you mean `language`?"]);
    site_yaml_not_a_mapping: [Write("site.yaml", "- title\n- Proefoogst\n")]
        => Fails(&["site.yaml:1:1: error: expected a list of `key: value` lines, found a list"]);
    site_yaml_empty: [Write("site.yaml", "")]
        => Fails(&["site.yaml:1:1: error: missing required key `title`"]);
    site_yaml_missing: [Remove("site.yaml")]
        => FailsWithoutLine(&["site.yaml: error: no site.yaml in", "oogst new DIR"]);
    site_yaml_is_a_folder: [Remove("site.yaml"), Folder("site.yaml")]
        => FailsWithoutLine(&["site.yaml: error: cannot read site.yaml"]);
    site_yaml_not_utf8: [Bytes("site.yaml", b"title: Proefoogst\nsubtitle: Caf\xe9\n")]
        => Fails(&["site.yaml:2:14: error: site.yaml is not valid UTF-8 text", "save the file as UTF-8"]);
    site_yaml_unknown_language: [Write("site.yaml", "title: Proefoogst\nlanguage: de\n")]
        => Fails(&["site.yaml:2:11: error: wrong value for `language`: expected `nl` or `en`"]);
    site_yaml_missing_theme: [Write("site.yaml", "title: Proefoogst\ntheme: fancy\n")]
        => Fails(&["site.yaml:2:1: error: theme `fancy` not found", "remove `theme:`"]);
    site_yaml_bad_base_url: [Write("site.yaml", "title: Proefoogst\nbase_url: example.org\n")]
        => Fails(&["site.yaml:2:1: error: base URL `example.org` is not a URL or a path"]);
    // Languages and translations.
    site_yaml_language_unknown: [Write("site.yaml", "title: Proefoogst\nlanguages:\n  de: {title: Ernte}\n")]
        => Fails(&["site.yaml:3:3: error: `languages`: oogst does not know the language `de`", "interface strings for `nl` and `en`"]);
    site_yaml_language_is_the_own: [Write("site.yaml", "title: Proefoogst\nlanguage: nl\nlanguages:\n  nl: {}\n")]
        => Fails(&["site.yaml:4:3: error: `languages`: `nl` is the site's own language"]);
    site_yaml_language_unknown_key: [Write("site.yaml", "title: Proefoogst\nlanguages:\n  en: {titel: Harvest}\n")]
        => Fails(&["site.yaml:3:", "unknown field `titel`"]);
    site_yaml_languages_a_list: [Write("site.yaml", "title: Proefoogst\nlanguages: [en]\n")]
        => Fails(&["site.yaml:2:", "wrong value for `languages`"]);
    translation_sets_a_number: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First\nnumber: 1\n---\n")]
        => Fails(&["content/conclusions/01-eerste.en.md:3:1: error: `number` is not set in a translation", "taken from the source file"]);
    translation_sets_themes_and_a_date: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First\nthemes: [leren]\ndate: 2026-01-02\n---\n")]
        => Fails(&["content/conclusions/01-eerste.en.md:3:1: error: `themes` is not set", "content/conclusions/01-eerste.en.md:4:1: error: `date` is not set"]);
    translation_without_title: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\nsummary: First\n---\n")]
        => Fails(&["content/conclusions/01-eerste.en.md:2:1: error: missing required key `title`"]);
    translation_unknown_key: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First\nsumary: x\n---\n")]
        => Fails(&["content/conclusions/01-eerste.en.md:3:1: error: unknown key `sumary`", "did you mean `summary`?"]);
    translation_without_source: [Write("site.yaml", BILINGUAL), Write("content/conclusions/09-negende.en.md", "---\ntitle: Ninth\n---\n")]
        => Fails(&["content/conclusions/09-negende.en.md:1:1: error: this translation has no source file: `conclusions/09-negende.md` does not exist", "add `conclusions/09-negende.md`"]);
    translation_into_a_language_not_listed: [Write("site.yaml", BILINGUAL), Write("content/conclusions/01-eerste.fr.md", "---\ntitle: Première\n---\n")]
        => Fails(&["content/conclusions/01-eerste.fr.md:1:1: error: `fr` is not a language of this site", "add `languages: {fr: {}}`"]);
    translation_into_the_own_language: [Write("site.yaml", BILINGUAL), Write("content/conclusions/01-eerste.nl.md", "---\ntitle: Eerste\n---\n")]
        => Fails(&["content/conclusions/01-eerste.nl.md:1:1: error: `nl` is the site's own language", "rename it to `conclusions/01-eerste.md`"]);
    translation_in_a_site_of_one_language: [Write(FIRST_EN, "---\ntitle: First\n---\n")]
        => Fails(&["content/conclusions/01-eerste.en.md:1:1: error: `en` is not a language of this site", "add `languages: {en: {}}` to site.yaml"]);
    translation_with_a_broken_link: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First\n---\n\nSee [this](@/conclusions/07-nee.md).\n")]
        => Fails(&["content/conclusions/01-eerste.en.md:5:", "broken link"]);
    translation_with_a_clashing_slug: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First\nslug: same\n---\n"), Write("content/conclusions/02-tweede.en.md", "---\ntitle: Second\nslug: same\n---\n")]
        => Fails(&["content/conclusions/02-tweede.en.md:3:1: error: this page would have the same URL `/en/conclusions/same/` as content/conclusions/01-eerste.en.md"]);
    translation_builds_beside_its_source: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First conclusion\nslug: first\n---\n\nSee [the second](@/conclusions/02-tweede.md).\n")]
        => Builds(&["en/conclusions/first/index.html", "en/conclusions/tweede/index.html", "conclusies/eerste/index.html", "en/atom.xml", "en/search-index/index.json", "en/404.html"]);
    translation_draft_leaves_the_original: [Write("site.yaml", BILINGUAL), Write(FIRST_EN, "---\ntitle: First\nslug: first\ndraft: true\n---\n")]
        => Builds(&["en/conclusions/eerste/index.html"]);
    site_yaml_print_no_items: [Write("site.yaml", "title: Proefoogst\nprint: {max_items: 0}\n")]
        => Fails(&["site.yaml:2:1: error: `print.max_items` is 0", "such as `print: {max_items: 500}`"]);
    site_yaml_print_items_not_a_number: [Write("site.yaml", "title: Proefoogst\nprint: {max_items: veel}\n")]
        => Fails(&["site.yaml:2:20: error: wrong value for `print`: expected a whole number"]);
    site_yaml_print_unknown_key: [Write("site.yaml", "title: Proefoogst\nprint: {max_itemz: 3}\n")]
        => Fails(&["site.yaml:2:9: error: invalid YAML: unknown field `max_itemz`"]);
    site_yaml_sections_a_list: [Write("site.yaml", "title: Proefoogst\nsections: [a]\n")]
        => Fails(&["site.yaml:2:11: error: wrong value for `sections`: expected a mapping of `key: value` lines, found a list"]);
    site_yaml_two_sections_one_url: [Write("site.yaml", "title: Proefoogst\nsections:\n  themes: delen\n  conclusions: Delen\n")]
        => Fails(&["site.yaml:4:3: error: the URL name `Delen` of section `conclusions` makes the URL `/delen/` of themes"]);
    site_yaml_edit_url_not_a_web_address: [Write("site.yaml", "title: Proefoogst\nedit_url: gitlab.com/org/harvest\n")]
        => Fails(&["site.yaml:2:11: error: `edit_url` `gitlab.com/org/harvest` is not a web address", "/-/edit/main/"]);
    site_yaml_brand_not_a_colour: [Write("site.yaml", "title: Proefoogst\nbrand:\n  accent: navy\n")]
        => Fails(&["site.yaml:3:3: error: `brand.accent`: `navy` is not a colour", "`#rrggbb`"]);
    site_yaml_brand_colour_unquoted: [Write("site.yaml", "title: Proefoogst\nbrand:\n  accent: #154273\n")]
        => Fails(&["site.yaml:3:3: error: `brand.accent`: no colour is given", "quote the colour"]);
    site_yaml_brand_colour_too_light: [Write("site.yaml", "title: Proefoogst\nbrand:\n  accent: \"#77aaff\"\n")]
        => Fails(&["site.yaml:3:3: error: `brand.accent`: the colour #77aaff has a contrast of 1.88:1", "need 4.5:1", "nearest colour of the same hue that passes is `#"]);
    site_yaml_brand_dark_accent_too_dark: [Write("site.yaml", "title: Proefoogst\nbrand: {accent: \"#154273\", accent_dark: \"#0b2a4a\"}\n")]
        => Fails(&["site.yaml:2:28: error: `brand.accent_dark`: the colour #0b2a4a has a contrast of 1.07:1", "in dark mode"]);
    site_yaml_brand_font_breaks_out: [Write("site.yaml", "title: Proefoogst\nbrand:\n  font: \"Arial} body{display:none\"\n")]
        => Fails(&["site.yaml:3:3: error: `brand.font`: the font stack"]);
    site_yaml_brand_unknown_key: [Write("site.yaml", "title: Proefoogst\nbrand:\n  acent: \"#154273\"\n")]
        => Fails(&["site.yaml:3:3: error: invalid YAML: unknown field `acent`"]);
    site_yaml_brand_logo_missing: [Write("site.yaml", "title: Proefoogst\nbrand:\n  logo: static/logo.svg\n")]
        => Fails(&["site.yaml:3:3: error: `brand.logo`: there is no file `static/logo.svg`"]);
    site_yaml_brand_logo_not_an_image: [Write("brand/logo.png", "not a picture"), Write("site.yaml", "title: Proefoogst\nbrand:\n  logo: brand/logo.png\n")]
        => Fails(&["site.yaml:3:3: error: `brand.logo`: `brand/logo.png` is not a PNG, JPEG, GIF, WebP or SVG image"]);
    site_yaml_brand_logo_outside_the_site: [Write("site.yaml", "title: Proefoogst\nbrand:\n  logo: ../logo.svg\n")]
        => Fails(&["site.yaml:3:3: error: `brand.logo`: `../logo.svg` is not a path inside the site folder"]);
    site_yaml_section_without_letters: [Write("site.yaml", "title: Proefoogst\nsections: {themes: \"?\"}\n")]
        => Fails(&["site.yaml:2:12: error: the URL name `?` of section `themes` has no letters or digits"]);
    site_yaml_section_over_a_generated_page: [Write("site.yaml", "title: Proefoogst\nsections: {themes: relatieoverzicht}\n")]
        => Fails(&["site.yaml:2:12: error: the URL name `relatieoverzicht` of section `themes` makes the URL `/relatieoverzicht/` of a page oogst makes"]);

    // Templates.
    template_syntax_error: [Write("templates/conclusion.html", "{% extends \"item.html\" %}\n{% block kicker %}\n{{ page.number }\n{% endblock kicker %}\n")]
        => Fails(&["templates/conclusion.html:3:16: error: template `conclusion.html`"]);
    template_undefined_variable: [Write("templates/conclusion.html", "{% extends \"item.html\" %}\n{% block kicker %}\n{{ page.nummer }}\n{% endblock kicker %}\n")]
        => Fails(&["templates/conclusion.html:3:9: error: template `conclusion.html`: Field `nummer` is not defined"]);
    template_undefined_top_level_variable: [Write("templates/conclusion.html", "{{ nergens }}\n")]
        => Fails(&["templates/conclusion.html:1:4: error: template `conclusion.html`: Variable `nergens` is not defined"]);
    template_unknown_filter: [Write("templates/conclusion.html", "{{ page.title | geenfilter }}\n")]
        => Fails(&["templates/conclusion.html:1:17: error: template `conclusion.html`: Unknown filter `geenfilter`"]);
    template_extends_a_missing_one: [Write("templates/conclusion.html", "{% extends \"nergens.html\" %}\n")]
        => Fails(&["templates/conclusion.html:1:", "nergens.html"]);
    template_includes_itself: [Write("templates/conclusion.html", "{% include \"conclusion.html\" %}\n")]
        => Fails(&["templates/conclusion.html:1:", "Circular include"]);
    template_extends_a_misspelt_one: [Write("templates/conclusion.html", "{# kop #}\n{% extends \"iten.html\" %}\n")]
        => Fails(&["templates/conclusion.html:2:12: error: template `conclusion.html` extends `iten.html`, which is not a template", "did you mean `item.html`?", "create templates/iten.html"]);
    template_include_cycle_through_the_theme: [Write("templates/partials/nav.html", "<nav>\n{% include \"base.html\" %}\n</nav>\n")]
        => Fails(&["templates/partials/nav.html:2:12: error: template `partials/nav.html`: Circular include: `base.html` → `partials/nav.html` → `base.html`", "break the cycle"]);
    template_extends_itself: [Write("templates/base.html", "{% extends \"base.html\" %}\n")]
        => Fails(&["templates/base.html:1:12: error: template `base.html`: Circular inheritance", "break the cycle"]);

    template_sitemap_undefined_field: [Write("templates/sitemap.xml", "<urlset>\n{% for url in sitemap.urls %}{{ url.plek }}{% endfor %}\n</urlset>\n")]
        => Fails(&["templates/sitemap.xml:2:37: error: template `sitemap.xml`: Field `plek` is not defined"]);
    template_sitemap_syntax_error: [Write("templates/sitemap.xml", "<urlset>\n{% for url in sitemap.urls %}\n</urlset>\n")]
        => Fails(&["templates/sitemap.xml:", "error: template `sitemap.xml`"]);

    // Odd but valid input builds.
    only_front_matter: [Write(SECOND, "---\ntitle: Tweede\nnumber: 2\n---")]
        => Builds(&["conclusies/tweede/index.html"]);
    only_front_matter_with_newline: [Write(SECOND, "---\ntitle: Tweede\nnumber: 2\n---\n")]
        => Builds(&["conclusies/tweede/index.html"]);
    byte_order_mark: [Write(FIRST, "\u{feff}---\ntitle: Eerste\nnumber: 1\n---\n\n## Aanpak\n")]
        => Builds(&["conclusies/eerste/index.html"]);
    crlf_line_ends: [Write(FIRST, "---\r\ntitle: Eerste\r\nnumber: 1\r\nthemes: [leren]\r\n---\r\n\r\n## Aanpak\r\n\r\nZo.\r\n")]
        => Builds(&["conclusies/eerste/index.html"]);
    site_yaml_with_bom_and_crlf: [Write("site.yaml", "\u{feff}title: Proefoogst\r\nlanguage: nl\r\n")]
        => Builds(&["index.html"]);
    png_beside_the_content: [Fixture("content/conclusions/schema.png", "pixel.png"), Write(OVER, "---\ntitle: Over\n---\n\n![Schema](conclusions/schema.png)\n")]
        => Builds(&["conclusies/schema.png", "over/index.html"]);
    page_links_to_itself: [Write(FIRST, "---\ntitle: Eerste\nnumber: 1\n---\n\nZie [hier](@/conclusions/01-eerste.md#aanpak) en [boven](@/conclusions/01-eerste.md#).\n\n## Aanpak\n")]
        => Builds(&["conclusies/eerste/index.html"]);
    small_aliases_are_fine: [Write(OVER, "---\ntitle: &t Over\nsummary: *t\nextra:\n  a: &a [1, 2, 3]\n  b: [*a, *a]\n---\n\nTekst.\n")]
        => Builds(&["over/index.html"]);
    brackets_in_quoted_text: [Write(OVER, "---\ntitle: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n---\n")]
        => Builds(&["over/index.html"]);
    leap_day: [Write(OVER, "---\ntitle: Over\ndate: 2024-02-29\n---\n")]
        => Builds(&["over/index.html"]);
    brand_with_accent_logo_and_font: [Fixture("static/logo.png", "pixel.png"), Write("site.yaml", "title: Proefoogst\nbrand:\n  accent: \"#154273\"\n  logo: static/logo.png\n  font: '\"Noto Sans\", sans-serif'\n")]
        => Builds(&["index.html", "logo.png"]);
    empty_template_override: [Write("templates/conclusion.html", "")]
        => Builds(&["conclusies/eerste/index.html"]);

    // Files that would replace pages oogst makes are errors.
    page_over_the_print_edition: [Write("content/printversie.md", "---\ntitle: Mijn print\n---\n")]
        => Fails(&["content/printversie.md:1:1: error: this page would have the same URL `/printversie/` as the print edition, which oogst makes", "rename or move the file"]);
    page_slug_over_the_matrix: [Write(OVER, "---\ntitle: Over\nslug: relatieoverzicht\n---\n")]
        => Fails(&["content/over.md:3:1: error: this page would have the same URL `/relatieoverzicht/` as the relation matrix, which oogst makes"]);
    page_over_a_section_list: [Remove("content/themes/_index.md"), Write("content/themas.md", "---\ntitle: Thema's\n---\n")]
        => Fails(&["content/themas.md:1:1: error: this page would have the same URL `/themas/` as the list of themes, which oogst makes"]);
    static_file_over_a_page: [Write("static/conclusies/eerste/index.html", "STATIC")]
        => FailsWithoutLine(&["static/conclusies/eerste/index.html", "/conclusies/eerste/"]);
    content_file_over_a_page: [Write("content/over/index.html", "ASSET")]
        => FailsWithoutLine(&["content/over/index.html", "/over/"]);
    static_file_over_the_feed: [Write("static/atom.xml", "<feed/>")]
        => FailsWithoutLine(&["static/atom.xml: error: this file would replace `/atom.xml`, which oogst makes", "rename or move the file"]);
    static_file_over_the_search_index: [Write("static/search-index/index.json", "{}")]
        => FailsWithoutLine(&["static/search-index/index.json: error: this file would replace `/search-index/index.json`"]);
    content_file_over_the_404_page: [Write("content/404.html", "weg")]
        => FailsWithoutLine(&["content/404.html: error: this file would replace `/404.html`"]);
    one_file_in_static_and_beside_the_content: [Write("static/schema.pdf", "a"), Write("content/schema.pdf", "b")]
        => FailsWithoutLine(&["content/schema.pdf: error: this file would have the same URL `/schema.pdf` as static/schema.pdf", "keep the file in one place"]);
    two_images_with_one_name: [Made("content/foto.jpg", plain_jpeg), Made("content/foto.webp", plain_webp), Write(OVER, "---\ntitle: Over\n---\n\n![Flip-over](foto.jpg)\n\n![Weer](foto.webp)\n")]
        => FailsWithoutLine(&["content/foto.webp: error: this file and the image content/foto.jpg would both be published as `/foto-480.jpg`", "rename one of them", "\n1 error\n"]);
    static_file_over_a_size_of_an_image: [Made("content/foto.jpg", plain_jpeg), Made("static/foto-480.jpg", plain_jpeg), Write(OVER, "---\ntitle: Over\n---\n\n![Flip-over](foto.jpg)\n")]
        => FailsWithoutLine(&["static/foto-480.jpg: error: this file and the image content/foto.jpg would both be published as `/foto-480.jpg`"]);

    // Images in static/ are published without their metadata: one that cannot be read for it is an error.
    text_named_jpg_in_static: [Write("static/img/foto.jpg", "dit is geen foto\n")]
        => FailsWithoutLine(&["static/img/foto.jpg: error: static/img/foto.jpg is not an image", "export the image again"]);
    heic_in_static: [Write("static/img/foto.heic", "\0\0\0\x18ftypheic")]
        => FailsWithoutLine(&["static/img/foto.heic: error: static/img/foto.heic is a HEIC image, which oogst does not publish", "save it as JPEG"]);
    plain_jpeg_in_static: [Made("static/img/foto.jpg", plain_jpeg)]
        => Builds(&["img/foto.jpg"]);
}

fn deep_flow_nesting() -> Vec<u8> {
    let n = 100_000;
    format!(
        "---\ntitle: Doe dat\nnumber: 2\nconclusions: [2]\nextra: {}{}\n---\n",
        "[".repeat(n),
        "]".repeat(n)
    )
    .into_bytes()
}

fn overlong_front_matter() -> Vec<u8> {
    let mut text = String::from("---\ntitle: Doe dat\nnumber: 2\nconclusions: [2]\nextra:\n");
    for i in 0..200_000 {
        text.push_str(&format!("  k{i}: v\n"));
    }
    text.push_str("---\n");
    text.into_bytes()
}

/// A file that cannot be read: without permissions, or, for root (who reads those), a link
/// to a kernel setting that no one may read.
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let site = built_small_site();
    let before = site.output();
    let path = site.path(OVER);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        std::fs::remove_file(&path).expect("remove");
        std::os::unix::fs::symlink("/proc/sys/vm/compact_memory", &path).expect("a link");
    }
    assert!(
        std::fs::read(&path).is_err(),
        "this machine gives no file that this user cannot read"
    );
    let run = build(&site, LIMIT);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/over.md: error: cannot read"),
        "{}",
        run.stderr
    );
    assert!(site.output() == before);
}

/// The decompression bomb is refused by its header: the build holds about what a small
/// site needs, not the 2.7 GB its pixels would take.
#[test]
fn a_png_bomb_is_refused_in_bounded_memory() {
    let site = Site::small();
    std::fs::write(site.path("content/bom.png"), decompression_bomb()).expect("write");
    site.write(OVER, "---\ntitle: Over\n---\n\n![Bom](bom.png)\n");
    let run = build(&site, LIMIT);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("30000 × 30000 pixels"),
        "{}",
        run.stderr
    );
    if let Some(peak) = run.peak_rss_kib {
        assert!(peak < 100 * 1024, "peak memory {peak} KiB");
    }
}

/// A 20 MB body, written like a long report, builds in memory of at most ten times its size.
#[test]
fn a_20_mb_body_builds_in_bounded_memory() {
    let paragraph = "De ondergrond is van iedereen en van niemand; wie er iets mee wil, moet weten \
        wat er al ligt. Daarom delen de deelnemers hun *ervaringen* met de \
        [Omgevingswet](https://example.org/wet) en met elkaar, in `werksessies` en daarbuiten.\n\n";
    big_body(
        |i, text| {
            text.push_str(&format!("## Hoofdstuk {i}\n\n"));
            for _ in 0..3 {
                text.push_str(paragraph);
            }
            text.push_str("- een punt\n- nog een punt\n\n");
        },
        10,
    );
}

/// Markup at every turn, 240,000 headings (many alike) and 120,000 `@/` links: this once
/// took quadratic time. The Markdown parser itself holds about eleven times such a text,
/// and the page's table of contents and search entries as much again: the bound is looser.
#[test]
fn a_20_mb_body_dense_with_markup_builds_in_bounded_memory() {
    big_body(
        |i, text| {
            text.push_str(&format!(
            "## Kop {i}\n\nAlinea {i} met *nadruk*, `code` en een [link](https://example.org/{i}).\n\n\
             - punt een\n- punt twee\n\nZie [de aanpak](@/conclusions/01-eerste.md#aanpak).\n\n## Kop\n\n"
        ));
        },
        30,
    );
}

fn big_body(section: impl Fn(usize, &mut String), times: u64) {
    const SIZE: usize = 20 << 20;
    let site = Site::small();
    let mut text = String::with_capacity(SIZE + 4096);
    text.push_str("---\ntitle: Groot\nnumber: 2\nconclusions: [2]\n---\n\n");
    let mut i = 0;
    while text.len() < SIZE {
        section(i, &mut text);
        i += 1;
    }
    site.write(DOE_DAT, &text);
    let run = build(&site, BIG_LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let page = site.path("public/aanbevelingen/doe-dat/index.html");
    assert!(std::fs::metadata(page).expect("the page").len() > SIZE as u64);
    let peak = (run.peak_rss_kib).expect("the peak memory, from /proc/<pid>/status");
    let bound = times * SIZE as u64 / 1024;
    eprintln!(
        "{} MiB body: peak {} MiB (bound {} MiB) in {:?}",
        SIZE >> 20,
        peak / 1024,
        bound / 1024,
        run.elapsed
    );
    assert!(peak < bound, "peak memory {peak} KiB ≥ {bound} KiB");
}

#[path = "../fuzz/src/targets.rs"]
mod fuzz_targets;

/// The fuzz targets' checks on the stable toolchain: every seed of the fuzzers and every
/// input that once made one fail (`bash fuzz/run.sh --replay` runs just this).
#[test]
fn fuzz_inputs_replay() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    type Target = fn(&[u8]);
    let targets: [(&str, Target); 6] = [
        ("front_matter", fuzz_targets::front_matter),
        ("yaml", fuzz_targets::yaml),
        ("markdown", fuzz_targets::markdown),
        ("link", fuzz_targets::link),
        ("image", fuzz_targets::image),
        ("pdf_markup", fuzz_targets::pdf_markup),
    ];
    let mut replayed = 0;
    for (name, target) in targets {
        for folder in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(name)) else {
                continue;
            };
            let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            files.sort();
            for file in files {
                let data = std::fs::read(&file).expect("an input");
                let passed = std::panic::catch_unwind(|| target(&data)).is_ok();
                assert!(passed, "fuzz target `{name}` fails on {}", file.display());
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= 100,
        "only {replayed} inputs: are fuzz/seeds there?"
    );
}
