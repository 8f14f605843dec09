//! Search without a server: the index every build writes, queried by the theme's own search
//! script run in Node, Dutch and English words that meet at their stem, the search page
//! without JavaScript, and the shipped harvest against the judged queries.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{SEARCH_SITE, SMALL_SITE, Site, search_site};

fn json(site: &Site, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read_public(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
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
        let items = json(&site, &format!("search-index/items-{n}.json"));
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
