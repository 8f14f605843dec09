//! A harvest in two languages, built with the real binary: the small site with English
//! beside Dutch, two of its items translated. What a reader and a search engine see of the
//! English pages, and what `check` and `build` say of what is not translated yet.

use crate::common;

use common::{Site, oogst};

const BILINGUAL: &str = "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/oogst/\nlanguages:\n  en:\n    title: Test harvest\n    description: The test harvest in English.\n";

/// The small site in Dutch and English: the first conclusion, the theme `leren`, the first
/// recommendation and the home page translated; the rest not yet.
fn bilingual() -> Site {
    let site = Site::small();
    site.write("site.yaml", BILINGUAL);
    site.write(
        "content/conclusions/01-eerste.en.md",
        "---\ntitle: First conclusion\nslug: first\nsummary: The first.\ntags: [learning]\n---\n\nText of the first, on recommendations and coaching.\n\n## Approach\n\nLike this.\n",
    );
    site.write(
        "content/themes/leren.en.md",
        "---\ntitle: Learning\nslug: learning\n---\n\nAbout learning.\n",
    );
    site.write(
        "content/recommendations/01-doe-dit.en.md",
        "---\ntitle: Do this\n---\n\nSee [the approach](@/conclusions/01-eerste.md#approach) and [the second](@/conclusions/02-tweede.md).\n",
    );
    site.write(
        "content/_index.en.md",
        "---\ntitle: Test harvest\n---\n\nWelcome to the harvest.\n",
    );
    site
}

#[test]
fn every_page_has_its_version_in_the_other_language() {
    let site = bilingual();
    site.build_ok(&[]);
    let en = site.page("en/conclusions/first/index.html");
    assert_eq!(en.attrs("html", "lang"), ["en"]);
    assert_eq!(en.text("h1"), "First conclusion");
    // The switch leads to the same item in Dutch, not to the home page.
    assert_eq!(
        en.attrs(".language-switch a[hreflang=nl]", "href"),
        ["/oogst/conclusies/eerste/"]
    );
    assert_eq!(
        en.attrs(".language-switch a[aria-current]", "href"),
        ["/oogst/en/conclusions/first/"]
    );
    let nl = site.page("conclusies/eerste/index.html");
    assert_eq!(nl.attrs("html", "lang"), ["nl"]);
    assert_eq!(
        nl.attrs(".language-switch a[hreflang=en]", "href"),
        ["/oogst/en/conclusions/first/"]
    );
    // hreflang pairs: each page names the other, and itself, with absolute URLs.
    let alternates = |page: &common::Page| -> Vec<(String, String)> {
        let langs = page.attrs("link[rel=alternate][hreflang]", "hreflang");
        let hrefs = page.attrs("link[rel=alternate][hreflang]", "href");
        langs.into_iter().zip(hrefs).collect()
    };
    let pairs = vec![
        (
            "nl".to_string(),
            "https://example.org/oogst/conclusies/eerste/".to_string(),
        ),
        (
            "x-default".to_string(),
            "https://example.org/oogst/conclusies/eerste/".to_string(),
        ),
        (
            "en".to_string(),
            "https://example.org/oogst/en/conclusions/first/".to_string(),
        ),
    ];
    assert_eq!(alternates(&en), pairs);
    assert_eq!(alternates(&nl), pairs);
    assert_eq!(
        en.attrs("link[rel=canonical]", "href"),
        ["https://example.org/oogst/en/conclusions/first/"]
    );
    // Pages oogst makes have theirs too.
    let list = site.page("en/conclusions/index.html");
    assert_eq!(
        list.attrs(".language-switch a[hreflang=nl]", "href"),
        ["/oogst/conclusies/"]
    );
    let matrix = site.page("en/matrix/index.html");
    assert_eq!(
        matrix.attrs(".language-switch a[hreflang=nl]", "href"),
        ["/oogst/relatieoverzicht/"]
    );
    // A translated page says it is one, and links to the original.
    assert_eq!(
        en.attrs(".translation-notice a", "href"),
        ["/oogst/conclusies/eerste/"]
    );
    assert!(nl.texts(".translation-notice").is_empty());
}

#[test]
fn relations_and_links_in_english_lead_to_english_pages() {
    let site = bilingual();
    site.build_ok(&[]);
    let theme = site.page("en/themes/learning/index.html");
    let links = theme.attrs(".relations a", "href");
    assert!(
        links.contains(&"/oogst/en/conclusions/first/".to_string())
            && links.contains(&"/oogst/en/conclusions/tweede/".to_string()),
        "{links:?}"
    );
    assert!(
        links.iter().all(|l| l.starts_with("/oogst/en/")),
        "{links:?}"
    );
    // A backlink: the conclusion lists the recommendation that builds on it, in English.
    let first = site.page("en/conclusions/first/index.html");
    let back = first.attrs(".relations a", "href");
    assert!(
        back.contains(&"/oogst/en/recommendations/doe-dit/".to_string()),
        "{back:?}"
    );
    assert!(
        back.contains(&"/oogst/en/themes/learning/".to_string()),
        "{back:?}"
    );
    // `@/` links in a translation lead to the same language, with the anchor of its heading.
    let doe = site.page("en/recommendations/doe-dit/index.html");
    assert_eq!(
        doe.attrs(".prose a", "href"),
        [
            "/oogst/en/conclusions/first/#approach",
            "/oogst/en/conclusions/tweede/"
        ]
    );
    // The navigation and lists are the English ones.
    let home = site.page("en/index.html");
    assert_eq!(home.text("h1"), "Test harvest");
    assert!(
        home.attrs(".site-nav a", "href")
            .contains(&"/oogst/en/themes/".to_string())
    );
}

#[test]
fn an_item_not_translated_yet_has_its_page_in_the_original() {
    let site = bilingual();
    site.build_ok(&[]);
    let page = site.page("en/conclusions/tweede/index.html");
    assert_eq!(page.attrs("html", "lang"), ["en"]);
    // The interface in English, the text in Dutch and marked so.
    assert_eq!(page.attrs("h1", "lang"), ["nl"]);
    assert_eq!(page.text("h1"), "Tweede conclusie");
    assert_eq!(page.attrs(".prose", "lang"), ["nl"]);
    assert_eq!(page.text(".kicker"), "Conclusion 2");
    let notice = page.text(".translation-notice");
    assert!(notice.contains("not been translated yet"), "{notice}");
    assert_eq!(
        page.attrs(".translation-notice a", "href"),
        ["/oogst/conclusies/tweede/"]
    );
    // Its card in an English list is marked Dutch too; a translated one is not.
    let list = site.page("en/conclusions/index.html");
    assert_eq!(
        list.attrs(".item-link[lang]", "href"),
        ["/oogst/en/conclusions/tweede/"]
    );
}

#[test]
fn feed_search_sitemap_and_open_data_follow_the_languages() {
    let site = bilingual();
    site.build_ok(&[]);
    let out = site.output();
    let text = |rel: &str| String::from_utf8(out[rel].clone()).expect("UTF-8");
    let feed = text("en/atom.xml");
    assert!(feed.contains("<title>Test harvest</title>"), "{feed}");
    assert!(feed.contains("https://example.org/oogst/en/conclusions/first/"));
    assert!(!feed.contains("https://example.org/oogst/conclusies/"));
    // Each language has its own search index, with its own stemmer: the English one knows
    // `recommend` (of "recommendations"), the Dutch one does not.
    let manifest: serde_json::Value =
        serde_json::from_str(&text("en/search-index/index.json")).expect("JSON");
    assert_eq!(manifest["language"], "en");
    let terms = |prefix: &str| -> String {
        (out.iter())
            .filter(|(rel, _)| rel.starts_with(prefix))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .collect()
    };
    assert!(terms("en/search-index/terms-").contains("\"recommend\""));
    assert!(!terms("search-index/terms-").contains("\"recommend\""));
    // One sitemap lists both languages, each page with its alternates.
    let sitemap = text("sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    assert!(sitemap.contains("<loc>https://example.org/oogst/en/conclusions/first/</loc>"));
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/oogst/en/conclusions/first/\"/>"));
    assert!(!sitemap.contains("/zoeken/") && !sitemap.contains("/en/search/"));
    assert!(!out.contains_key("en/sitemap.xml") && !out.contains_key("en/harvest.json"));
    // The open data gives each item in every language.
    let open: oogst::render::publish::OpenHarvest =
        serde_json::from_str(&text("harvest.json")).expect("harvest.json");
    assert_eq!(open.site.languages, ["en"]);
    let first = open
        .items
        .iter()
        .find(|i| i.slug == "eerste")
        .expect("eerste");
    let en = &first.translations["en"];
    assert!(en.translated);
    assert_eq!(en.title, "First conclusion");
    assert_eq!(en.url, "https://example.org/oogst/en/conclusions/first/");
    let second = open
        .items
        .iter()
        .find(|i| i.slug == "tweede")
        .expect("tweede");
    assert!(!second.translations["en"].translated);
    // 404 pages in both languages.
    assert!(out.contains_key("404.html") && out.contains_key("en/404.html"));
}

#[test]
fn check_and_build_tell_what_is_not_translated() {
    let site = bilingual();
    let json = site
        .oogst(&["check", "--format", "json"])
        .output()
        .expect("oogst check");
    assert!(json.status.success());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let en = &report["untranslated"][0];
    assert_eq!(en["language"], "en");
    let files: Vec<&str> = (en["files"].as_array().expect("files").iter())
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "conclusions/02-tweede.md",
            "conclusions/_index.md",
            "over.md",
            "recommendations/02-doe-dat.md",
            "recommendations/_index.md",
            "themes/_index.md",
            "themes/vak.md",
        ]
    );
    assert_eq!(en["of"], 11);
    let text = site.oogst(&["check"]).output().expect("oogst check");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("en: not translated yet: content/conclusions/02-tweede.md"),
        "{stdout}"
    );
    let build = site.oogst(&["build"]).output().expect("oogst build");
    let stdout = String::from_utf8_lossy(&build.stdout);
    assert!(
        stdout.contains("en: 7 of 11 pages not translated yet"),
        "{stdout}"
    );
    // A site in one language says nothing of it.
    let one = Site::small();
    let build = oogst()
        .args(["build", "--root"])
        .arg(one.root())
        .output()
        .expect("build");
    assert!(!String::from_utf8_lossy(&build.stdout).contains("translated"));
}
