//! The print edition in parts: a harvest of more than `print.max_items` items gets an index
//! page of parts and a page per part, each with its own table of contents and links to the
//! previous and next part and to the index; every item is in exactly one part, and every
//! link of the edition leads to a page and an anchor that exist.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Page, Site};

/// The harvest of [`common::site_in_parts`], its PDF left out.
fn large_site() -> Site {
    common::site_in_parts("pdf: false\n")
}

/// `/printversie/x/#y` → (`printversie/x/index.html`, `y`).
fn target(href: &str) -> (String, String) {
    let (path, anchor) = href.split_once('#').unwrap_or((href, ""));
    let path = path.trim_start_matches('/');
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    (file, anchor.to_string())
}

fn ids(page: &Page) -> BTreeSet<String> {
    page.attrs("[id]", "id").into_iter().collect()
}

#[test]
fn a_large_harvest_gets_its_print_edition_in_parts_that_link_up() {
    let site = large_site();
    site.build_ok(&[]);
    let output = site.output();
    let index = site.page("printversie/index.html");
    let parts = index.attrs(".print-toc a[href^='/printversie/']", "href");
    assert!(parts.len() >= 6, "parts: {parts:?}");
    assert!(
        index.text(".print-part#intro").contains("De inleiding"),
        "the index shows the introduction"
    );

    // Every item's anchor in exactly one part.
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pages = BTreeMap::new();
    for href in &parts {
        let (file, _) = target(href);
        assert!(output.contains_key(&file), "{href}: no {file}");
        let page = site.page(&file);
        let items = page.attrs("article.print-item", "id");
        assert!(!items.is_empty() && items.len() <= 4, "{file}: {items:?}");
        // Its own table of contents, one entry per item on the page.
        let toc = page.attrs(".print-toc ol ol a", "href");
        let expected: Vec<String> = items.iter().map(|id| format!("#{id}")).collect();
        assert_eq!(toc, expected, "{file}: contents");
        for id in items {
            found.entry(id).or_default().push(file.clone());
        }
        pages.insert(file, page);
    }
    let mut all: BTreeSet<String> = (1..=11).map(|n| format!("conclusions-{n}")).collect();
    all.extend((1..=5).map(|n| format!("recommendations-{n}")));
    all.extend(["themes-leren", "themes-netwerk", "themes-regie"].map(String::from));
    all.extend(["page-over", "page-colofon"].map(String::from));
    assert_eq!(found.keys().cloned().collect::<BTreeSet<_>>(), all);
    for (id, files) in &found {
        assert_eq!(files.len(), 1, "{id} is in {files:?}");
    }
    // The conclusions, too many for one part, are in parts by theme.
    let conclusion_parts: Vec<_> = parts.iter().filter(|h| h.contains("conclusies")).collect();
    assert!(conclusion_parts.len() >= 3, "{conclusion_parts:?}");
    assert!(
        index
            .texts(".print-toc a")
            .iter()
            .any(|t| t.contains("Thema leren")),
        "a part by theme names its theme"
    );
    // Each part with how many items it holds: the last part of the recommendations one.
    let contents = index.text(".print-toc");
    assert!(contents.contains("(4 items)"), "{contents}");
    assert!(
        contents.contains("(1 item)") && !contents.contains("(1 items)"),
        "{contents}"
    );
    // The section's introduction opens its first part only.
    let first = &pages[&target(conclusion_parts[0]).0];
    assert!(first.text(".print-part").contains("Wat we concludeerden"));

    // Previous and next lead along the parts in order; each part links to the index.
    let files: Vec<String> = parts.iter().map(|h| target(h).0).collect();
    for (n, file) in files.iter().enumerate() {
        let page = &pages[file];
        let prev = page.attrs(".prev-next a[rel=prev]", "href");
        let next = page.attrs(".prev-next a[rel=next]", "href");
        let want_prev: Vec<String> = n
            .checked_sub(1)
            .map(|p| parts[p].clone())
            .into_iter()
            .collect();
        let want_next: Vec<String> = parts.get(n + 1).cloned().into_iter().collect();
        assert_eq!((prev, next), (want_prev, want_next), "{file}");
        assert!(
            page.attrs(".prev-next a", "href")
                .contains(&"/printversie/".to_string()),
            "{file}: a link to the index"
        );
    }

    // Every link of the edition within the site leads to a page, and to an anchor on it.
    for (file, page) in pages
        .iter()
        .chain([(&"printversie/index.html".to_string(), &index)])
    {
        let own = ids(page);
        for href in page.attrs("main a[href]", "href") {
            if let Some(anchor) = href.strip_prefix('#') {
                assert!(own.contains(anchor), "{file}: {href} has no anchor");
                continue;
            }
            if !href.starts_with('/') {
                continue;
            }
            let (to, anchor) = target(&href);
            assert!(output.contains_key(&to), "{file}: {href} leads nowhere");
            if !anchor.is_empty() {
                let there = pages.get(&to).map_or_else(|| ids(&site.page(&to)), ids);
                assert!(
                    there.contains(&anchor),
                    "{file}: {href} has no anchor there"
                );
            }
        }
    }
    // The sitemap lists every part.
    let sitemap = String::from_utf8_lossy(&output["sitemap.xml"]).into_owned();
    for href in &parts {
        let part = href.split('#').next().unwrap_or(href);
        let loc = format!("<loc>https://example.org{part}</loc>");
        assert!(sitemap.contains(&loc), "{loc} not in the sitemap");
    }
    // Relations across parts link to the part that holds the item.
    let recommendation = found["recommendations-1"][0].clone();
    let relations = pages[&recommendation].attrs(".print-relations a", "href");
    assert!(
        relations
            .iter()
            .any(|h| h.starts_with("/printversie/conclusies")),
        "{relations:?}"
    );
}

#[test]
fn a_harvest_within_the_limit_has_its_print_edition_on_one_page() {
    let site = large_site();
    site.write(
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\npdf: false\nprint: {max_items: 21}\n",
    );
    site.build_ok(&[]);
    let index = site.page("printversie/index.html");
    assert_eq!(index.attrs("article.print-item", "id").len(), 21);
    assert!(
        index
            .attrs(".print-toc a[href^='/printversie/']", "href")
            .is_empty()
    );
    let parts: Vec<_> = site
        .output()
        .into_keys()
        .filter(|p| p.starts_with("printversie/") && p != "printversie/index.html")
        .collect();
    assert!(parts.is_empty(), "{parts:?}");
}

/// Every file of a site built in memory, with its bytes.
fn contents(site: &oogst::output::Site) -> BTreeMap<String, Vec<u8>> {
    site.paths()
        .map(|p| {
            let bytes = site.get(p).map(|c| c.bytes().map(|b| b.into_owned()));
            (
                p.to_string(),
                bytes.and_then(Result::ok).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_preview_rebuilds_an_edition_in_parts_as_a_clean_build_makes_it() {
    let site = large_site();
    let options = oogst::BuildOptions {
        root: site.root().to_path_buf(),
        base_url: None,
        drafts: false,
    };
    let mut preview = oogst::Preview::new(options.clone());
    let mut run = |changes: &[oogst::Change]| {
        let memory = oogst::output::InMemory::default();
        preview
            .run(changes, &memory)
            .unwrap_or_else(|e| panic!("{e}"));
        contents(&memory.into_site())
    };
    run(&[]);
    let edits = [
        // A body: only its pages and the edition change.
        (
            "content/conclusions/07-conclusie-7.md",
            "---\ntitle: Conclusie 7\nnumber: 7\nthemes: [netwerk]\n---\n\nAnders dan eerst.\n",
        ),
        // A theme: the conclusion moves to another part.
        (
            "content/conclusions/02-conclusie-2.md",
            "---\ntitle: Conclusie 2\nnumber: 2\nthemes: [regie]\n---\n\nTekst 2.\n",
        ),
    ];
    for (rel, text) in edits {
        site.write(rel, text);
        let rebuilt = run(&[oogst::Change::Content(site.path(rel))]);
        let (built, _) = oogst::build_site(&options).unwrap_or_else(|e| panic!("{e}"));
        let clean = contents(&built);
        assert_eq!(
            rebuilt.keys().collect::<Vec<_>>(),
            clean.keys().collect::<Vec<_>>(),
            "the same files after editing {rel}"
        );
        for (path, bytes) in &clean {
            assert!(
                rebuilt[path] == *bytes,
                "{path} differs after editing {rel}"
            );
        }
    }
}
