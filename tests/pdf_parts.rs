//! The PDF edition of a harvest whose print edition is in parts: one PDF per part, holding
//! that part's items and no other, linked from the part's page and from the index of parts,
//! read back with poppler and qpdf (see `common::pdf`).

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::Site;
use common::pdf::{link_targets, outline, path_str, text as pdf_text, tool};

/// The harvest of [`common::site_in_parts`] (parts of at most 4 items), with its PDF.
fn site() -> Site {
    common::site_in_parts("pdf: {max_items: 100}\n")
}

/// The parts as the print edition's index lists them: each part's page (its file below
/// `public/`) and the PDF it links to (a site-relative URL).
fn listed_parts(site: &Site) -> Vec<(String, String)> {
    let index = site.page("printversie/index.html");
    let pages = index.attrs(".print-toc a[href^='/printversie/']", "href");
    let pdfs = index.attrs(".print-toc a[type='application/pdf']", "href");
    assert_eq!(pages.len(), pdfs.len(), "a PDF for every part: {pdfs:?}");
    let file = |href: &String| format!("{}index.html", href.trim_start_matches('/'));
    pages.iter().map(file).zip(pdfs).collect()
}

#[test]
fn every_part_has_its_own_pdf_with_its_items_and_no_others() {
    let site = site();
    let built = site.oogst(&["build"]).assert().success();
    let said = String::from_utf8_lossy(&built.get_output().stdout).into_owned();
    let parts = listed_parts(&site);
    assert!(parts.len() >= 6, "parts: {parts:?}");
    assert!(
        said.contains(&format!("the PDF in {} parts", parts.len())),
        "{said}"
    );
    // No PDF of the whole: it would be the one file a browser struggles with.
    assert!(!site.path("public/proefoogst.pdf").exists());

    // Item entry (`3. Conclusie 3`, `Thema leren`) → the PDFs whose outline has it.
    let mut holders: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (page, pdf) in &parts {
        let part = site.page(page);
        assert_eq!(
            part.attrs(".pdf-download a", "href"),
            vec![pdf.clone()],
            "{page} links to its own PDF"
        );
        let items = part.texts(".print-toc ol ol a");
        assert!(!items.is_empty(), "{page}: no items");
        wanted.insert(pdf.clone(), items);
    }
    let every_item: Vec<&String> = wanted.values().flatten().collect();
    for (page, pdf) in &parts {
        let file = site.path(&format!("public{pdf}"));
        assert!(file.exists(), "{pdf}, linked from the index, is not made");
        let entries: Vec<String> = outline(&file)
            .into_iter()
            .map(|(title, _)| title)
            .filter(|title| every_item.contains(&title))
            .collect();
        assert_eq!(
            entries, wanted[pdf],
            "{pdf}: its items, in the order of {page}"
        );
        for entry in entries {
            holders.entry(entry).or_default().push(pdf.clone());
        }

        let info = tool("pdfinfo", &[path_str(&file)]);
        let part_title = site.page(page).text(".kicker");
        assert!(info.contains("Tagged:          yes"), "{pdf}: {info}");
        assert!(
            info.contains(&format!("Title:           Proefoogst – {part_title}")),
            "{pdf} is titled after the site and its part: {info}"
        );
        // qpdf finds no damage (it fails on any).
        tool("qpdf", &["--check", path_str(&file)]);
    }
    assert_eq!(holders.len(), every_item.len(), "{holders:?}");
    for (item, pdfs) in &holders {
        assert_eq!(pdfs.len(), 1, "{item} is in {pdfs:?}");
    }

    // The introduction opens the first part; the conclusions' introduction their first.
    let text = |pdf: &str| pdf_text(&site.path(pdf));
    assert!(text(&format!("public{}", parts[0].1)).contains("De inleiding."));
    let conclusions: Vec<&(String, String)> = parts
        .iter()
        .filter(|(p, _)| p.contains("conclusies"))
        .collect();
    assert!(conclusions.len() >= 3, "{conclusions:?}");
    assert!(text(&format!("public{}", conclusions[0].1)).contains("Wat we concludeerden."));
    assert!(!text(&format!("public{}", conclusions[1].1)).contains("Wat we concludeerden."));

    // Elsewhere the pages lead to the index of parts, which lists the PDFs.
    let home = site.page("index.html");
    assert_eq!(home.attrs(".pdf-download a", "href"), vec!["/printversie/"]);
    assert_eq!(
        home.text(".pdf-download a"),
        format!("De pdf, in {} delen", parts.len())
    );
}

#[test]
fn a_link_to_an_item_in_another_part_is_text_and_one_in_the_same_part_a_link() {
    let site = site();
    site.write(
        "content/recommendations/02-aanbeveling-2.md",
        "---\ntitle: Aanbeveling 2\nnumber: 2\nconclusions: [2, 7]\n---\n\nDoe 2, na [de eerste](@/recommendations/01-aanbeveling-1.md) en [conclusie 1](@/conclusions/01-conclusie-1.md).\n",
    );
    site.build_ok(&[]);
    let parts = listed_parts(&site);
    // Recommendations 1 and 2 share the first part of the recommendations; the
    // conclusions are in parts of their own.
    let (_, pdf) = parts
        .iter()
        .find(|(page, _)| page.contains("aanbevelingen-1"))
        .expect("the first part of the recommendations");
    let file = site.path(&format!("public{pdf}"));
    let text = pdf_text(&file);
    assert!(
        text.contains("Doe 2, na de eerste en conclusie 1."),
        "{text}"
    );
    assert!(
        text.contains("Conclusies: 1. Conclusie 1; 6. Conclusie 6"),
        "a relation to another part is named: {text}"
    );
    let targets = link_targets(&file);
    assert!(
        targets.contains(&"recommendations/01-aanbeveling-1.md".to_string()),
        "the link within the part leads to its item: {targets:?}"
    );
    assert!(
        targets.iter().all(|t| !t.starts_with("conclusions/")),
        "no link leads out of the file: {targets:?}"
    );
    // The part's relation matrix: its recommendations against what they answer.
    assert!(text.contains("Relatieoverzicht"), "{text}");
}

#[test]
fn serve_makes_the_pdf_of_every_part() {
    use common::server::Server;
    let site = site();
    site.build_ok(&[]);
    let parts = listed_parts(&site);
    let server = Server::start(site.root(), &[]);
    for (_, pdf) in &parts {
        let made = format!("made the PDF {}", pdf.trim_start_matches('/'));
        assert!(
            server.wait_for_output(&made, Duration::from_secs(60)),
            "{made}: {:?}",
            server.output()
        );
        let served = server.get(pdf);
        assert_eq!(served.status, 200, "{pdf}");
        assert_eq!(served.header("content-type"), Some("application/pdf"));
        assert!(served.body.starts_with(b"%PDF-"), "{pdf}");
    }
    let index = server.get("/printversie/").text();
    for (_, pdf) in &parts {
        assert!(
            index.contains(&format!("href=\"{pdf}\"")),
            "{pdf} not listed"
        );
    }
}
