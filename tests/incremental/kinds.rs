//! Each kind of edit renders only the pages it reaches, and an edit that is refused is
//! told as a clean build tells it.

use super::common::Site;
use super::{Served, assert_served_as_clean, options};
use oogst::output::{Emitted, InMemory};
use oogst::{Change, Preview};

/// A harvest with two list pages of conclusions, themes and recommendations that relate
/// to them, and a page linking to one conclusion.
fn larger_site() -> Site {
    let mut files: Vec<(String, String)> = vec![
        ("site.yaml".into(), "title: Proefoogst\npdf: false\n".into()),
        (
            "content/over.md".into(),
            "---\ntitle: Over\n---\n\nZie [de zevende](@/conclusions/c007.md).\n".into(),
        ),
    ];
    for t in 1..=4 {
        files.push((
            format!("content/themes/t{t}.md"),
            format!("---\ntitle: Thema {t}\n---\n\nOver thema {t}.\n"),
        ));
    }
    for n in 1..=130 {
        files.push((
            format!("content/conclusions/c{n:03}.md"),
            conclusion_text(n, ""),
        ));
    }
    for n in 1..=10 {
        files.push((
            format!("content/recommendations/r{n:02}.md"),
            format!(
                "---\ntitle: Aanbeveling {n}\nnumber: {n}\nconclusions: [{}, {}]\n---\n\nDoe {n}.\n",
                n * 3,
                n * 3 + 1
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Site::new(&refs)
}

/// Conclusion `n` of [`larger_site`], with `extra` front matter.
fn conclusion_text(n: u32, extra: &str) -> String {
    format!(
        "---\ntitle: Conclusie {n}\nnumber: {n}\nsummary: Samenvatting {n}.\nthemes: [t{}]\n{extra}---\n\nTekst {n}.\n",
        n % 4 + 1
    )
}

/// A preview of `site` as `oogst serve` runs it, after its first run.
fn served(site: &Site) -> Served {
    let mut preview = Served::new(
        Preview::new(options(site))
            .deferring_print()
            .emitting_changes(),
    );
    preview.run(&[]).unwrap_or_else(|e| panic!("{e}"));
    preview
}

#[test]
fn every_kind_of_edit_renders_only_the_pages_it_reaches_and_ends_as_a_clean_build() {
    let site = larger_site();
    let mut preview = served(&site);
    let all = preview.site.page_count();
    assert!(all > 150, "{all} pages");
    let conclusion = |n: u32| format!("content/conclusions/c{n:03}.md");
    let front = conclusion_text;
    // What changes, and how many pages may show it: an item's neighbours, relations, list
    // pages and the home page; an item that comes, goes or changes its themes changes the
    // counts of a theme, which every page related to that theme shows.
    let edits: Vec<(&str, String, Option<String>, usize)> = vec![
        (
            "a body",
            conclusion(40),
            Some(front(40, "").replace("Tekst 40.", "Nieuwe tekst.")),
            1,
        ),
        (
            "a title",
            conclusion(50),
            Some(front(50, "").replace("title: Conclusie 50", "title: Vijftig")),
            6,
        ),
        (
            "a summary",
            conclusion(120),
            Some(front(120, "").replace("Samenvatting 120.", "Anders.")),
            6,
        ),
        (
            "a relation",
            conclusion(60),
            Some(front(60, "").replace("themes: [t1]", "themes: [t1, t3]")),
            80,
        ),
        (
            "a number",
            conclusion(5),
            Some(front(5, "").replace("number: 5", "number: 500")),
            12,
        ),
        (
            "a recommendation's conclusions",
            "content/recommendations/r01.md".into(),
            Some(
                "---\ntitle: Aanbeveling 1\nnumber: 1\nconclusions: [9, 4]\n---\n\nDoe 1.\n".into(),
            ),
            12,
        ),
        (
            "a theme's title, which changes the order of every list it is in",
            "content/themes/t2.md".into(),
            Some("---\ntitle: Aaa, het eerste thema\n---\n\nOver thema 2.\n".into()),
            80,
        ),
        ("a deleted file", conclusion(100), None, 80),
        (
            "a new file",
            conclusion(131),
            Some(front(131, "").replace("number: 131", "number: 100")),
            80,
        ),
        (
            "a new slug",
            conclusion(7),
            Some(front(7, "slug: nieuw-adres\n")),
            12,
        ),
        (
            "a draft",
            conclusion(8),
            Some(front(8, "draft: true\n")),
            80,
        ),
    ];
    for (what, rel, text, reach) in edits {
        match &text {
            Some(text) => site.write(&rel, text),
            None => std::fs::remove_file(site.path(&rel)).unwrap_or_else(|e| panic!("{e}")),
        }
        let built = preview
            .run(&[Change::Content(site.path(&rel))])
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let rendered = preview.rendered;
        assert!(
            rendered <= reach,
            "{what}: {rendered} of {all} pages rendered again"
        );
        // What changed is put out, not the whole site.
        assert!(
            matches!(built.emitted, Emitted::Changes { .. }),
            "{what}: {:?}",
            built.emitted
        );
        assert_served_as_clean(&site, &preview, what);
    }
}

/// A clean build's errors, as `oogst build` tells them.
fn clean_errors(site: &Site) -> String {
    match oogst::build_site(&options(site)) {
        Ok(_) => panic!("a clean build of {} succeeds", site.root().display()),
        Err(errors) => errors.to_string(),
    }
}

#[test]
fn a_file_renamed_and_edits_that_break_a_reference_end_as_a_clean_build_does() {
    let site = larger_site();
    let mut preview = served(&site);
    let conclusion = |name: &str| format!("content/conclusions/{name}.md");
    let text = |n: u32| conclusion_text(n, "");
    let changed = |names: &[&str]| -> Vec<Change> {
        (names.iter())
            .map(|name| Change::Content(site.path(&conclusion(name))))
            .collect()
    };

    // A file renamed: one item goes and another comes, in one run.
    std::fs::rename(
        site.path(&conclusion("c011")),
        site.path(&conclusion("c011-elf")),
    )
    .expect("rename");
    let built = preview
        .run(&changed(&["c011", "c011-elf"]))
        .unwrap_or_else(|e| panic!("a rename: {e}"));
    assert!(matches!(built.emitted, Emitted::Changes { .. }));
    assert_served_as_clean(&site, &preview, "a rename");

    // A page that links to conclusion 14, which no recommendation names.
    site.write(
        "content/verder.md",
        "---\ntitle: Verder\n---\n\nLees [de veertiende](@/conclusions/c014.md).\n",
    );
    preview
        .run(&[Change::Content(site.path("content/verder.md"))])
        .unwrap_or_else(|e| panic!("a new page: {e}"));

    // A body, edited alone, that links to conclusion 20.
    let linking = text(17).replace("Tekst 17.", "Zie [twintig](@/conclusions/c020.md).");
    site.write(&conclusion("c017"), &linking);
    preview
        .run(&changed(&["c017"]))
        .unwrap_or_else(|e| panic!("a body edited: {e}"));

    // Each of these is refused as a clean build refuses it; undone, the site is whole again.
    let refused: [(&str, &str, Option<String>); 4] = [
        // First, while the harvest is still the one the body edit left.
        (
            "a conclusion a body edited alone links to, deleted",
            "c020",
            None,
        ),
        // Recommendation 4 builds on conclusion 12.
        ("a conclusion a recommendation names, deleted", "c012", None),
        ("a conclusion a page links to, deleted", "c014", None),
        (
            "a new conclusion with a number another has",
            "c200",
            Some(text(5).replace("Conclusie 5", "Tweede vijf")),
        ),
    ];
    for (what, name, edit) in refused {
        let path = site.path(&conclusion(name));
        let before = std::fs::read_to_string(&path).ok();
        match &edit {
            Some(new) => site.write(&conclusion(name), new),
            None => std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{what}: {e}")),
        }
        let told = preview
            .run(&changed(&[name]))
            .map(|_| ())
            .expect_err(what)
            .to_string();
        assert_eq!(told, clean_errors(&site), "{what}");
        match &before {
            Some(text) => site.write(&conclusion(name), text),
            None => std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{what}: {e}")),
        }
        preview
            .run(&changed(&[name]))
            .unwrap_or_else(|e| panic!("{what}, undone: {e}"));
        assert_served_as_clean(&site, &preview, what);
    }
}

#[test]
fn a_recommendation_that_adds_or_removes_a_page_of_the_matrix_ends_as_a_clean_build() {
    let mut files: Vec<(String, String)> = vec![
        ("site.yaml".into(), "title: Proefoogst\npdf: false\n".into()),
        (
            "content/conclusions/c1.md".into(),
            "---\ntitle: Conclusie 1\nnumber: 1\n---\n\nTekst.\n".into(),
        ),
    ];
    let recommendation = |n: usize, title: &str| {
        format!("---\ntitle: {title}\nnumber: {n}\nconclusions: [1]\n---\n\nDoe {n}.\n")
    };
    for n in 1..=100 {
        files.push((
            format!("content/recommendations/r{n:03}.md"),
            recommendation(n, &format!("Aanbeveling {n}")),
        ));
    }
    let refs: Vec<(&str, &str)> = (files.iter())
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = Site::new(&refs);
    let mut preview = served(&site);
    let second = "relatieoverzicht/pagina/2/index.html";
    let has_second = |preview: &Served| preview.site.paths().any(|p| p == second);
    assert!(!has_second(&preview), "100 rows fit one page");
    let new = "content/recommendations/r101.md";
    let edits = [
        (
            "a 101st recommendation",
            Some(recommendation(101, "Nieuw")),
            true,
        ),
        ("its title", Some(recommendation(101, "Hernoemd")), true),
        ("it deleted", None, false),
    ];
    for (what, text, second_page) in edits {
        match &text {
            Some(text) => site.write(new, text),
            None => std::fs::remove_file(site.path(new)).unwrap_or_else(|e| panic!("{e}")),
        }
        preview
            .run(&[Change::Content(site.path(new))])
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(has_second(&preview), second_page, "{what}");
        assert_served_as_clean(&site, &preview, what);
    }
}

#[test]
fn a_new_list_page_is_served_at_once_and_the_pages_before_count_it_with_the_files_after() {
    let conclusion =
        |n: usize| format!("---\ntitle: Conclusie {n}\nnumber: {n}\n---\n\nTekst {n}.\n");
    let mut files: Vec<(String, String)> =
        vec![("site.yaml".into(), "title: Proefoogst\npdf: false\n".into())];
    for n in 1..=100 {
        files.push((format!("content/conclusions/c{n:03}.md"), conclusion(n)));
    }
    let refs: Vec<(&str, &str)> = (files.iter())
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = Site::new(&refs);
    let mut served = served(&site);
    let new = "content/conclusions/c101.md";
    site.write(new, &conclusion(101));
    let memory = InMemory::default();
    let built = (served.preview)
        .run(&[Change::Content(site.path(new))], &memory)
        .unwrap_or_else(|e| panic!("{e}"));
    let quick = memory.into_site();
    let text = |content: &oogst::output::Content| {
        String::from_utf8_lossy(&content.bytes().expect("the page's bytes")).into_owned()
    };
    // At once: the list's new second page, with the new conclusion.
    let second = quick.get("conclusies/pagina/2/index.html");
    assert!(
        second.is_some_and(|page| text(page).contains("Conclusie 101")),
        "the new list page comes with the reload"
    );
    // The first page holds the same 100 conclusions: its pagination, which now counts two
    // pages, follows with the files that hold every item.
    assert!(quick.get("conclusies/index.html").is_none());
    served.site.update(quick, &built.emitted);
    let later = (served.preview.finish_deferred())
        .expect("files follow the reload")
        .unwrap_or_else(|e| panic!("{e}"));
    let first = later
        .iter()
        .find(|(path, _)| path == "conclusies/index.html");
    assert!(
        first.is_some_and(|(_, page)| page
            .as_ref()
            .is_some_and(|page| text(page).contains("/conclusies/pagina/2/"))),
        "the first page links to the second after"
    );
    served.site.apply(later);
    assert_served_as_clean(&site, &served, "a 101st conclusion");
}
