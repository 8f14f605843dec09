//! The relation matrix: what each recommendation answers, as a grid or a list, in pages of
//! as many rows as a section's list page has items.

use crate::common;

use std::collections::BTreeSet;

use common::Site;

#[test]
fn the_relation_matrix_marks_what_each_recommendation_answers() {
    let site = Site::small();
    site.build_ok(&[]);
    let matrix = site.page("relatieoverzicht/index.html");
    let part = "section[aria-labelledby=by-conclusion]";
    assert_eq!(
        matrix.texts(&format!("{part} tbody th")),
        ["1 Doe dit", "2 Doe dat"]
    );
    assert_eq!(
        matrix.texts(&format!("{part} thead th a")),
        ["Conclusie 1", "Conclusie 2"]
    );
    let cells = matrix.texts(&format!("{part} td .visually-hidden"));
    assert_eq!(
        cells,
        ["ja", "ja", "nee", "ja"],
        "recommendation 2 answers only conclusion 2"
    );
    let themes = matrix.texts("section[aria-labelledby=by-theme] td .visually-hidden");
    assert_eq!(
        themes,
        ["ja", "nee", "nee", "nee"],
        "only recommendation 1 names a theme"
    );
}

/// The small harvest with recommendations 1 to `last`, those from 3 on answering conclusion
/// 1; without a PDF.
fn with_recommendations(last: usize) -> Site {
    let site = Site::small();
    site.write(
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\npdf: false\n",
    );
    for n in 3..=last {
        site.write(
            &format!("content/recommendations/{n:03}-r{n}.md"),
            &format!(
                "---\ntitle: Aanbeveling {n}\nnumber: {n}\nconclusions: [1]\n---\n\nDoe {n}.\n"
            ),
        );
    }
    site
}

#[test]
fn a_long_matrix_is_split_into_pages_that_hold_every_recommendation_once() {
    let site = with_recommendations(250);
    site.build_ok(&[]);
    let paths = [
        "relatieoverzicht/index.html",
        "relatieoverzicht/pagina/2/index.html",
        "relatieoverzicht/pagina/3/index.html",
    ];
    let part = "section[aria-labelledby=by-conclusion]";
    let mut numbers = Vec::new();
    for (n, path) in paths.iter().enumerate() {
        let page = site.page(path);
        let rows = page.texts(&format!("{part} tbody th .item-number"));
        assert_eq!(rows.len(), if n < 2 { 100 } else { 50 }, "{path}");
        // Every page is a whole grid: both conclusions are its columns.
        assert_eq!(
            page.texts(&format!("{part} thead th a")),
            ["Conclusie 1", "Conclusie 2"],
            "{path}"
        );
        assert_eq!(page.texts(".pagination li"), ["1", "2", "3"], "{path}");
        assert_eq!(
            page.text(".pagination [aria-current=page]"),
            (n + 1).to_string()
        );
        numbers.extend(rows);
    }
    let expected: Vec<String> = (1..=250).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected, "every recommendation once, in order");

    let first = site.page(paths[0]);
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["/relatieoverzicht/pagina/2/"]
    );
    let last = site.page(paths[2]);
    assert!(
        last.text("h1").contains("pagina 3 van 3"),
        "{}",
        last.text("h1")
    );
    assert!(
        last.text("title")
            .starts_with("Relatieoverzicht (pagina 3 van 3)"),
        "{}",
        last.text("title")
    );
    assert_eq!(
        last.attrs(".breadcrumbs a", "href"),
        ["/", "/relatieoverzicht/"],
        "a later page leads back to the first"
    );
    assert_eq!(
        last.attrs(".pagination a[rel=prev]", "href"),
        ["/relatieoverzicht/pagina/2/"]
    );

    let sitemap = site.read_public("sitemap.xml");
    for page in [
        "relatieoverzicht/",
        "relatieoverzicht/pagina/2/",
        "relatieoverzicht/pagina/3/",
    ] {
        let loc = format!("<loc>https://example.org/{page}</loc>");
        assert!(sitemap.contains(&loc), "{loc} in the sitemap");
    }
}

#[test]
fn a_matrix_that_fits_one_page_has_no_links_to_others() {
    let site = with_recommendations(100);
    site.build_ok(&[]);
    let matrix = site.page("relatieoverzicht/index.html");
    assert_eq!(
        matrix
            .texts("section[aria-labelledby=by-theme] tbody th")
            .len(),
        100
    );
    assert!(matrix.texts(".pagination").is_empty());
    let pages: BTreeSet<String> = site
        .output()
        .into_keys()
        .filter(|path| path.starts_with("relatieoverzicht/"))
        .collect();
    assert_eq!(
        pages,
        BTreeSet::from(["relatieoverzicht/index.html".to_string()])
    );
}
