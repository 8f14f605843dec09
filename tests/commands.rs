//! The commands around a build: `oogst check` (nothing written, an answer in JSON), `oogst
//! new` (a starter that builds at once, in Dutch with deploy recipes), the shipped harvest,
//! and usage errors.

use crate::common;

use common::{Site, oogst};
use predicates::prelude::*;

#[test]
fn check_writes_nothing_and_can_answer_in_json() {
    let site = Site::small();
    site.oogst(&["check"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ok: checked"));
    assert!(!site.path("public").exists());
    let out = site.oogst(&["check", "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert!(json["pages"].as_u64().unwrap() > 10);
}

#[test]
fn a_new_site_builds_right_away() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mysite");
    oogst().arg("new").arg(&root).assert().success();
    build_ok(&root);
    let html =
        std::fs::read_to_string(root.join("public/recommendations/make-room/index.html")).unwrap();
    assert!(
        html.contains("Learning together works"),
        "the example recommendation links its conclusion"
    );
    oogst()
        .arg("new")
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn a_dutch_starter_builds_with_a_dutch_interface_and_deploy_recipes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("oogst");
    oogst()
        .args(["new", "--language", "nl"])
        .arg(&root)
        .assert()
        .success();
    build_ok(&root);
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(home.contains("<html lang=\"nl\""));
    assert!(home.contains(">Conclusies<"), "the interface is Dutch");
    assert!(home.contains("Onze oogst"), "the example content is Dutch");
    let conclusion =
        std::fs::read_to_string(root.join("public/conclusies/samen-leren/index.html")).unwrap();
    assert!(
        conclusion.contains("Maak ruimte om samen te leren"),
        "relations hold"
    );

    let gitlab = std::fs::read_to_string(root.join(".gitlab-ci.yml")).unwrap();
    assert!(gitlab.contains("oogst build --base-url \"$CI_PAGES_URL/\""));
    assert!(gitlab.contains("paths: [public]"));
    let github = std::fs::read_to_string(root.join(".github/workflows/pages.yml")).unwrap();
    assert!(github.contains("oogst build --base-url"));
    assert!(github.contains("path: public"));
    oogst()
        .args(["new", "--language", "fr"])
        .arg(dir.path().join("fr"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use en or nl"));
}

/// GitLab Pages sends a file gzipped only when a gzipped copy lies beside it: the recipe's
/// step, run as GitLab runs it, leaves one beside every text file of a built starter (its
/// search index among them), with the same bytes inside, and none beside a picture.
#[test]
fn the_gitlab_recipe_leaves_a_gzipped_copy_of_every_text_file() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("oogst");
    oogst().args(["new"]).arg(&root).assert().success();
    build_ok(&root);
    let recipe = std::fs::read_to_string(root.join(".gitlab-ci.yml")).unwrap();
    let step = (recipe.lines())
        .find_map(|line| line.trim().strip_prefix("- find public"))
        .expect("a step that compresses public/");
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("find public{step}")])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let text = ["html", "css", "js", "json", "xml", "svg", "txt"];
    let files = common::files_below(&root.join("public"));
    let (mut copies, mut items) = (0, 0);
    for (rel, bytes) in &files {
        let extension = rel.rsplit_once('.').map(|(_, e)| e);
        let gzipped = files.get(&format!("{rel}.gz"));
        match extension {
            Some("gz") => {}
            Some(e) if text.contains(&e) => {
                let mut inside = Vec::new();
                let copy = gzipped.unwrap_or_else(|| panic!("no {rel}.gz"));
                flate2::read::GzDecoder::new(&copy[..])
                    .read_to_end(&mut inside)
                    .unwrap();
                assert_eq!(&inside, bytes, "{rel}.gz");
                copies += 1;
                items += usize::from(rel.starts_with("search-index/items-"));
            }
            _ => assert!(gzipped.is_none(), "{rel} is not text"),
        }
    }
    assert!(
        copies > 20 && items > 0,
        "{copies} copies, {items} of items files"
    );
}

#[test]
fn the_shipped_harvest_builds() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().unwrap();
    oogst()
        .args(["build", "--root", root, "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("6 conclusions, 4 recommendations"));
    let conclusions = std::fs::read_to_string(out.path().join("conclusies/index.html")).unwrap();
    assert_eq!(
        conclusions
            .matches("class=\"item-card kind-conclusion\"")
            .count(),
        6
    );
}

#[test]
fn usage_errors_exit_with_2() {
    oogst().arg("bouw").assert().code(2);
    oogst().args(["check", "--format", "xml"]).assert().code(2);
    oogst()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains("oogst"));
}

/// `oogst build --root <root>`, expected to succeed.
fn build_ok(root: &std::path::Path) {
    oogst()
        .arg("build")
        .arg("--root")
        .arg(root)
        .assert()
        .success();
}
