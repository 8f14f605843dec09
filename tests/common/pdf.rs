//! Reading PDFs back with the tools a reader's and a checker's machine have: poppler-utils
//! (`pdftotext`, `pdfinfo`, `pdffonts`) and `qpdf`. `tests/pdf-tools.sh` installs them.

use std::path::Path;
use std::process::Command;

pub const INSTALL: &str = "bash tests/pdf-tools.sh (apt-get install poppler-utils qpdf)";

/// Runs a PDF tool; a missing tool fails the test with the command that installs it.
pub fn tool(name: &str, args: &[&str]) -> String {
    let output = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{name}` ({e}): install it with {INSTALL}"));
    assert!(
        output.status.success(),
        "`{name} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Text with every run of white space as one space.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the whole PDF, white space squeezed.
pub fn text(pdf: &Path) -> String {
    squeeze(&tool("pdftotext", &[path_str(pdf), "-"]))
}

/// The text of each page, white space squeezed.
pub fn page_texts(pdf: &Path) -> Vec<String> {
    tool("pdftotext", &[path_str(pdf), "-"])
        .split('\u{c}')
        .map(squeeze)
        .collect()
}

/// The outline (bookmarks) in reading order, depth first: each entry's title and the page
/// (from 1) it leads to.
pub fn outline(pdf: &Path) -> Vec<(String, u64)> {
    let json = tool("qpdf", &["--json", "--json-key=outlines", path_str(pdf)]);
    let outlines: serde_json::Value = serde_json::from_str(&json).expect("qpdf's JSON");
    let mut entries = Vec::new();
    fn walk(list: &serde_json::Value, out: &mut Vec<(String, u64)>) {
        for entry in list.as_array().into_iter().flatten() {
            let title = entry["title"].as_str().unwrap_or_default().to_string();
            let page = entry["destpageposfrom1"].as_u64().unwrap_or(0);
            out.push((title, page));
            walk(&entry["kids"], out);
        }
    }
    walk(&outlines["outlines"], &mut entries);
    entries
}

/// The named destinations the links of a PDF lead to (`conclusions/01-eerste.md`), one per
/// link annotation.
pub fn link_targets(pdf: &Path) -> Vec<String> {
    let json = tool("qpdf", &["--json", "--json-key=qpdf", path_str(pdf)]);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("qpdf's JSON");
    let objects = parsed["qpdf"][1].as_object().expect("the objects");
    objects
        .values()
        .map(|object| &object["value"])
        .filter(|value| value["/Subtype"] == "/Link")
        .filter_map(|link| pdf_string(&link["/Dest"]).map(str::to_string))
        .collect()
}

/// A string as qpdf's JSON writes it (`u:text`, `b:bytes`).
pub fn pdf_string(value: &serde_json::Value) -> Option<&str> {
    let text = value.as_str()?;
    text.strip_prefix("u:").or_else(|| text.strip_prefix("b:"))
}
