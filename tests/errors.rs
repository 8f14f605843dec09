//! Errors a writer can act on: each names the file and line, the exit code is 1, and the
//! site built before stays exactly as it was.

use crate::common;
use common::{FIRST, SECOND};

use common::Site;

/// Builds the small site, breaks it with `edits`, builds again: the build must fail with
/// every `expected` text in its report, and leave the old output untouched.
fn fails_keeping_old_output(edits: &[(&str, &str)], expected: &[&str]) -> String {
    let site = Site::small();
    site.build_ok(&[]);
    let before = site.output();
    assert!(before.contains_key("index.html"));
    for (rel, text) in edits {
        site.write(rel, text);
    }
    let out = site.oogst(&["build"]).output().expect("oogst runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "exit code 1; stderr:\n{stderr}");
    for text in expected {
        assert!(stderr.contains(text), "expected {text:?} in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(site.output() == before, "the previous output is untouched");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folders left: {leftovers:?}"
    );
    stderr
}

#[test]
fn malformed_yaml() {
    fails_keeping_old_output(
        &[(
            FIRST,
            "---\ntitle: Eerste\nnumber: 1\nthemes: [leren\n---\n\nTekst.\n",
        )],
        &["content/conclusions/01-eerste.md:4:9:", "invalid YAML"],
    );
}

#[test]
fn an_unclosed_quote() {
    fails_keeping_old_output(
        &[(FIRST, "---\ntitle: \"Eerste\nnumber: 1\n---\n\nTekst.\n")],
        &[
            "content/conclusions/01-eerste.md:2:8: error: invalid YAML: this quote is never closed",
            "close the quote",
        ],
    );
}

#[test]
fn a_tab_for_indentation() {
    fails_keeping_old_output(
        &[(FIRST, "---\ntitle: Eerste\n\tnumber: 1\n---\n")],
        &[
            "content/conclusions/01-eerste.md:3:",
            "tab",
            "indent with spaces",
        ],
    );
}

#[test]
fn front_matter_without_its_closing_line() {
    fails_keeping_old_output(
        &[(FIRST, "---\ntitle: Eerste\nnumber: 1\n\nTekst.\n")],
        &[
            "content/conclusions/01-eerste.md:1:1: error: the front matter is not closed",
            "did you forget the closing `---`",
        ],
    );
}

#[test]
fn a_missing_required_key() {
    fails_keeping_old_output(
        &[(FIRST, "---\ntitle: Eerste\nthemes: [leren]\n---\n")],
        &[
            "content/conclusions/01-eerste.md:2:1: error: missing required key `number`",
            "add a line `number: ...`",
        ],
    );
}

#[test]
fn an_unknown_key_with_a_suggestion() {
    fails_keeping_old_output(
        &[(
            FIRST,
            "---\ntitle: Eerste\nnumber: 1\nthems: [leren]\n---\n",
        )],
        &[
            "content/conclusions/01-eerste.md:4:1: error: unknown key `thems`",
            "did you mean `themes`?",
        ],
    );
}

#[test]
fn a_value_of_the_wrong_type() {
    fails_keeping_old_output(
        &[(FIRST, "---\ntitle: Eerste\nnumber: drie\n---\n")],
        &[
            "content/conclusions/01-eerste.md:3:",
            "`number`: expected a whole number, found the text \"drie\"",
        ],
    );
    fails_keeping_old_output(
        &[(FIRST, "---\ntitle: Eerste\nnumber: 1\nthemes: leren\n---\n")],
        &[
            "content/conclusions/01-eerste.md:4:",
            "`themes`: expected a list",
            "[a, b]",
        ],
    );
}

#[test]
fn a_duplicate_number() {
    fails_keeping_old_output(
        &[(
            "content/conclusions/03-derde.md",
            "---\ntitle: Derde\nnumber: 2\n---\n",
        )],
        &[
            "content/conclusions/03-derde.md:3:1: error: number 2 is already used by content/conclusions/02-tweede.md",
        ],
    );
}

#[test]
fn a_dangling_relation() {
    let stderr = fails_keeping_old_output(
        &[(
            "content/recommendations/02-doe-dat.md",
            "---\ntitle: Doe dat\nnumber: 2\nthemes: [lerem]\nconclusions:\n  - 2\n  - 7\n---\n",
        )],
        &[
            "content/recommendations/02-doe-dat.md:4:10: error: `lerem` is not a theme",
            "did you mean `leren`?",
            "content/recommendations/02-doe-dat.md:7:5: error: `7` is not a conclusion",
        ],
    );
    assert!(stderr.ends_with("2 errors\n"), "{stderr}");
}

#[test]
fn a_relation_to_a_draft() {
    fails_keeping_old_output(
        &[(SECOND, "---\ntitle: Tweede\nnumber: 2\ndraft: true\n---\n")],
        &[
            "content/recommendations/01-doe-dit.md:5:18: error: `tweede` is a draft",
            "content/recommendations/02-doe-dat.md:4:15: error: `2` is a draft",
            "--drafts",
        ],
    );
}

#[test]
fn a_dangling_content_link() {
    fails_keeping_old_output(
        &[(
            "content/over.md",
            "---\ntitle: Over\n---\n\nZie ook\n[de eerste](@/conclusions/01-eerst.md).\n",
        )],
        &[
            "content/over.md:6:1: error: broken link: `@/conclusions/01-eerst.md`",
            "did you mean `@/conclusions/01-eerste.md`?",
        ],
    );
}

#[test]
fn a_link_to_a_missing_anchor() {
    fails_keeping_old_output(
        &[(
            "content/over.md",
            "---\ntitle: Over\n---\n\nZie [de aanpak](@/conclusions/01-eerste.md#aanpk).\n",
        )],
        &[
            "content/over.md:5:5: error: `conclusions/01-eerste.md` has no heading with the anchor `#aanpk`",
            "did you mean `aanpak`?",
        ],
    );
}

#[test]
fn a_template_syntax_error() {
    fails_keeping_old_output(
        &[(
            "templates/conclusion.html",
            "{% extends \"item.html\" %}\n{% block kicker %}\n{{ page.number }\n{% endblock kicker %}\n",
        )],
        &["templates/conclusion.html:3:16: error: template `conclusion.html`"],
    );
}

#[test]
fn a_template_render_error() {
    let stderr = fails_keeping_old_output(
        &[(
            "templates/conclusion.html",
            "{% extends \"item.html\" %}\n{% block kicker %}\n{{ page.nummer }}\n{% endblock kicker %}\n",
        )],
        &[
            "templates/conclusion.html:3:9: error: template `conclusion.html`: Field `nummer` is not defined",
            "and 1 more page)",
        ],
    );
    assert!(
        stderr.ends_with("1 error\n"),
        "one error for all pages: {stderr}"
    );
}

#[test]
fn a_wrong_key_in_site_yaml() {
    fails_keeping_old_output(
        &[("site.yaml", "title: Proefoogst\nlanguag: en\n")],
        &[
            "site.yaml:2:1: error: unknown key `languag`",
            "did you mean `language`?",
        ],
    );
}

#[test]
fn a_missing_theme() {
    fails_keeping_old_output(
        &[("site.yaml", "title: Proefoogst\ntheme: fancy\n")],
        &[
            "site.yaml:2:1: error: theme `fancy` not found",
            "remove `theme:`",
        ],
    );
}

#[test]
fn every_error_of_a_run_is_reported_at_once() {
    let stderr = fails_keeping_old_output(
        &[
            (
                FIRST,
                "---\ntitle: Eerste\nnumber: 1\nthems: [leren]\n---\n",
            ),
            (SECOND, "---\ntitle: Tweede\n---\n"),
            (
                "content/over.md",
                "---\ntitle: Over\n---\n[x](@/nergens.md)\n",
            ),
            ("content/themes/vak.md", "geen front matter\n"),
        ],
        &[
            "content/conclusions/01-eerste.md:4:1",
            "content/conclusions/02-tweede.md:2:1",
            "content/over.md:4:1",
            "content/themes/vak.md:1:1: error: the file has no front matter",
        ],
    );
    assert!(
        stderr.ends_with("4 errors\n"),
        "references to broken files are not reported again: {stderr}"
    );
}

#[test]
fn an_output_folder_that_holds_sources_is_refused() {
    let site = Site::small();
    let out = site
        .oogst(&["build"])
        .arg("--out")
        .arg(site.path("content"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write the site into"));
    assert!(site.path(FIRST).exists());
}

#[test]
fn no_site_here() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::oogst()
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no site.yaml in"), "{stderr}");
    assert!(stderr.contains("oogst new DIR"), "{stderr}");
}

#[test]
fn check_reports_errors_as_json() {
    let site = Site::small();
    site.write(
        FIRST,
        "---\ntitle: Eerste\nnumber: 1\nthems: [leren]\n---\n",
    );
    let out = site.oogst(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["ok"], false);
    let error = &json["errors"][0];
    assert_eq!(error["file"], FIRST);
    assert_eq!(error["line"], 4);
    assert_eq!(error["col"], 1);
    assert_eq!(error["message"], "unknown key `thems`");
    assert_eq!(error["hint"], "did you mean `themes`?");
    assert_eq!(error["source_line"], "thems: [leren]");
}

/// Warnings are in the JSON too, each with its file and line and marked as a warning; with
/// only warnings the check passes.
#[test]
fn check_reports_warnings_as_json() {
    let site = Site::small();
    site.write(
        "content/schema.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"/>",
    );
    let long = "lang ".repeat(60);
    site.write(
        "content/over.md",
        &format!("---\ntitle: Over\n---\n\nTekst.\n\n![{long}](schema.svg)\n"),
    );
    let out = site.oogst(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "only a warning");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["ok"], true);
    assert_eq!(json["errors"], serde_json::json!([]));
    let warning = &json["warnings"][0];
    assert_eq!(warning["file"], "content/over.md");
    assert_eq!(warning["line"], 7);
    assert_eq!(warning["col"], 1);
    assert_eq!(warning["warning"], true);
    assert_eq!(
        warning["message"],
        "the description of `schema.svg` is 299 characters long; screen readers read it whole"
    );
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(1));

    // With an error besides, both are told, apart; the check fails.
    site.write(
        FIRST,
        "---\ntitle: Eerste\nnumber: 1\nthems: [leren]\n---\n",
    );
    let out = site.oogst(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"][0]["file"], FIRST);
    assert_eq!(json["errors"][0].get("warning"), None);
    assert_eq!(json["warnings"][0]["file"], "content/over.md");
    assert_eq!(json["warnings"][0]["warning"], true);
    let out = site.oogst(&["check"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/over.md:7:1: warning: the description")
            && stderr.ends_with("1 error, 1 warning\n"),
        "{stderr}"
    );
}

#[test]
fn a_template_that_loops_nearly_forever_is_stopped() {
    let site = Site::small();
    site.build_ok(&[]);
    let before = site.output();
    site.write(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}{% block kicker %}{% for a in range(end=100000) %}\
         {% for b in range(end=100000) %}{% endfor %}{% endfor %}{% endblock kicker %}",
    );
    let out = site
        .oogst(&["build"])
        .env("OOGST_RENDER_LIMIT_SECS", "2")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("oogst runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("rendering /conclusies/"), "{stderr}");
    assert!(stderr.contains("loops (nearly) forever"), "{stderr}");
    assert!(site.output() == before, "the previous output is untouched");
}

#[test]
fn a_template_that_recurses_names_its_file() {
    fails_keeping_old_output(
        &[(
            "templates/conclusion.html",
            "{% extends \"item.html\" %}\n{% component boom(n) %}{{ <boom n={n+1} /> }}{% endcomponent boom %}\n\
             {% block kicker %}{{ <boom n={1} /> }}{% endblock kicker %}\n",
        )],
        &[
            "templates/conclusion.html: error: template `conclusion.html`: Maximum render recursion depth",
        ],
    );
}
