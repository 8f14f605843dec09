//! `build --out`: oogst replaces only folders it made. A web root with other sites or a
//! folder of notes given by mistake stays as it was.

use crate::common;

use common::Site;
use predicates::prelude::*;

fn text(path: &std::path::Path) -> String {
    path.display().to_string()
}

#[test]
fn a_folder_with_files_oogst_did_not_make_is_kept_and_named() {
    let site = Site::small();
    let elsewhere = tempfile::tempdir().unwrap();
    let www = elsewhere.path().join("www");
    std::fs::create_dir_all(www.join("other-site")).unwrap();
    std::fs::write(www.join("notes.txt"), "mine").unwrap();
    site.oogst(&["build", "--out", &text(&www)])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("refusing to replace"))
        .stderr(predicate::str::contains("www"))
        .stderr(predicate::str::contains("`notes.txt`"))
        .stderr(predicate::str::contains("`other-site`"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(www.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(www.join("other-site").is_dir());
    assert!(!www.join("index.html").exists(), "nothing was written");
}

#[test]
fn its_own_previous_output_is_replaced_and_force_replaces_any_folder() {
    let site = Site::small();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("site-out");
    for _ in 0..2 {
        site.oogst(&["build", "--out", &text(&out)])
            .assert()
            .success();
    }
    assert!(out.join("index.html").is_file());

    let notes = elsewhere.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("todo.txt"), "x").unwrap();
    site.oogst(&["build", "--force", "--out", &text(&notes)])
        .assert()
        .success();
    assert!(notes.join("index.html").is_file());
    assert!(
        !notes.join("todo.txt").exists(),
        "--force replaces the folder whole"
    );
}

#[test]
fn an_empty_folder_and_the_output_of_an_earlier_oogst_are_built_into() {
    let site = Site::small();
    std::fs::create_dir_all(site.path("public")).unwrap();
    site.build_ok(&[]);
    // Output of a version that wrote no marker: recognised by its open data.
    std::fs::remove_file(site.path("public/.oogst-output")).unwrap();
    site.build_ok(&[]);
    assert!(site.path("public/.oogst-output").is_file());
}

#[test]
fn parent_folders_and_files_get_a_message_that_says_what_is_wrong() {
    let site = Site::small();
    site.oogst(&["build", "--out", &text(&site.path("public/.."))])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds the site's own sources"))
        .stderr(predicate::str::contains("busy").not());
    site.write("a-file", "x");
    site.oogst(&["build", "--out", &text(&site.path("a-file"))])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a file, not a folder"));
}
