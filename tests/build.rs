//! `oogst build` on real sites: what a reader finds in the rendered pages.

use crate::common;
use common::SECOND;

use common::Site;

#[test]
fn a_conclusion_links_to_the_recommendations_that_cite_it() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("conclusies/tweede/index.html");
    let related = page.attrs(".relations a", "href");
    assert!(
        related.contains(&"/aanbevelingen/doe-dit/".to_string()),
        "{related:?}"
    );
    assert!(
        related.contains(&"/aanbevelingen/doe-dat/".to_string()),
        "{related:?}"
    );
    assert!(related.contains(&"/themas/vak/".to_string()), "{related:?}");
    assert_eq!(page.text("h1"), "Tweede conclusie");
    assert_eq!(page.text(".kicker"), "Conclusie 2");
}

#[test]
fn a_recommendation_lists_the_conclusions_it_answers_and_its_themes() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("aanbevelingen/doe-dit/index.html");
    let links = page.attrs(".relations a", "href");
    assert_eq!(
        links,
        [
            "/conclusies/eerste/",
            "/conclusies/tweede/",
            "/themas/leren/"
        ],
        "conclusions by number (one by number, one by slug), then themes"
    );
    let body_links = page.attrs(".prose a", "href");
    assert_eq!(
        body_links,
        ["/conclusies/eerste/#aanpak"],
        "@/ links resolve to URLs"
    );
    let first = site.page("conclusies/eerste/index.html");
    assert_eq!(
        first.attrs("h2#aanpak", "id"),
        ["aanpak"],
        "the anchor exists"
    );
}

#[test]
fn a_theme_page_lists_its_conclusions_and_recommendations() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("themas/leren/index.html");
    let titles = page.texts(".relations .item-title");
    assert_eq!(titles, ["Eerste conclusie", "Tweede conclusie", "Doe dit"]);
    let themes = site.page("themas/index.html");
    assert_eq!(
        themes.texts(".item-list .item-title"),
        ["Leren", "Vakmanschap"]
    );
    assert_eq!(
        themes.texts(".item-counts")[0],
        "2 conclusies · 1 aanbeveling",
        "theme lists show counts"
    );
}

#[test]
fn items_have_breadcrumbs_and_previous_next_within_their_section() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("conclusies/eerste/index.html");
    assert_eq!(
        page.texts(".breadcrumbs li"),
        ["Start", "Conclusies", "Eerste conclusie"]
    );
    assert!(
        page.attrs(".prev-next a.prev", "href").is_empty(),
        "the first has no previous"
    );
    assert_eq!(
        page.attrs(".prev-next a.next", "href"),
        ["/conclusies/tweede/"]
    );
    let last = site.page("conclusies/tweede/index.html");
    assert_eq!(
        last.attrs(".prev-next a.prev", "href"),
        ["/conclusies/eerste/"]
    );
    assert!(last.attrs(".prev-next a.next", "href").is_empty());
}

#[test]
fn the_home_page_shows_the_harvest_at_a_glance() {
    let site = Site::small();
    site.build_ok(&[]);
    let home = site.page("index.html");
    assert_eq!(home.text(".intro"), "Welkom bij de oogst.");
    let items = home.texts(".glance .item-title");
    assert_eq!(
        items,
        [
            "Leren",
            "Vakmanschap",
            "Eerste conclusie",
            "Tweede conclusie",
            "Doe dit",
            "Doe dat"
        ]
    );
    assert!(
        home.text(".glance").contains("De eerste."),
        "summaries are shown"
    );
    assert_eq!(home.attrs("html", "lang"), ["nl"]);
}

#[test]
fn the_print_edition_holds_every_item_in_order() {
    let site = Site::small();
    site.build_ok(&[]);
    let print = site.page("printversie/index.html");
    let headings = print.texts(".print-item h3");
    assert_eq!(
        headings,
        [
            "Leren",
            "Vakmanschap",
            "Conclusie 1: Eerste conclusie",
            "Conclusie 2: Tweede conclusie",
            "Aanbeveling 1: Doe dit",
            "Aanbeveling 2: Doe dat",
            "Over",
        ]
    );
    assert!(
        print
            .text(".print-edition")
            .contains("Tekst van de tweede.")
    );
    let toc = print.attrs(".print-toc a", "href");
    for target in &toc {
        let id = target.trim_start_matches('#');
        assert_eq!(
            print.attrs(&format!("[id='{id}']"), "id").len(),
            1,
            "TOC target {target} exists once"
        );
    }
    let ids = print.attrs("[id]", "id");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(
        ids.len(),
        unique.len(),
        "no id appears twice on the one page"
    );
}

#[test]
fn pages_of_one_name_in_two_folders_keep_their_own_bodies_in_the_print_edition() {
    let site = Site::small();
    site.write(
        "content/info/over.md",
        "---\ntitle: Over de info\n---\nTekst van de info.\n\n## Kop\n",
    );
    site.build_ok(&[]);
    let print = site.page("printversie/index.html");
    let edition = print.text(".print-edition");
    assert!(edition.contains("Tekst van de info."), "{edition}");
    let items = print.attrs(".print-item", "id");
    let unique: std::collections::HashSet<_> = items.iter().collect();
    assert_eq!(items.len(), unique.len(), "{items:?}");
    let over = print.text("#page-over .prose");
    assert!(!over.contains("Tekst van de info."), "{over}");
    assert!(
        print
            .text("#page-info_over .prose")
            .contains("Tekst van de info.")
    );
}

#[test]
fn a_base_url_with_a_sub_path_yields_working_links() {
    let site = Site::small();
    site.build_ok(&["--base-url", "https://example.org/oogst/"]);
    let output = site.output();
    let mut checked = 0;
    for (path, bytes) in output.iter().filter(|(p, _)| p.ends_with(".html")) {
        let page = common::Page(scraper::Html::parse_document(&String::from_utf8_lossy(
            bytes,
        )));
        for href in page.attrs("a[href], link[href]", "href") {
            if href.starts_with('#') || href.starts_with("https://") {
                continue;
            }
            let local = href
                .strip_prefix("/oogst/")
                .unwrap_or_else(|| panic!("{path}: link {href} is outside the sub-path"));
            let local = local.split('#').next().unwrap_or_default();
            let file = if local.is_empty() || local.ends_with('/') {
                format!("{local}index.html")
            } else {
                local.to_string()
            };
            assert!(
                output.contains_key(&file),
                "{path}: link {href} has no file {file}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    let page = site.page("conclusies/eerste/index.html");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://example.org/oogst/conclusies/eerste/"]
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::small();
    site.write(
        "content/conclusions/03-concept.md",
        "---\ntitle: Nog een concept\nnumber: 3\ndraft: true\n---\n\nConcept.\n",
    );
    site.build_ok(&[]);
    assert!(!site.path("public/conclusies/concept").exists());
    assert!(
        !site
            .page("index.html")
            .text(".glance")
            .contains("Nog een concept")
    );
    assert!(
        !site
            .page("printversie/index.html")
            .text("main")
            .contains("Nog een concept")
    );

    site.build_ok(&["--drafts"]);
    assert!(site.path("public/conclusies/concept/index.html").exists());
    assert!(
        site.page("index.html")
            .text(".glance")
            .contains("Nog een concept")
    );
}

#[test]
fn slugs_drop_diacritics_and_number_prefixes() {
    let site = Site::small();
    site.write(
        "content/conclusions/03-urgentie-creëren.md",
        "---\ntitle: Urgentie creëren\nnumber: 3\n---\n\nTekst.\n",
    );
    site.write(
        "content/themes/ruimte.md",
        "---\ntitle: Ruimte\nslug: Ruimtelijke Ordening\n---\n\nTekst.\n",
    );
    site.build_ok(&[]);
    assert!(
        site.path("public/conclusies/urgentie-creeren/index.html")
            .exists()
    );
    assert!(
        site.path("public/themas/ruimtelijke-ordening/index.html")
            .exists()
    );
}

#[test]
fn an_english_site_reads_english() {
    let site = Site::small();
    site.write("site.yaml", "title: Trial\nlanguage: en\n");
    site.build_ok(&[]);
    assert!(site.path("public/conclusions/eerste/index.html").exists());
    let page = site.page("conclusions/eerste/index.html");
    assert_eq!(page.text(".kicker"), "Conclusion 1");
    assert_eq!(page.attrs("html", "lang"), ["en"]);
    assert!(site.path("public/matrix/index.html").exists());
    assert!(site.path("public/print/index.html").exists());
    assert_eq!(site.page("search/index.html").text("h1"), "Search");
    assert_eq!(
        page.text("label[for='site-search-q']"),
        "Search the harvest"
    );
    assert!(page.text(".cite").starts_with("Cite this:"));
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_are_fine() {
    let site = Site::small();
    site.write(
        SECOND,
        "\u{feff}---\r\ntitle: Tweede conclusie\r\nnumber: 2\r\n---\r\n\r\nRegel een.\r\n",
    );
    site.build_ok(&[]);
    assert_eq!(
        site.page("conclusies/tweede/index.html").text(".prose"),
        "Regel een."
    );
}

#[test]
fn there_is_a_404_page() {
    let site = Site::small();
    site.build_ok(&[]);
    let page = site.page("404.html");
    assert_eq!(page.text("h1"), "Pagina niet gevonden");
}

#[test]
fn a_list_of_many_pages_links_to_the_first_the_last_and_the_pages_near_the_reader() {
    let site = Site::small();
    site.add_conclusions(3..=1000, "Tekst.");
    site.build_ok(&[]);
    let first = site.page("conclusies/index.html");
    assert_eq!(first.texts(".pagination li"), ["1", "2", "3", "…", "10"]);
    let sixth = site.page("conclusies/pagina/6/index.html");
    assert_eq!(
        sixth.texts(".pagination li"),
        ["1", "…", "4", "5", "6", "7", "8", "9", "10"]
    );
    assert_eq!(sixth.text(".pagination [aria-current=page]"), "6");
    assert_eq!(sixth.attrs(".pagination li.gap", "aria-hidden"), ["true"]);
    // Every page offered is there, and each list page is reached from the next.
    for href in sixth.attrs(".pagination a", "href") {
        let file = format!("{}index.html", href.trim_start_matches('/'));
        assert!(site.path("public").join(&file).is_file(), "{href}");
    }
    for n in 2..=10 {
        let page = site.page(&format!("conclusies/pagina/{n}/index.html"));
        let before = match n {
            2 => "/conclusies/".to_string(),
            n => format!("/conclusies/pagina/{}/", n - 1),
        };
        assert!(page.attrs(".pagination a", "href").contains(&before), "{n}");
    }
}

#[test]
fn long_lists_are_split_into_pages_and_the_home_page_shows_the_first_items() {
    let site = Site::small();
    site.add_conclusions(3..=250, "Tekst.");
    site.build_ok(&[]);
    let first = site.page("conclusies/index.html");
    assert_eq!(first.texts(".item-list .item-card").len(), 100);
    assert_eq!(first.texts(".pagination li"), ["1", "2", "3"]);
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["/conclusies/pagina/2/"]
    );
    let last = site.page("conclusies/pagina/3/index.html");
    assert_eq!(
        last.texts(".item-list .item-number")
            .first()
            .map(String::as_str),
        Some("201")
    );
    assert_eq!(last.texts(".item-list .item-card").len(), 50);
    assert_eq!(
        last.attrs(".pagination a[rel=prev]", "href"),
        ["/conclusies/pagina/2/"]
    );
    assert_eq!(last.text(".pagination [aria-current=page]"), "3");
    assert!(
        last.text("h1").contains("pagina 3 van 3"),
        "{}",
        last.text("h1")
    );

    let home = site.page("index.html");
    assert_eq!(
        home.texts("section[aria-labelledby=glance-conclusions] .item-card")
            .len(),
        12
    );
    assert_eq!(
        home.text("section[aria-labelledby=glance-conclusions] .more"),
        "Alle 250 conclusies"
    );
    assert!(
        home.text("section[aria-labelledby=glance-themes] .more")
            .is_empty(),
        "short lists have no link"
    );
    let print = site.page("printversie/index.html");
    assert_eq!(
        print.texts(".print-item.kind-conclusion").len(),
        250,
        "the print edition holds everything"
    );
}

#[test]
fn front_matter_is_shown_as_text_everywhere() {
    let site = Site::small();
    let evil = "<script>alert('t')</script>";
    site.write(
        SECOND,
        &format!(
            "---\ntitle: \"Tweede {evil}\"\nnumber: 2\nsummary: \"Samenvatting <img src=x onerror=alert(1)>\"\nthemes: [vak]\n---\n\nTekst.\n"
        ),
    );
    site.write(
        "site.yaml",
        &format!("title: \"Oogst {evil}\"\nlanguage: nl\norganisation: \"<b>Org</b>\"\n"),
    );
    site.build_ok(&[]);
    for (path, bytes) in site.output().iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("<script>"), "{path} has a raw script tag");
        assert!(!html.contains("<img src=x"), "{path} has a raw img tag");
        assert!(
            !html.contains("<b>Org"),
            "{path} has raw markup from site.yaml"
        );
    }
    let page = site.page("conclusies/tweede/index.html");
    assert_eq!(page.text("h1"), format!("Tweede {evil}"), "shown as text");
    assert!(page.text("title").contains(evil));
}

#[test]
fn raw_html_in_bodies_is_kept_unless_the_site_asks_for_safe_markdown() {
    let site = Site::small();
    let body = "<div class=\"kader\">Kader</div>\n\nZie [dit](javascript:alert(1)).\n";
    site.write(
        "content/over.md",
        &format!("---\ntitle: Over\n---\n\n{body}"),
    );
    site.build_ok(&[]);
    let trusted = site.page("over/index.html");
    assert_eq!(trusted.texts(".prose div.kader"), ["Kader"]);

    site.write(
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\nmarkdown:\n  safe: true\n",
    );
    site.build_ok(&[]);
    let safe = site.page("over/index.html");
    assert!(
        safe.texts(".prose div.kader").is_empty(),
        "raw HTML is left out"
    );
    assert!(
        !safe
            .attrs(".prose a", "href")
            .iter()
            .any(|h| h.contains("javascript"))
    );
    assert!(safe.text(".prose").contains("Zie dit"));
}

#[test]
fn edit_url_gives_every_content_page_a_link_to_its_source_file() {
    let site = Site::small();
    site.write(
        "site.yaml",
        "title: Proefoogst\nbase_url: https://example.org/\nedit_url: https://gitlab.com/org/harvest/-/edit/main\n",
    );
    site.build_ok(&[]);
    let edit = |rel: &str| {
        let page = site.page(rel);
        (page.text(".edit-link"), page.attrs(".edit-link a", "href"))
    };
    let base = "https://gitlab.com/org/harvest/-/edit/main/content/";
    for (page, source) in [
        ("conclusies/eerste/index.html", "conclusions/01-eerste.md"),
        (
            "aanbevelingen/doe-dat/index.html",
            "recommendations/02-doe-dat.md",
        ),
        ("themas/leren/index.html", "themes/leren.md"),
        ("over/index.html", "over.md"),
        ("index.html", "_index.md"),
    ] {
        assert_eq!(
            edit(page),
            (
                "Bewerk deze pagina".to_string(),
                vec![format!("{base}{source}")]
            ),
            "{page}"
        );
    }
    for made in [
        "printversie/index.html",
        "relatieoverzicht/index.html",
        "404.html",
    ] {
        assert!(edit(made).1.is_empty(), "{made} has no source file");
    }

    site.write(
        "site.yaml",
        "title: Proefoogst\nlanguage: en\nedit_url: https://github.com/org/harvest/edit/main/\n",
    );
    site.build_ok(&[]);
    assert_eq!(
        edit("conclusions/eerste/index.html"),
        (
            "Edit this page".to_string(),
            vec![
                "https://github.com/org/harvest/edit/main/content/conclusions/01-eerste.md"
                    .to_string()
            ]
        )
    );

    // Without edit_url, no link.
    site.write("site.yaml", "title: Proefoogst\n");
    site.build_ok(&[]);
    assert!(edit("conclusies/eerste/index.html").1.is_empty());
}

#[test]
fn bodies_in_the_spool_make_the_same_site_as_bodies_in_memory() {
    // Every body in memory (a small harvest), every body in the build's temporary spool
    // file, and some of each: pages, print edition parts and search index alike.
    let site = common::site_in_parts("");
    let built = |bodies_in_memory: &str| {
        (site.oogst(&["build"]))
            .env("OOGST_BODIES_IN_MEMORY", bodies_in_memory)
            .assert()
            .success();
        site.output()
    };
    let in_memory = built("100000000");
    assert!(in_memory.len() > 30, "{} files", in_memory.len());
    for bodies_in_memory in ["0", "300"] {
        let spooled = built(bodies_in_memory);
        assert_eq!(
            spooled.keys().collect::<Vec<_>>(),
            in_memory.keys().collect::<Vec<_>>()
        );
        for (rel, bytes) in &in_memory {
            assert!(
                &spooled[rel] == bytes,
                "{rel} differs with {bodies_in_memory} bytes of bodies in memory"
            );
        }
    }
}
