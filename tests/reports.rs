//! The whole text report of each kind of error, source line and caret included, compared
//! with a snapshot kept in `tests/snapshots/`: the small site is broken in one way and
//! checked with the real binary. Review a changed report with `cargo insta review`.

use crate::common;
use common::{FIRST, SECOND};

use common::Site;

const DOE_DAT: &str = "content/recommendations/02-doe-dat.md";

/// The report of `oogst check` on the small site after `edits`; it must fail.
fn report(edits: &[(&str, &str)]) -> String {
    let site = Site::small();
    for (rel, text) in edits {
        site.write(rel, text);
    }
    let out = site.oogst(&["check"]).output().expect("oogst runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "exit code 1; stderr:\n{stderr}");
    stderr
}

#[test]
fn yaml_syntax() {
    let report = report(&[(
        FIRST,
        "---\ntitle: Eerste\nnumber: 1\nthemes: [leren\n---\n\nTekst.\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn unclosed_quote() {
    let report = report(&[(
        FIRST,
        "---\ntitle: Eerste\nsummary: \"De eerste.\nnumber: 1\n---\n\nTekst.\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn unknown_key_with_did_you_mean() {
    let report = report(&[(
        FIRST,
        "---\ntitle: Eerste\nnumber: 1\nthems: [leren]\n---\n\nTekst.\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn wrong_type() {
    let report = report(&[(FIRST, "---\ntitle: Eerste\nnumber: drie\n---\n\nTekst.\n")]);
    insta::assert_snapshot!(report);
}

#[test]
fn missing_required_key() {
    let report = report(&[(
        FIRST,
        "---\ntitle: Eerste\nthemes: [leren]\n---\n\nTekst.\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn dangling_relation() {
    let report = report(&[(
        DOE_DAT,
        "---\ntitle: Doe dat\nnumber: 2\nthemes: [lerem]\nconclusions:\n  - 2\n  - 7\n---\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn duplicate_number() {
    let report = report(&[(
        "content/conclusions/03-derde.md",
        "---\ntitle: Derde\nnumber: 2\n---\n\nTekst.\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn bad_content_link() {
    let report = report(&[(
        "content/over.md",
        "---\ntitle: Over\n---\n\nZie ook [de eerste](@/conclusions/01-eerst.md) en\n[de aanpak](@/conclusions/01-eerste.md#aanpk).\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn site_yaml() {
    let report = report(&[(
        "site.yaml",
        "title: Proefoogst\nlanguag: en\nbase_url: https://example.org/\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn template() {
    let report = report(&[(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}\n{% block kicker %}\n{{ page.nummer }}\n{% endblock kicker %}\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn template_syntax() {
    let report = report(&[(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}\n{% block kicker %}\n{{ page.number }\n{% endblock kicker %}\n",
    )]);
    insta::assert_snapshot!(report);
}

#[test]
fn errors_without_a_line_keep_their_form() {
    let site = Site::small();
    std::fs::remove_file(site.path("site.yaml")).expect("remove site.yaml");
    let out = site.oogst(&["check"]).output().expect("oogst runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stderr = stderr.replace(&site.root().display().to_string(), "[ROOT]");
    insta::assert_snapshot!(stderr);
}

#[test]
fn json_carries_the_source_line() {
    let site = Site::small();
    site.write(
        DOE_DAT,
        "---\ntitle: Doe dat\nnumber: 2\nconclusions: [2, 7]\n---\n",
    );
    let out = site.oogst(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn links_to_a_draft_and_to_a_markdown_path() {
    let report = report(&[
        (SECOND, "---\ntitle: Tweede\nnumber: 2\ndraft: true\n---\n"),
        (
            DOE_DAT,
            "---\ntitle: Doe dat\nnumber: 2\n---\n\nZie [de tweede](@/conclusions/02-tweede.md)\nen [de eerste](../conclusions/01-eerste.md).\n",
        ),
    ]);
    insta::assert_snapshot!(report);
}
