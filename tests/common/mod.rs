//! Shared helpers for the integration tests: temporary sites, the real binary, parsed HTML.
#![allow(dead_code)]

pub mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{Html, Selector};
use tempfile::TempDir;

/// A small but complete harvest: two themes, two conclusions, two recommendations.
pub const SMALL_SITE: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\norganisation: Testorganisatie\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: Proefoogst\n---\n\nWelkom bij de oogst.\n",
    ),
    (
        "content/over.md",
        "---\ntitle: Over\nweight: 1\n---\n\nOver deze site.\n",
    ),
    (
        "content/themes/_index.md",
        "---\ntitle: Thema's\n---\n\nDe thema's zijn een redactionele indeling.\n",
    ),
    (
        "content/themes/leren.md",
        "---\ntitle: Leren\nweight: 1\n---\n\nOver leren.\n",
    ),
    (
        "content/themes/vak.md",
        "---\ntitle: Vakmanschap\nweight: 2\n---\n\nOver het vak.\n",
    ),
    (
        "content/conclusions/_index.md",
        "---\ntitle: Conclusies\n---\n\nDe conclusies.\n",
    ),
    (
        "content/conclusions/01-eerste.md",
        "---\ntitle: Eerste conclusie\nnumber: 1\nsummary: De eerste.\nthemes: [leren]\n---\n\nTekst van de eerste.\n\n## Aanpak\n\nZo.\n",
    ),
    (
        "content/conclusions/02-tweede.md",
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak, leren]\n---\n\nTekst van de tweede.\n",
    ),
    (
        "content/recommendations/_index.md",
        "---\ntitle: Aanbevelingen\n---\n\nDe aanbevelingen.\n",
    ),
    (
        "content/recommendations/01-doe-dit.md",
        "---\ntitle: Doe dit\nnumber: 1\nthemes: [leren]\nconclusions: [1, tweede]\n---\n\nZie [de aanpak](@/conclusions/01-eerste.md#aanpak).\n",
    ),
    (
        "content/recommendations/02-doe-dat.md",
        "---\ntitle: Doe dat\nnumber: 2\nconclusions: [2]\n---\n\nTekst.\n",
    ),
];

/// A site in a temporary folder.
pub struct Site {
    pub dir: TempDir,
}

impl Site {
    pub fn new(files: &[(&str, &str)]) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("a temporary folder"),
        };
        for (rel, text) in files {
            site.write(rel, text);
        }
        site
    }

    /// The small harvest above.
    pub fn small() -> Site {
        Site::new(SMALL_SITE)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
        std::fs::write(path, text).expect("write a file");
    }

    /// `oogst <args> --root <site>`.
    pub fn oogst(&self, args: &[&str]) -> Command {
        let mut cmd = oogst();
        cmd.args(args).arg("--root").arg(self.root());
        cmd
    }

    /// Builds into `public/` and expects success.
    pub fn build_ok(&self, extra: &[&str]) {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.oogst(&args).assert().success();
    }

    /// The output file at `rel` below `public/`, parsed.
    pub fn page(&self, rel: &str) -> Page {
        let path = self.path("public").join(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Page(Html::parse_document(&text))
    }

    /// Every file below `public/` with its bytes.
    pub fn output(&self) -> BTreeMap<String, Vec<u8>> {
        files_below(&self.path("public"))
    }
}

pub fn oogst() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oogst"))
}

pub fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("below")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// A rendered page, queried with CSS selectors.
pub struct Page(pub Html);

impl Page {
    /// The text of every element matching `selector`, whitespace folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let s = Selector::parse(selector).expect("a valid selector");
        self.0
            .select(&s)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The value of `attr` of every element matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let s = Selector::parse(selector).expect("a valid selector");
        self.0
            .select(&s)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).join(" | ")
    }
}
