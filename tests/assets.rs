//! Files beside the pages: a site's own files copied, the theme's stylesheet and script
//! published under a hash of their bytes, a site's template in place of the theme's.

use crate::common;
use common::FIRST;

use common::Site;

#[test]
fn files_beside_content_and_static_files_are_copied() {
    let site = Site::small();
    site.write("content/conclusions/schema.txt", "schema");
    site.write("static/logo.svg", "<svg/>");
    site.write(
        FIRST,
        "---\ntitle: Eerste conclusie\nnumber: 1\n---\n\nZie [het schema](schema.txt).\n\n## Aanpak\n",
    );
    site.build_ok(&[]);
    assert_eq!(site.read_public("conclusies/schema.txt"), "schema");
    assert!(site.path("public/logo.svg").exists());
    let page = site.page("conclusies/eerste/index.html");
    let stylesheet = &page.attrs("link[rel=stylesheet]", "href")[0];
    assert!(
        site.path(&format!("public{stylesheet}")).exists(),
        "the theme's stylesheet"
    );
    assert_eq!(
        page.attrs(".prose a:not(.heading-anchor)", "href"),
        ["/conclusies/schema.txt"]
    );
}

/// The stylesheet and the script the search box loads, as the home page names them (below
/// `/sub/`), with their bytes.
fn theme_assets(site: &Site) -> Vec<(String, Vec<u8>)> {
    let home = site.page("index.html");
    let mut names = home.attrs("link[rel=stylesheet]", "href");
    names.extend(home.attrs("form.site-search", "data-search-script"));
    names
        .into_iter()
        .map(|url| {
            let file = url.strip_prefix("/sub/").unwrap_or(&url);
            let bytes = std::fs::read(site.path("public").join(file))
                .unwrap_or_else(|e| panic!("{url} is published: {e}"));
            (url, bytes)
        })
        .collect()
}

#[test]
fn the_stylesheet_and_script_are_published_under_a_hash_of_their_content() {
    let site = Site::new(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/sub/\n",
        ),
        ("content/over.md", "---\ntitle: Over\n---\n"),
    ]);
    site.build_ok(&[]);
    let first = theme_assets(&site);
    let [(css, _), (js, js_bytes)] = first.as_slice() else {
        panic!("one stylesheet and one script: {first:?}")
    };
    let hashed = |url: &str, stem: &str, extension: &str| {
        let name = url.strip_prefix("/sub/").unwrap_or_default();
        let hash = name
            .strip_prefix(stem)
            .and_then(|rest| rest.strip_suffix(extension))
            .unwrap_or_default();
        hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit())
    };
    assert!(hashed(css, "style.", ".css"), "{css}");
    assert!(hashed(js, "search.", ".js"), "{js}");
    let output = site.output();
    assert!(!output.contains_key("style.css") && !output.contains_key("search.js"));
    for page in [
        "over/index.html",
        "zoeken/index.html",
        "404.html",
        "printversie/index.html",
    ] {
        assert_eq!(
            site.page(page).attrs("link[rel=stylesheet]", "href"),
            [css.as_str()],
            "{page}"
        );
    }

    // A stylesheet of the site's own replaces the theme's, under a name of its own.
    site.write("static/style.css", "body { color: navy }");
    site.build_ok(&[]);
    let second = theme_assets(&site);
    assert_ne!(second[0].0, *css, "a changed stylesheet gets a new name");
    assert_eq!(second[0].1, b"body { color: navy }");
    assert_eq!(
        second[1],
        (js.clone(), js_bytes.clone()),
        "the script kept its name"
    );
    site.write("static/style.css", "body { color: teal }");
    site.build_ok(&[]);
    let third = theme_assets(&site);
    assert_ne!(third[0].0, second[0].0);
    assert!(
        !site
            .output()
            .keys()
            .any(|p| p.ends_with(".css") && format!("/sub/{p}") != third[0].0),
        "only the stylesheet in use is published"
    );
}

#[test]
fn a_site_template_overrides_one_theme_template() {
    let site = Site::small();
    site.write(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}{% block kicker %}Bevinding {{ page.number }}{% endblock kicker %}",
    );
    site.build_ok(&[]);
    assert_eq!(
        site.page("conclusies/eerste/index.html").text(".kicker"),
        "Bevinding 1"
    );
    assert_eq!(
        site.page("aanbevelingen/doe-dit/index.html")
            .text(".kicker"),
        "Aanbeveling 1"
    );
}
