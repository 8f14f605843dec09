//! What a published site gives outsiders besides its pages: search without a server (run
//! through the theme's own search script in Node), the Atom feed, the sitemap, `robots.txt`,
//! `harvest.json`, Open Graph tags, a line to cite each item, heading anchors, all in the
//! site's language.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{SMALL_SITE, Site};
use oogst::output::{Content, InMemory};
use oogst::render::publish::{OpenHarvest, OpenKind};
use oogst::{BuildOptions, Change, Preview};

/// Words for the search tests: Dutch forms that must meet at their stem.
const SEARCH_SITE: &[(&str, &str)] = &[
    (
        "content/conclusions/03-ontwikkeling.md",
        "---\ntitle: Ruimte voor ontwikkeling\nnumber: 3\nthemes: [vak]\nsummary: Tijd om te groeien.\n---\n\nDe ontwikkeling van professionals vraagt tijd.\n",
    ),
    (
        "content/recommendations/03-aanbevelingen.md",
        "---\ntitle: Schrijf de aanbevelingen op\nnumber: 3\nconclusions: [3]\ntags: [verslag]\n---\n\nDeel de aanbevelingen met de organisatie.\n\n## Werkwijze\n\nIn kleine stappen.\n",
    ),
];

fn search_site() -> Site {
    let site = Site::small();
    for (rel, text) in SEARCH_SITE {
        site.write(rel, text);
    }
    site
}

fn read(site: &Site, rel: &str) -> String {
    let path = site.path("public").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(site: &Site, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(site, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `node tests/search-query.mjs ...`: the shipped search script, run in Node.
fn node(args: &[&str], stdin: Option<&str>) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search-query.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed (the browser tests need it too)");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("piped");
        input
            .write_all(stdin.unwrap_or_default().as_bytes())
            .expect("node reads its input");
    }
    let out = child.wait_with_output().expect("node runs");
    assert!(
        out.status.success(),
        "node failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Every query's results as the search script finds them: `(url, marked words)` in order.
fn search(site: &Site, base: &str, queries: &[&str]) -> Vec<Vec<(String, Vec<String>)>> {
    let public = site.path("public");
    let mut args = vec!["query", public.to_str().expect("a UTF-8 path"), base];
    args.extend_from_slice(queries);
    let answers: serde_json::Value =
        serde_json::from_str(&node(&args, None)).expect("the script answers JSON");
    answers
        .as_array()
        .expect("one answer per query")
        .iter()
        .map(|answer| {
            answer["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| {
                    let marked = r["marked"].as_array().expect("marked words");
                    (
                        r["url"].as_str().expect("a URL").to_string(),
                        marked
                            .iter()
                            .map(|w| w.as_str().unwrap_or_default().to_string())
                            .collect(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_search_index_holds_every_item() {
    let site = search_site();
    site.build_ok(&[]);
    let manifest = json(&site, "search-index/index.json");
    assert_eq!(manifest["format"], "oogst-search");
    assert_eq!(manifest["language"], "nl");
    let per_file = manifest["items_per_file"].as_u64().unwrap() as usize;
    let count = manifest["docs"].as_u64().unwrap() as usize;
    let mut urls = Vec::new();
    for n in 0..count.div_ceil(per_file) {
        use std::io::Read;
        let path = site.path(&format!("public/search-index/items-{n}.json.gz"));
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        let items: serde_json::Value = serde_json::from_str(&text).unwrap();
        for item in items.as_array().unwrap() {
            urls.push(item[3].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        urls,
        [
            "/themas/leren/",
            "/themas/vak/",
            "/conclusies/eerste/",
            "/conclusies/tweede/",
            "/conclusies/ontwikkeling/",
            "/aanbevelingen/doe-dit/",
            "/aanbevelingen/doe-dat/",
            "/aanbevelingen/aanbevelingen/",
            "/over/",
        ],
        "themes, conclusions, recommendations in reading order, then the pages"
    );
    // Every stem of every terms file is at or after the file's first stem.
    let firsts = manifest["terms"].as_array().unwrap();
    for (n, first) in firsts.iter().enumerate() {
        let terms = json(&site, &format!("search-index/terms-{n}.json"));
        for stem in terms.as_object().unwrap().keys() {
            assert!(
                stem.as_str() >= first.as_str().unwrap(),
                "{stem} in file {n}"
            );
        }
    }
}

#[test]
fn dutch_words_are_found_by_their_stem_with_the_shipped_script() {
    let site = search_site();
    site.build_ok(&[]);
    let answers = search(
        &site,
        "/",
        &[
            "aanbeveling ",
            "ontwikkelen ",
            "ontwikkel",
            "professional kleine",
            "zzz ",
            "ontwikkeling professionals",
        ],
    );
    let urls = |n: usize| {
        answers[n]
            .iter()
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        urls(0),
        ["/aanbevelingen/aanbevelingen/"],
        "`aanbeveling` finds `aanbevelingen` in title and body"
    );
    assert!(
        answers[0][0].1.contains(&"aanbevelingen".to_string()),
        "the matching word is marked: {:?}",
        answers[0][0].1
    );
    assert_eq!(
        urls(1),
        ["/conclusies/ontwikkeling/"],
        "`ontwikkelen` finds `ontwikkeling`"
    );
    assert_eq!(urls(2), ["/conclusies/ontwikkeling/"], "as you type");
    assert_eq!(
        urls(5),
        ["/conclusies/ontwikkeling/"],
        "every word must match: `kleine` is only in the recommendation"
    );
    assert_eq!(
        urls(3).len(),
        2,
        "no item has both words: the items with one of them"
    );
    assert_eq!(urls(4), Vec::<&str>::new());
    let headings = search(&site, "/", &["werkwijze ", "verslag "]);
    assert_eq!(
        headings[0][0].0, "/aanbevelingen/aanbevelingen/",
        "headings"
    );
    assert_eq!(headings[1][0].0, "/aanbevelingen/aanbevelingen/", "tags");
}

#[test]
fn an_english_site_stems_english_under_a_sub_path() {
    let site = search_site();
    site.write("site.yaml", "title: Trial\nlanguage: en\n");
    site.write(
        "content/conclusions/04-development.md",
        "---\ntitle: Room for development\nnumber: 4\n---\n\nThe recommendations of the group.\n",
    );
    site.build_ok(&["--base-url", "/harvest/"]);
    assert_eq!(json(&site, "search-index/index.json")["language"], "en");
    let answers = search(&site, "/harvest/", &["developing ", "recommendation "]);
    assert_eq!(answers[0][0].0, "/harvest/conclusions/development/");
    assert!(
        answers[1]
            .iter()
            .any(|(u, _)| u == "/harvest/conclusions/development/")
    );
}

/// Words that exercise the Dutch and English Snowball rules: the content's own words, and
/// forms made from stems and the suffixes the algorithms know.
fn words_to_stem(language: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for (_, text) in SMALL_SITE.iter().chain(SEARCH_SITE) {
        oogst_words(text, &mut words);
    }
    let seed_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walkdir::WalkDir::new(seed_file).into_iter().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            oogst_words(&text, &mut words);
        }
    }
    let (stems, suffixes): (&[&str], &[&str]) = match language {
        "nl" => (
            &[
                "aanbevel",
                "ontwikkel",
                "kennis",
                "leer",
                "gemeent",
                "maak",
                "zie",
                "kleur",
                "ui",
                "bij",
                "koffie",
                "haard",
                "lijk",
                "heid",
                "meer",
                "baar",
                "yoghurt",
                "coöperat",
                "gezel",
                "ideeën",
                "geïnteresseerd",
                "zee",
                "vaa",
                "muu",
                "stoo",
            ],
            &[
                "", "e", "en", "ene", "s", "se", "heden", "heid", "heiden", "end", "ende", "ing",
                "ingen", "ig", "ige", "igheid", "lijk", "lijke", "lijkheid", "baar", "bare", "bar",
                "kken", "dden", "tten", "gem", "gemen", "cheid", "ieën", "je", "jes", "ijen",
            ],
        ),
        _ => (
            &[
                "develop",
                "recommend",
                "hope",
                "hop",
                "generat",
                "communit",
                "run",
                "fall",
                "happ",
                "sky",
                "cry",
                "agree",
                "feed",
                "bled",
                "rational",
                "relat",
                "conclu",
                "abil",
                "nation",
                "argu",
                "controll",
                "troubl",
                "plaste",
                "ski",
                "news",
                "y",
            ],
            &[
                "", "s", "es", "ies", "ied", "sses", "us", "ss", "ed", "edly", "eed", "eedly",
                "ing", "ingly", "ational", "tional", "enci", "anci", "izer", "ization", "ation",
                "ator", "alism", "aliti", "ousness", "iveness", "biliti", "logi", "fulli",
                "lessli", "alize", "icate", "ical", "ful", "ness", "ative", "al", "ance", "ence",
                "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "ous",
                "ive", "ize", "ion", "sion", "tion", "e", "l", "ll", "li", "ly", "y",
            ],
        ),
    };
    for stem in stems {
        for suffix in suffixes {
            words.push(format!("{stem}{suffix}"));
        }
    }
    words.sort();
    words.dedup();
    words
}

fn oogst_words(text: &str, words: &mut Vec<String>) {
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            words.push(word.to_lowercase());
        }
    }
}

#[test]
fn the_shipped_stemmers_stem_as_the_index_does() {
    for (language, algorithm) in [
        ("nl", oogst::config::Language::Nl),
        ("en", oogst::config::Language::En),
    ] {
        let words = words_to_stem(language);
        assert!(words.len() > 500, "{} words", words.len());
        let stemmer = oogst::render::search::stemmer(algorithm);
        let expected: Vec<String> = words.iter().map(|w| stemmer.stem(w).into_owned()).collect();
        let input = words.join("\n") + "\n";
        let shipped = node(&["stem", language], Some(&input));
        let stems: Vec<&str> = shipped.lines().collect();
        assert_eq!(stems.len(), words.len());
        let differ: Vec<_> = words
            .iter()
            .zip(&expected)
            .zip(&stems)
            .filter(|((_, rust), js)| rust.as_str() != **js)
            .map(|((word, rust), js)| format!("{word}: {rust} ≠ {js}"))
            .collect();
        assert!(differ.is_empty(), "{language}: {differ:?}");
    }
}

/// Snowball's published vocabularies (`tests/data/snowball/*.tsv.gz`: word, tab, the stem
/// Snowball gives it), from the snowball-data repository: `dutch_porter` is the Dutch
/// algorithm `rust-stemmers` implements (Snowball 3 calls its newer one `dutch`).
fn snowball_vocabulary(name: &str) -> Vec<(String, String)> {
    use std::io::Read;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/snowball/{name}.tsv.gz"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("the vocabulary"))
        .read_to_string(&mut text)
        .expect("gzipped UTF-8");
    text.lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(word, stem)| (word.to_string(), stem.to_string()))
        .collect()
}

#[test]
fn the_shipped_stemmers_agree_with_the_index_on_snowballs_vocabularies() {
    // `rust-stemmers` has Snowball's English as it was before 2.0: 57 words of today's list
    // (short stems such as `added` → `add`, `-ogist`) are stemmed the older way, by the index
    // and the browser alike.
    for (language, name, algorithm, older) in [
        ("nl", "dutch_porter", oogst::config::Language::Nl, 0),
        ("en", "english", oogst::config::Language::En, 57),
    ] {
        let vocabulary = snowball_vocabulary(name);
        assert!(
            vocabulary.len() > 40_000,
            "{name}: {} words",
            vocabulary.len()
        );
        let stemmer = oogst::render::search::stemmer(algorithm);
        let input: String = vocabulary.iter().map(|(w, _)| format!("{w}\n")).collect();
        let shipped = node(&["stem", language], Some(&input));
        let stems: Vec<&str> = shipped.lines().collect();
        assert_eq!(stems.len(), vocabulary.len());
        let mut differ = Vec::new();
        let mut not_snowball = Vec::new();
        for ((word, expected), js) in vocabulary.iter().zip(&stems) {
            let rust = stemmer.stem(word);
            if rust != *js {
                differ.push(format!("{word}: index {rust} ≠ browser {js}"));
            }
            if rust != *expected {
                not_snowball.push(format!("{word}: {rust} ≠ Snowball {expected}"));
            }
        }
        assert!(
            differ.is_empty(),
            "{name}: {} of {} words differ: {:?}",
            differ.len(),
            vocabulary.len(),
            &differ[..differ.len().min(30)]
        );
        assert_eq!(
            not_snowball.len(),
            older,
            "{name}: stemmed otherwise than Snowball's list: {:?}",
            &not_snowball[..not_snowball.len().min(30)]
        );
    }
}

#[test]
fn the_feed_and_the_sitemap_are_valid_and_absolute() {
    let site = search_site();
    site.write(
        "content/conclusions/02-tweede.md",
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak, leren]\ndate: 2026-03-05\ntags: [leren & werken]\n---\n\nTekst van de tweede.\n",
    );
    // The other items are dated by their files, before the one with `date:`.
    site.date_content_files("2026-01-01");
    site.build_ok(&[]);
    let feed_text = read(&site, "atom.xml");
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

    let sitemap_text = read(&site, "sitemap.xml");
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

    let robots = read(&site, "robots.txt");
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

    let feed = read(&site, "atom.xml");
    roxmltree::Document::parse(&feed).expect("still XML");
    assert!(feed.contains("base_url has no host"), "the feed says so");
    assert!(feed.contains("/oogst/conclusies/eerste/"), "{feed}");
    let sitemap = read(&site, "sitemap.xml");
    let parsed = roxmltree::Document::parse(&sitemap).expect("still XML");
    assert!(
        !parsed.descendants().any(|n| n.has_tag_name("url")),
        "no entry with a relative URL: {sitemap}"
    );
    assert!(
        sitemap.contains("base_url has no host"),
        "the sitemap says so"
    );
    let robots = read(&site, "robots.txt");
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
    assert!(read(&site, "robots.txt").contains("Sitemap: https://example.org/x/sitemap.xml"));
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
    let feed = read(&site, "atom.xml");
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
    assert_eq!(read(&site, "robots.txt"), "User-agent: *\nDisallow: /\n");
    // The sitemap is still the theme's own.
    assert!(read(&site, "sitemap.xml").contains("<urlset"));
}

#[test]
fn the_xml_filter_escapes_once_and_drops_control_characters() {
    let site = Site::small();
    site.write(
        "content/conclusions/01-eerste.md",
        "---\ntitle: \"Kaas & <wijn> \\\"oud\\\" '\\u0001\"\nnumber: 1\n---\n\nTekst.\n\n## Aanpak\n\nZo.\n",
    );
    site.build_ok(&[]);
    let feed = read(&site, "atom.xml");
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
    let text = read(&site, "harvest.json");
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
        "content/conclusions/02-tweede.md",
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

#[test]
fn the_search_page_explains_itself_without_javascript() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("zoeken/index.html");
    assert_eq!(page.text("h1"), "Zoeken");
    assert!(page.text("#search-note").contains("JavaScript"));
    assert_eq!(
        page.attrs("form.search-form[hidden]", "action"),
        ["/zoeken/"]
    );
    assert!(
        page.attrs("form.site-search", "action").is_empty(),
        "no second box in the header"
    );
    let home = site.page("index.html");
    assert_eq!(
        home.attrs("header form.site-search", "action"),
        ["/zoeken/"]
    );
    assert_eq!(home.attrs("header form.site-search input", "name"), ["q"]);
    assert!(
        home.attrs("script", "src").is_empty(),
        "a page without search loads no script"
    );
    let scripts = home.attrs("form.site-search", "data-search-script");
    let [script] = scripts.as_slice() else {
        panic!("the box names the script it loads when focused: {scripts:?}")
    };
    assert_eq!(
        page.attrs("script[src]", "src"),
        scripts,
        "the search page loads it"
    );
    assert!(
        script.starts_with("/search.") && script.ends_with(".js"),
        "the script from the theme's static files, under its hash: {script}"
    );
    assert!(site.path(&format!("public{script}")).exists());
    assert_eq!(
        home.attrs("link[type='application/atom+xml']", "href"),
        ["/atom.xml"]
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

/// The judged queries of `tests/search-judged.json` on the shipped harvest: the items each
/// must find first, in order, and the word searched for instead of a misspelt one.
#[test]
fn the_shipped_harvest_answers_the_judged_queries() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("a temporary folder");
    let public = out.path().join("public");
    common::oogst()
        .args(["build", "--root"])
        .arg(repo)
        .arg("--out")
        .arg(&public)
        .assert()
        .success();
    let judged: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("tests/search-judged.json")).expect("the judged set"),
    )
    .expect("JSON");
    let judged = judged["queries"].as_array().expect("queries");
    assert!(judged.len() >= 15, "{} judged queries", judged.len());
    let queries: Vec<&str> = judged
        .iter()
        .map(|j| j["query"].as_str().expect("a query"))
        .collect();
    let mut args = vec!["query", public.to_str().expect("a UTF-8 path"), "/"];
    args.extend_from_slice(&queries);
    let answers: serde_json::Value =
        serde_json::from_str(&node(&args, None)).expect("the script answers JSON");
    let mut wrong = Vec::new();
    for (judgement, answer) in judged.iter().zip(answers.as_array().expect("answers")) {
        let first: Vec<&str> = judgement["first"]
            .as_array()
            .expect("first")
            .iter()
            .map(|u| u.as_str().unwrap_or_default())
            .collect();
        let found: Vec<&str> = answer["results"]
            .as_array()
            .expect("results")
            .iter()
            .take(first.len())
            .map(|r| r["url"].as_str().unwrap_or_default())
            .collect();
        if found != first || answer["instead"] != judgement["instead"] {
            wrong.push(format!(
                "{}: {found:?} (instead {}), judged {first:?} (instead {})",
                judgement["query"], answer["instead"], judgement["instead"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
