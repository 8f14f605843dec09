//! The date of an item: its `date:`, else the day of the last commit that touched its file
//! when the site is kept in git, else the day its file was last changed. The feed, the
//! sitemap, `harvest.json`, the page and the line to cite it all give the same date.

use crate::common;
use common::{FIRST, SECOND};

use std::collections::BTreeMap;
use std::process::Command;

use common::{Site, set_modified, unix_seconds};

/// `git <args>` in the site, as of noon (UTC) of `date`.
fn git(site: &Site, date: &str, args: &[&str]) {
    let when = format!("@{} +0000", unix_seconds(date) + 12 * 3600);
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Oogst",
            "-c",
            "user.email=oogst@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(site.root())
        .env("GIT_AUTHOR_DATE", &when)
        .env("GIT_COMMITTER_DATE", &when)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .status()
        .expect("git is installed");
    assert!(status.success(), "git {args:?}");
}

/// Each entry's link with its `updated`, and the feed's own `updated`.
fn feed_dates(site: &Site) -> (String, BTreeMap<String, String>) {
    let text = site.read_public("atom.xml");
    let feed = roxmltree::Document::parse(&text).expect("the feed is XML");
    let text_of = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let entries = feed
        .root_element()
        .children()
        .filter(|c| c.has_tag_name("entry"))
        .map(|e| (text_of(e, "id"), text_of(e, "updated")))
        .collect();
    (text_of(feed.root_element(), "updated"), entries)
}

/// Each sitemap URL with its `lastmod`.
fn sitemap_dates(site: &Site) -> BTreeMap<String, String> {
    let text = site.read_public("sitemap.xml");
    let sitemap = roxmltree::Document::parse(&text).expect("the sitemap is XML");
    sitemap
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|url| {
            let child = |name: &str| {
                url.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            (child("loc"), child("lastmod"))
        })
        .collect()
}

fn open_data_date(site: &Site, slug: &str) -> String {
    let data: serde_json::Value = serde_json::from_str(&site.read_public("harvest.json")).unwrap();
    let items = data["items"].as_array().expect("items");
    let item = items.iter().find(|i| i["slug"] == slug).expect("the item");
    item["date"].as_str().unwrap_or_default().to_string()
}

/// Nothing the site publishes says 1970.
fn assert_no_1970(site: &Site) {
    for (path, bytes) in site.output() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("1970"), "{path} says 1970");
    }
}

#[test]
fn in_git_an_item_has_the_date_of_its_last_commit_and_date_wins() {
    let site = Site::small();
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak, leren]\ndate: 2024-03-05\n---\n\nTekst van de tweede.\n",
    );
    // The files' own times say otherwise: git decides.
    site.date_content_files("2020-01-01");
    git(&site, "2025-01-15", &["init", "-q"]);
    git(&site, "2025-01-15", &["add", "."]);
    git(&site, "2025-01-15", &["commit", "-q", "-m", "Harvest"]);
    let eerste = std::fs::read_to_string(site.path(FIRST)).unwrap();
    site.write(FIRST, &eerste.replace("Zo.", "Zo, en anders."));
    git(
        &site,
        "2025-06-20",
        &["commit", "-q", "-am", "Eerste bijgewerkt"],
    );
    site.build_ok(&[]);

    let (updated, entries) = feed_dates(&site);
    assert_eq!(updated, "2025-06-20T00:00:00Z", "the newest commit");
    let url = |path: &str| format!("https://example.org/{path}");
    assert_eq!(entries[&url("conclusies/eerste/")], "2025-06-20T00:00:00Z");
    assert_eq!(
        entries[&url("conclusies/tweede/")],
        "2024-03-05T00:00:00Z",
        "`date:` wins"
    );
    assert_eq!(entries[&url("themas/leren/")], "2025-01-15T00:00:00Z");

    let lastmod = sitemap_dates(&site);
    assert_eq!(lastmod[&url("conclusies/eerste/")], "2025-06-20");
    assert_eq!(lastmod[&url("conclusies/tweede/")], "2024-03-05");
    assert_eq!(lastmod[&url("")], "2025-01-15", "the home page's file");

    assert_eq!(open_data_date(&site, "eerste"), "2025-06-20");
    assert_eq!(open_data_date(&site, "tweede"), "2024-03-05");
    let page = site.page("conclusies/eerste/index.html");
    assert_eq!(page.attrs(".item-header time", "datetime"), ["2025-06-20"]);
    assert!(
        page.text(".cite").contains("Testorganisatie (2025)."),
        "{}",
        page.text(".cite")
    );
    assert_no_1970(&site);
}

#[test]
fn outside_git_an_item_has_the_date_its_file_was_changed() {
    let site = Site::small();
    site.date_content_files("2023-04-01");
    set_modified(&site.path(FIRST), "2023-09-12");
    site.build_ok(&[]);

    let (updated, entries) = feed_dates(&site);
    assert_eq!(updated, "2023-09-12T00:00:00Z");
    assert_eq!(
        entries["https://example.org/conclusies/eerste/"],
        "2023-09-12T00:00:00Z"
    );
    assert_eq!(
        entries["https://example.org/conclusies/tweede/"],
        "2023-04-01T00:00:00Z"
    );
    assert_eq!(
        sitemap_dates(&site)["https://example.org/conclusies/eerste/"],
        "2023-09-12"
    );
    assert_eq!(open_data_date(&site, "tweede"), "2023-04-01");
    let page = site.page("conclusies/tweede/index.html");
    assert!(page.text(".cite").contains("(2023)."));
    assert_no_1970(&site);
}

#[test]
fn a_site_without_content_dates_its_feed_by_site_yaml() {
    let site = Site::new(&[("site.yaml", "title: Leeg\nbase_url: https://example.org/\n")]);
    set_modified(&site.path("site.yaml"), "2022-02-02");
    site.build_ok(&[]);
    assert_eq!(feed_dates(&site).0, "2022-02-02T00:00:00Z");
    assert_no_1970(&site);
}
