//! A rebuild after changes gives the same site, byte for byte, as a clean build.

mod kinds;

use crate::common;
use common::{FIRST, SECOND};

use std::collections::BTreeMap;

use common::Site;
use oogst::output::InMemory;
use oogst::{BuildOptions, Change, Preview};

fn options(site: &Site) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        base_url: None,
        drafts: false,
    }
}

/// A preview with the site it serves, kept as the preview server keeps it: the output of
/// each run taken in as the run says (the whole site, or what changed and what is gone),
/// then what the preview made after.
struct Served {
    preview: Preview,
    site: oogst::output::Site,
    /// How many pages the last run rendered before the files it deferred.
    rendered: usize,
}

impl Served {
    fn new(preview: Preview) -> Served {
        let site = oogst::output::Site::new();
        Served {
            preview,
            site,
            rendered: 0,
        }
    }

    fn run(&mut self, changes: &[Change]) -> Result<oogst::Built, oogst::diagnostics::Diagnostics> {
        let memory = InMemory::default();
        let built = self.preview.run(changes, &memory)?;
        self.site.update(memory.into_site(), &built.emitted);
        self.rendered = self.preview.pages_rendered();
        if let Some(later) = self.preview.finish_deferred() {
            self.site.apply(later?);
        }
        Ok(built)
    }
}

impl std::ops::Deref for Served {
    type Target = Preview;
    fn deref(&self) -> &Preview {
        &self.preview
    }
}

impl std::ops::DerefMut for Served {
    fn deref_mut(&mut self) -> &mut Preview {
        &mut self.preview
    }
}

/// The site served after `changes`.
fn files(served: &mut Served, changes: &[Change]) -> BTreeMap<String, Vec<u8>> {
    served.run(changes).unwrap_or_else(|e| panic!("{e}"));
    contents(&served.site)
}

/// A clean build, as `oogst build` makes it.
fn clean_build(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let (built, _) = oogst::build_site(&options(site)).unwrap_or_else(|e| panic!("{e}"));
    contents(&built)
}

fn contents(site: &oogst::output::Site) -> BTreeMap<String, Vec<u8>> {
    site.paths()
        .map(|p| {
            (
                p.to_string(),
                site.get(p).unwrap().bytes().unwrap().into_owned(),
            )
        })
        .collect()
}

/// Rebuilds `incremental` after `changes` and compares it with a clean build.
fn assert_same_as_clean(site: &Site, incremental: &mut Served, changes: &[Change]) {
    incremental.run(changes).unwrap_or_else(|e| panic!("{e}"));
    assert_served_as_clean(site, incremental, &format!("{changes:?}"));
}

/// Compares the site `served` serves with a clean build of `site`, byte for byte, after
/// `what`.
fn assert_served_as_clean(site: &Site, served: &Served, what: &str) {
    let rebuilt = contents(&served.site);
    let clean = clean_build(site);
    let only = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        a.keys().filter(|p| !b.contains_key(*p)).cloned().collect()
    };
    assert!(
        rebuilt.keys().eq(clean.keys()),
        "{what}: the same files; only served: {:?}; only clean: {:?}",
        only(&rebuilt, &clean),
        only(&clean, &rebuilt),
    );
    for (path, bytes) in &clean {
        assert!(rebuilt[path] == *bytes, "{path} differs after {what}");
    }
}

#[test]
fn a_series_of_edits_rebuilds_to_the_clean_result() {
    let site = Site::small();
    let mut pipeline = Served::new(Preview::new(options(&site)));
    files(&mut pipeline, &[]);
    let content = |rel: &str| Change::Content(site.path(rel));

    // A body edit.
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak]\n---\n\nAnders.\n\n## Kop\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(SECOND)]);

    // A title edit shows in lists, relations and neighbours.
    site.write(
        FIRST,
        "---\ntitle: Allereerste\nnumber: 1\nthemes: [leren]\n---\n\n## Aanpak\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(FIRST)]);

    // A new item, a link to its heading from elsewhere.
    site.write(
        "content/conclusions/03-derde.md",
        "---\ntitle: Derde\nnumber: 3\nthemes: [vak]\n---\n\n## Kern\n",
    );
    site.write(
        "content/over.md",
        "---\ntitle: Over\n---\n\nZie [de kern](@/conclusions/03-derde.md#kern).\n",
    );
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[
            content("content/conclusions/03-derde.md"),
            content("content/over.md"),
        ],
    );

    // A rename changes the URL that links point to.
    std::fs::rename(
        site.path("content/themes/vak.md"),
        site.path("content/themes/vakwerk.md"),
    )
    .unwrap();
    for rel in [SECOND, "content/conclusions/03-derde.md"] {
        let text = std::fs::read_to_string(site.path(rel))
            .unwrap()
            .replace("[vak]", "[vakwerk]");
        site.write(rel, &text);
    }
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[
            content("content/themes/vak.md"),
            content("content/themes/vakwerk.md"),
            content(SECOND),
            content("content/conclusions/03-derde.md"),
        ],
    );

    // A file beside the content, a deleted item.
    site.write("content/conclusions/schema.txt", "schema");
    std::fs::remove_file(site.path("content/recommendations/02-doe-dat.md")).unwrap();
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[
            content("content/conclusions/schema.txt"),
            content("content/recommendations/02-doe-dat.md"),
        ],
    );

    // A broken edit fails; the fix rebuilds to the clean result.
    site.write("content/over.md", "---\ntitle: Over\nthems: []\n---\n");
    assert!(
        pipeline
            .preview
            .run(&[content("content/over.md")], &InMemory::default())
            .is_err()
    );
    site.write(
        "content/over.md",
        "---\ntitle: Over ons\n---\n\nHersteld.\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content("content/over.md")]);

    // A template, then the language of the whole site.
    site.write(
        "templates/theme.html",
        "{% extends \"item.html\" %}{% block kicker %}Onderwerp{% endblock kicker %}",
    );
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[Change::Theme(site.path("templates/theme.html"))],
    );
    site.write("site.yaml", "title: Trial harvest\nlanguage: en\n");
    assert_same_as_clean(&site, &mut pipeline, &[Change::Config]);
}

#[test]
fn body_only_edits_rebuild_to_the_clean_result() {
    let site = Site::small();
    let mut pipeline = Served::new(Preview::new(options(&site)));
    files(&mut pipeline, &[]);
    let content = |rel: &str| Change::Content(site.path(rel));
    let front =
        "---\ntitle: Eerste conclusie\nnumber: 1\nsummary: De eerste.\nthemes: [leren]\n---\n\n";

    // The body of an item with a summary of its own, twice in a row.
    site.write(
        FIRST,
        &format!("{front}Nieuwe tekst.\n\n## Aanpak\n\nZo.\n"),
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(FIRST)]);
    site.write(
        FIRST,
        &format!("{front}Nog nieuwer, met [een link](@/conclusions/02-tweede.md).\n\n## Aanpak\n"),
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(FIRST)]);

    // A heading that another page links to disappears: an error; back again: as clean.
    site.write(FIRST, &format!("{front}Zonder kop.\n"));
    let broken = pipeline
        .preview
        .run(&[content(FIRST)], &InMemory::default());
    let errors = broken
        .expect_err("a link to the heading breaks")
        .to_string();
    assert!(
        errors.contains("content/recommendations/01-doe-dit.md:8:5"),
        "{errors}"
    );
    site.write(FIRST, &format!("{front}Met kop.\n\n## Aanpak\n"));
    assert_same_as_clean(&site, &mut pipeline, &[content(FIRST)]);

    // A body whose first paragraph is the summary shown in lists; the home page's intro;
    // a section's intro.
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak, leren]\n---\n\nEen andere eerste alinea.\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(SECOND)]);
    site.write(
        "content/_index.md",
        "---\ntitle: Proefoogst\n---\n\nAnders welkom.\n",
    );
    site.write(
        "content/conclusions/_index.md",
        "---\ntitle: Conclusies\n---\n\nAndere intro.\n",
    );
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[
            content("content/_index.md"),
            content("content/conclusions/_index.md"),
        ],
    );
}

#[test]
fn a_new_folder_of_content_is_taken_in_whole() {
    let site = Site::small();
    let mut pipeline = Served::new(Preview::new(options(&site)));
    files(&mut pipeline, &[]);
    site.write("content/bijlagen/a.md", "---\ntitle: A\n---\n");
    site.write("content/bijlagen/b.md", "---\ntitle: B\n---\n");
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[Change::Content(site.path("content/bijlagen"))],
    );
    std::fs::remove_dir_all(site.path("content/bijlagen")).unwrap();
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[Change::Content(site.path("content/bijlagen"))],
    );
}

#[test]
fn translations_added_edited_and_deleted_rebuild_to_the_clean_result() {
    let site = Site::small();
    site.write(
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\npdf: false\nlanguages:\n  en: {title: Test harvest}\n",
    );
    // As the preview server runs it: the files that hold every item made after the pages
    // an edit reaches (the PDF, made apart, is left out here).
    let mut pipeline = Served::new(
        Preview::new(options(&site))
            .deferring_print()
            .emitting_changes(),
    );
    files(&mut pipeline, &[]);
    let content = |rel: &str| Change::Content(site.path(rel));
    let first = "content/conclusions/01-eerste.en.md";

    // A new translation: its page moves to its own slug, lists and relations follow.
    site.write(
        first,
        "---\ntitle: First conclusion\nslug: first\nsummary: The first.\n---\n\nText.\n\n## Approach\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(first)]);

    // Its body, then its title: the body reaches its English page alone.
    site.write(
        first,
        "---\ntitle: First conclusion\nslug: first\nsummary: The first.\n---\n\nOther text.\n\n## Approach\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(first)]);
    let rendered = pipeline.rendered;
    assert!(rendered <= 2, "{rendered} pages rendered for a body");
    site.write(
        first,
        "---\ntitle: The first conclusion\nslug: first\n---\n\nOther text.\n\n## Approach\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(first)]);

    // A translation linking to it, by the source file.
    let doe = "content/recommendations/01-doe-dit.en.md";
    site.write(
        doe,
        "---\ntitle: Do this\n---\n\nSee [the approach](@/conclusions/01-eerste.md#approach).\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(doe)]);

    // The source's title changes: the Dutch pages follow, the English keep the translation.
    site.write(
        FIRST,
        "---\ntitle: Eerste, herzien\nnumber: 1\nsummary: De eerste.\nthemes: [leren]\n---\n\nTekst.\n\n## Aanpak\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(FIRST)]);

    // Deleted: the page falls back to the original text at the original's slug, so the
    // anchor of the English heading is gone: the link to it is an error until it is fixed.
    std::fs::remove_file(site.path(first)).expect("remove the translation");
    let memory = InMemory::default();
    let error = pipeline
        .preview
        .run(&[content(first)], &memory)
        .err()
        .map(|e| e.to_string());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("no heading with the anchor `#approach`")),
        "{error:?}"
    );
    site.write(
        doe,
        "---\ntitle: Do this\n---\n\nSee [the first](@/conclusions/01-eerste.md).\n",
    );
    assert_same_as_clean(&site, &mut pipeline, &[content(doe)]);

    // A broken translation fails, and its repair builds the clean site again.
    site.write(first, "---\ntitle: First\nnumber: 1\n---\n");
    let memory = InMemory::default();
    assert!(pipeline.preview.run(&[content(first)], &memory).is_err());
    site.write(first, "---\ntitle: First\n---\n\nText.\n");
    assert_same_as_clean(&site, &mut pipeline, &[content(first)]);

    // The second language goes away: its pages and files with it.
    site.write(
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\npdf: false\n",
    );
    std::fs::remove_file(site.path(first)).expect("remove the translation");
    std::fs::remove_file(site.path(doe)).expect("remove the translation");
    assert_same_as_clean(
        &site,
        &mut pipeline,
        &[Change::Config, content(first), content(doe)],
    );
}

#[test]
fn a_photo_taken_out_of_a_body_leaves_the_served_site_with_it() {
    let site = Site::small();
    site.write("site.yaml", "title: Proefoogst\npdf: false\n");
    let photo = image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x * 255 / 900) as u8, (y * 255 / 600) as u8, 120])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&photo)
        .expect("a JPEG");
    site.write_bytes("content/conclusions/sessie.jpg", &jpeg);
    let text = |body: &str| {
        format!(
            "---\ntitle: Eerste\nnumber: 1\nthemes: [leren]\n---\n\nTekst.\n\n{body}\n\n## Aanpak\n"
        )
    };
    site.write(FIRST, &text("![De sessie](sessie.jpg)"));
    let mut served = Served::new(
        Preview::new(options(&site))
            .deferring_print()
            .emitting_changes(),
    );
    let photos = |files: &BTreeMap<String, Vec<u8>>| {
        files
            .keys()
            .filter(|p| p.contains("sessie") && !p.ends_with(".html"))
            .count()
    };
    let shown = files(&mut served, &[]);
    assert!(
        photos(&shown) >= 2,
        "the photo in its sizes: {:?}",
        shown.keys()
    );

    // Only the body changes: the quick rebuild puts out what changed, and tells what is gone.
    site.write(FIRST, &text("Geen foto meer."));
    let change = Change::Content(site.path(FIRST));
    assert_same_as_clean(&site, &mut served, std::slice::from_ref(&change));
    assert_eq!(
        photos(&contents(&served.site)),
        0,
        "no size of the photo is left"
    );

    site.write(FIRST, &text("![De sessie](sessie.jpg)"));
    assert_same_as_clean(&site, &mut served, &[change]);
}
