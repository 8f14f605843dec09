//! What a published site gives outsiders besides its pages and search: the Atom feed, the
//! sitemap, `robots.txt`, `harvest.json`, Open Graph tags, a line to cite each item, heading
//! anchors, all in the site's language.

use crate::common;
use common::{FIRST, SECOND};

use std::collections::BTreeMap;
use std::path::Path;

use common::{Site, search_site};
use oogst::output::{Content, InMemory};
use oogst::render::publish::{OpenHarvest, OpenKind};
use oogst::{BuildOptions, Change, Preview};

#[test]
fn the_feed_and_the_sitemap_are_valid_and_absolute() {
    let site = search_site();
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak, leren]\ndate: 2026-03-05\ntags: [leren & werken]\n---\n\nTekst van de tweede.\n",
    );
    // The other items are dated by their files, before the one with `date:`.
    site.date_content_files("2026-01-01");
    site.build_ok(&[]);
    let feed_text = site.read_public("atom.xml");
    let feed = roxmltree::Document::parse(&feed_text).expect("the feed is XML");
    let atom = "http://www.w3.org/2005/Atom";
    let root = feed.root_element();
    assert_eq!(root.tag_name().namespace(), Some(atom));
    assert_eq!(root.tag_name().name(), "feed");
    let child = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(atom))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(child(root, "title"), "Proefoogst");
    assert_eq!(child(root, "id"), "https://example.org/");
    assert_eq!(
        child(root, "updated"),
        "2026-03-05T00:00:00Z",
        "the newest date of any item"
    );
    let entries: Vec<_> = root
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 9, "every item and page");
    assert_eq!(
        child(entries[0], "title"),
        "Conclusie 2: Tweede conclusie",
        "dated items first"
    );
    let mut ids = std::collections::HashSet::new();
    for entry in &entries {
        let id = child(*entry, "id");
        assert!(id.starts_with("https://example.org/"), "{id}");
        assert!(ids.insert(id), "ids are unique");
        assert!(child(*entry, "updated").ends_with('Z'));
        assert!(!child(*entry, "title").is_empty());
        let link = entry
            .children()
            .find(|c| c.tag_name().name() == "link")
            .and_then(|l| l.attribute("href"));
        assert!(link.is_some_and(|l| l.starts_with("https://example.org/")));
    }
    assert!(
        feed_text.contains("<category term=\"leren &amp; werken\"/>"),
        "tags are escaped"
    );

    let sitemap_text = site.read_public("sitemap.xml");
    let sitemap = roxmltree::Document::parse(&sitemap_text).expect("the sitemap is XML");
    let urlset = sitemap.root_element();
    assert_eq!(
        urlset.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<&str> = urlset
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://example.org/"));
    assert!(locs.contains(&"https://example.org/conclusies/tweede/"));
    assert!(locs.contains(&"https://example.org/printversie/"));
    assert!(
        !locs
            .iter()
            .any(|l| l.contains("zoeken") || l.contains("404")),
        "not the search page nor the 404 page"
    );
    let pages = site
        .output()
        .keys()
        .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.starts_with("zoeken/"))
        .count();
    assert_eq!(locs.len(), pages, "every other page");
    assert!(sitemap_text.contains("<lastmod>2026-03-05</lastmod>"));

    let robots = site.read_public("robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn without_a_host_the_files_use_paths_and_say_so() {
    let site = Site::small();
    site.write("site.yaml", "title: Proefoogst\nbase_url: /oogst/\n");
    let run = site.oogst(&["build"]).assert().success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "one warning:\n{stderr}");
    assert!(
        warnings[0].starts_with("site.yaml:2:1: warning: base URL `/oogst/` has no host"),
        "{stderr}"
    );
    for needs in [
        "the feed",
        "the sitemap",
        "robots.txt",
        "Open Graph",
        "--base-url",
    ] {
        assert!(stderr.contains(needs), "{needs} in:\n{stderr}");
    }

    let feed = site.read_public("atom.xml");
    roxmltree::Document::parse(&feed).expect("still XML");
    assert!(feed.contains("base_url has no host"), "the feed says so");
    assert!(feed.contains("/oogst/conclusies/eerste/"), "{feed}");
    let sitemap = site.read_public("sitemap.xml");
    let parsed = roxmltree::Document::parse(&sitemap).expect("still XML");
    assert!(
        !parsed.descendants().any(|n| n.has_tag_name("url")),
        "no entry with a relative URL: {sitemap}"
    );
    assert!(
        sitemap.contains("base_url has no host"),
        "the sitemap says so"
    );
    let robots = site.read_public("robots.txt");
    assert!(!robots.contains("Sitemap:"), "{robots}");
    let page = site.page("conclusies/eerste/index.html");
    assert!(page.attrs("meta[property='og:url']", "content").is_empty());
    assert_eq!(
        page.attrs(".cite a", "href"),
        ["/oogst/conclusies/eerste/"],
        "the cite line has the path"
    );

    // The same from the command line, told there; a full URL there silences it.
    site.write("site.yaml", "title: Proefoogst\n");
    let run = site
        .oogst(&["build", "--base-url", "/x/"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("--base-url: warning: base URL `/x/` has no host"),
        "{stderr}"
    );
    let run = site
        .oogst(&["build", "--base-url", "https://example.org/x/"])
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&run.get_output().stderr).contains("warning"));
    assert!(
        site.read_public("robots.txt")
            .contains("Sitemap: https://example.org/x/sitemap.xml")
    );
}

#[test]
fn a_site_template_replaces_the_feed_the_sitemap_and_robots_txt() {
    let site = Site::small();
    site.write(
        "templates/atom.xml",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">{% for entry in feed.entries %}<entry><title>{{ entry.title | xml }} &amp; meer</title></entry>{% endfor %}</feed>\n",
    );
    site.write("templates/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build_ok(&[]);
    let feed = site.read_public("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}: {feed}"));
    let titles: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(!titles.is_empty(), "{feed}");
    assert!(titles.iter().all(|t| t.ends_with(" & meer")), "{titles:?}");
    assert!(
        !feed.contains("<generator>"),
        "the theme's feed is gone: {feed}"
    );
    assert_eq!(
        site.read_public("robots.txt"),
        "User-agent: *\nDisallow: /\n"
    );
    // The sitemap is still the theme's own.
    assert!(site.read_public("sitemap.xml").contains("<urlset"));
}

#[test]
fn the_xml_filter_escapes_once_and_drops_control_characters() {
    let site = Site::small();
    site.write(
        FIRST,
        "---\ntitle: \"Kaas & <wijn> \\\"oud\\\" '\\u0001\"\nnumber: 1\n---\n\nTekst.\n\n## Aanpak\n\nZo.\n",
    );
    site.build_ok(&[]);
    let feed = site.read_public("atom.xml");
    assert!(
        feed.contains("Kaas &amp; &lt;wijn&gt; &quot;oud&quot; &apos;</title>"),
        "{feed}"
    );
    roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}: {feed}"));
}

#[test]
fn harvest_json_round_trips_and_holds_the_relations_both_ways() {
    let site = search_site();
    site.build_ok(&[]);
    let text = site.read_public("harvest.json");
    let open: OpenHarvest = serde_json::from_str(&text).expect("harvest.json reads as OpenHarvest");
    assert_eq!(
        serde_json::to_string(&open).unwrap(),
        text,
        "written back, byte for byte the same"
    );
    assert_eq!(open.format, "oogst-harvest");
    assert_eq!(open.site.title, "Proefoogst");
    assert_eq!(open.site.url, "https://example.org/");
    assert_eq!(open.site.organisation.as_deref(), Some("Testorganisatie"));
    assert_eq!(open.items.len(), 9);
    let item = |slug: &str| {
        open.items
            .iter()
            .find(|i| i.slug == slug)
            .unwrap_or_else(|| panic!("no item {slug}"))
    };
    let tweede = item("tweede");
    assert_eq!(tweede.kind, OpenKind::Conclusion);
    assert_eq!(tweede.number, Some(2));
    assert_eq!(tweede.url, "https://example.org/conclusies/tweede/");
    let slugs = |refs: &[oogst::render::publish::OpenRef]| {
        refs.iter().map(|r| r.slug.clone()).collect::<Vec<_>>()
    };
    assert_eq!(slugs(&tweede.themes), ["leren", "vak"]);
    assert_eq!(
        slugs(&tweede.recommendations),
        ["doe-dit", "doe-dat"],
        "backlinks"
    );
    let leren = item("leren");
    assert_eq!(leren.kind, OpenKind::Theme);
    assert_eq!(slugs(&leren.conclusions), ["eerste", "tweede"]);
    assert_eq!(slugs(&leren.recommendations), ["doe-dit"]);
    let doe_dit = item("doe-dit");
    assert_eq!(
        doe_dit
            .conclusions
            .iter()
            .map(|r| (r.number, r.url.as_str()))
            .collect::<Vec<_>>(),
        [
            (Some(1), "https://example.org/conclusies/eerste/"),
            (Some(2), "https://example.org/conclusies/tweede/")
        ]
    );
    assert_eq!(item("aanbevelingen").tags, ["verslag"]);
    assert_eq!(item("over").kind, OpenKind::Page);
    assert_eq!(item("eerste").summary, "De eerste.");
}

#[test]
fn pages_carry_open_graph_tags_and_items_a_line_to_cite_them() {
    let site = Site::small();
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\ndate: 2025-11-02\n---\n\nTekst.\n",
    );
    site.date_content_files("2024-05-01");
    site.build_ok(&[]);
    let page = site.page("conclusies/eerste/index.html");
    let og = |property: &str| page.attrs(&format!("meta[property='og:{property}']"), "content");
    assert_eq!(og("title"), ["Eerste conclusie"]);
    assert_eq!(og("description"), ["De eerste."]);
    assert_eq!(og("url"), ["https://example.org/conclusies/eerste/"]);
    assert_eq!(og("type"), ["article"]);
    assert_eq!(og("site_name"), ["Proefoogst"]);
    assert_eq!(og("locale"), ["nl_NL"]);
    assert_eq!(
        page.text(".cite"),
        "Zo verwijs je hiernaar: Testorganisatie (2024). Conclusie 1: Eerste conclusie. Proefoogst. https://example.org/conclusies/eerste/",
        "the year of its file"
    );
    let dated = site.page("conclusies/tweede/index.html");
    assert!(
        dated
            .text(".cite")
            .starts_with("Zo verwijs je hiernaar: Testorganisatie (2025)."),
        "{}",
        dated.text(".cite")
    );
    let home = site.page("index.html");
    assert_eq!(
        home.attrs("meta[property='og:type']", "content"),
        ["website"]
    );
    assert!(home.text(".cite").is_empty());

    site.write(
        "site.yaml",
        "title: Proefoogst\nbase_url: https://example.org/\n",
    );
    site.build_ok(&[]);
    assert!(
        site.page("conclusies/eerste/index.html")
            .text(".cite")
            .starts_with("Zo verwijs je hiernaar: Proefoogst (2024)."),
        "the site title when there is no organisation"
    );
}

#[test]
fn headings_have_anchors_named_by_the_heading() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("conclusies/eerste/index.html");
    assert_eq!(page.attrs(".heading > h2", "id"), ["aanpak"]);
    assert_eq!(
        page.attrs(".heading > a.heading-anchor", "href"),
        ["#aanpak"]
    );
    assert_eq!(
        page.attrs(".heading > a.heading-anchor", "aria-labelledby"),
        ["aanpak"]
    );
    // In the print edition, where ids get a prefix, the anchor follows its heading.
    let print = site.page("printversie/index.html");
    let ids = print.attrs(".print-item .heading > h4", "id");
    assert_eq!(ids, ["conclusions-1-aanpak"]);
    assert_eq!(
        print.attrs(".print-item .heading-anchor", "aria-labelledby"),
        ids
    );
    assert_eq!(
        print.attrs(".print-item .heading-anchor", "href"),
        ["#conclusions-1-aanpak"]
    );
}

/// The Dutch UI strings of the theme that English has otherwise (longer than 4 characters).
fn dutch_strings() -> Vec<String> {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n");
    let load = |lang: &str| -> BTreeMap<String, serde_json::Value> {
        let text = std::fs::read_to_string(theme.join(format!("{lang}.yaml"))).unwrap();
        oogst::yaml::parse_any(&text).unwrap()
    };
    let (nl, en) = (load("nl"), load("en"));
    let mut strings = Vec::new();
    for (key, value) in &nl {
        let values = match value {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str())
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        for value in values {
            let value = value.trim_end_matches(':').replace("{n} ", "");
            let english = en.get(key).and_then(|v| v.as_str()).unwrap_or_default();
            if value.chars().count() > 4 && value != english {
                strings.push(
                    value
                        .split('{')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                );
            }
        }
    }
    strings.retain(|s| s.chars().count() > 4);
    strings
}

#[test]
fn an_english_site_has_no_dutch_on_its_new_pages_and_files() {
    // The English site of `oogst new`: English content, so any Dutch is the theme's.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::oogst().arg("new").arg(&root).assert().success();
    common::oogst()
        .args(["build", "--base-url", "https://example.org/", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    let strings = dutch_strings();
    assert!(strings.len() > 40, "{strings:?}");
    let mut checked = 0;
    for (rel, bytes) in common::files_below(&out) {
        let new_kind = rel.ends_with(".html")
            || rel.ends_with(".xml")
            || rel.ends_with(".json")
            || rel.ends_with(".txt");
        if !new_kind {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let found: Vec<_> = strings
            .iter()
            .filter(|s| text.contains(s.as_str()))
            .collect();
        assert!(found.is_empty(), "{rel} has Dutch: {found:?}");
        checked += 1;
    }
    assert!(checked > 10);
    let search = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(search.contains("<h1>Search</h1>"), "{search}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search-index/index.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["language"], "en");
    assert_eq!(manifest["strings"]["kinds"]["conclusion"], "Conclusion");
    assert_eq!(manifest["strings"]["many"], "{n} results");
    let conclusion = common::files_below(&out)
        .into_keys()
        .find(|p| {
            p.starts_with("conclusions/")
                && p.ends_with("/index.html")
                && p != "conclusions/index.html"
        })
        .expect("a conclusion page");
    let page = common::Page(scraper::Html::parse_document(
        &std::fs::read_to_string(out.join(conclusion)).unwrap(),
    ));
    assert!(
        page.text(".cite").starts_with("Cite this:"),
        "{}",
        page.text(".cite")
    );
    assert_eq!(
        page.attrs("meta[property='og:locale']", "content"),
        ["en_GB"]
    );
    assert!(
        std::fs::read_to_string(out.join("atom.xml"))
            .unwrap()
            .contains("<title>Conclusion 1: ")
    );
}

fn options(site: &Site) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        base_url: None,
        drafts: false,
    }
}

fn bytes_of(content: &Content) -> Vec<u8> {
    content.bytes().expect("readable").into_owned()
}

#[test]
fn a_deferred_quick_rebuild_ends_as_a_clean_build() {
    let site = search_site();
    // The PDF is not deferred but made apart (the preview server's thread; tests/pdf.rs).
    let yaml = std::fs::read_to_string(site.path("site.yaml")).expect("site.yaml");
    site.write("site.yaml", &format!("{yaml}pdf: false\n"));
    let mut pipeline = Preview::new(options(&site)).deferring_print();
    pipeline.run(&[], &InMemory::default()).expect("builds");
    let file = "content/conclusions/03-ontwikkeling.md";
    site.write(
        file,
        "---\ntitle: Ruimte voor ontwikkeling\nnumber: 3\nthemes: [vak]\nsummary: Tijd om te groeien.\n---\n\nEen nieuwe zin over zeldzaamheden.\n\n## Kop\n",
    );
    let memory = InMemory::default();
    pipeline
        .run(&[Change::Content(site.path(file))], &memory)
        .expect("rebuilds");
    let mut served = memory.into_site();
    let deferred = pipeline
        .finish_deferred()
        .expect("the print edition and search index wait")
        .expect("and are made");
    let paths: Vec<&str> = deferred
        .iter()
        .filter(|(_, content)| content.is_some())
        .map(|(p, _)| p.as_str())
        .collect();
    assert!(paths.contains(&"printversie/index.html"), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.starts_with("search-index/terms-")),
        "the terms that changed: {paths:?}"
    );
    served.apply(deferred);
    assert!(pipeline.finish_deferred().is_none(), "nothing waits now");

    let (clean, _) = oogst::build_site(&options(&site)).expect("builds");
    let paths: Vec<&str> = clean.paths().collect();
    assert_eq!(served.paths().collect::<Vec<_>>(), paths);
    for path in paths {
        let (a, b) = (served.get(path).unwrap(), clean.get(path).unwrap());
        assert!(bytes_of(a) == bytes_of(b), "{path} differs");
    }
}
