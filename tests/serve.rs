//! `oogst serve` as a writer and a browser meet it: the real binary on a real loopback
//! port, real file edits, the event stream read off the socket.

use crate::common;
use common::{FIRST, SECOND};

use std::time::Duration;

use common::Site;
use common::server::Server;

const WAIT: Duration = Duration::from_secs(10);

/// Saves the way many editors do: write a temporary file beside it, then rename it over.
fn atomic_save(site: &Site, rel: &str, text: &str) {
    let target = site.path(rel);
    let temp = target.with_file_name(format!(
        ".{}.tmp-save",
        target.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, &target).unwrap();
}

#[test]
fn serves_the_site_with_the_reload_script_and_the_local_base_url() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let page = server.get("/conclusies/tweede/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let html = page.text();
    assert!(html.contains("Tekst van de tweede."));
    assert!(
        html.contains("/__oogst/events"),
        "the reload script is injected"
    );
    let canonical = format!("http://127.0.0.1:{}/conclusies/tweede/", server.port);
    assert!(
        html.contains(&canonical),
        "the base URL is the local address"
    );

    site.build_ok(&[]);
    for (path, bytes) in site.output() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__oogst"),
            "{path} of `build` has no reload script"
        );
    }
}

/// The version a page was served at, from its reload script.
fn served_version(html: &str) -> &str {
    let at = html
        .find("data-version=\"")
        .expect("the reload script tells the version")
        + 14;
    let end = html[at..].find('"').expect("a closing quote");
    &html[at..at + end]
}

#[test]
fn a_page_whose_stream_opens_after_an_edit_it_missed_is_told_to_reload() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let page = "/conclusies/tweede/";
    let before = server.get(page).text();
    let version = served_version(&before).to_string();
    let asks = |version: &str| format!("?version={version}&page=%2Fconclusies%2Ftweede%2F");

    // Served now: its stream tells nothing.
    let current = server.events_for(&asks(&version));
    let quiet = current.collect_for(Duration::from_secs(1));
    assert!(
        quiet.iter().all(|e| !e.contains("event: reload")),
        "{quiet:?}"
    );
    drop(current);

    // The page's stream is closed while its file is saved (a laptop asleep, a dropped
    // connection); the page still shows the old text.
    let watching = server.events();
    atomic_save(
        &site,
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nLater.\n",
    );
    assert!(watching.next_matching("event: reload", WAIT).is_some());
    assert!(server.get(page).text().contains("Later."));

    // Its stream opens again, telling the version it shows: reload at once.
    let reopened = server.events_for(&asks(&version));
    assert!(
        reopened
            .next_matching("event: reload", Duration::from_secs(2))
            .is_some(),
        "a page served before the edit reloads when its stream opens again"
    );
    // Served again, it is current.
    let after = server.get(page).text();
    assert_ne!(served_version(&after), version);
    let current = server.events_for(&asks(served_version(&after)));
    let quiet = current.collect_for(Duration::from_secs(1));
    assert!(
        quiet.iter().all(|e| !e.contains("event: reload")),
        "{quiet:?}"
    );
}

#[test]
fn an_atomic_save_reloads_open_pages_with_the_new_text() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let front =
        "---\ntitle: Eerste conclusie\nnumber: 1\nsummary: De eerste.\nthemes: [leren]\n---\n\n";
    atomic_save(
        &site,
        FIRST,
        &format!("{front}Nieuwe tekst.\n\n## Aanpak\n"),
    );
    assert!(
        events.next_matching("event: reload", WAIT).is_some(),
        "a reload event"
    );
    assert!(
        server
            .get("/conclusies/eerste/")
            .text()
            .contains("Nieuwe tekst.")
    );
    assert!(
        server.wait_for_output("01-eerste.md changed: rebuilt, 1 of", WAIT),
        "{:?}",
        server.output()
    );

    // Only the body changed: its page is out first, the print edition follows.
    let updated = events
        .next_matching("event: updated", WAIT)
        .unwrap_or_else(|| panic!("the print edition follows: {:?}", server.output()));
    assert!(updated.contains("\"/printversie/\""), "{updated}");
    assert!(server.get("/printversie/").text().contains("Nieuwe tekst."));

    // The front matter changed: the pages that show the title are out first, the print
    // edition follows.
    atomic_save(
        &site,
        SECOND,
        "---\ntitle: Tweede, anders\nnumber: 2\n---\n\nAnders.\n",
    );
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert!(server.get("/").text().contains("Tweede, anders"));
    assert!(
        events.next_matching("\"/printversie/\"", WAIT).is_some(),
        "the print edition follows: {:?}",
        server.output()
    );
    assert!(
        server
            .get("/printversie/")
            .text()
            .contains("Tweede, anders")
    );
}

#[test]
fn a_broken_edit_shows_errors_keeps_the_old_page_and_the_fix_clears_them() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [lerne]\n---\n\nKapot.\n",
    );
    let error = events
        .next_matching("event: errors", WAIT)
        .expect("an errors event");
    let json: serde_json::Value =
        serde_json::from_str(error.lines().nth(1).unwrap().trim_start_matches("data: ")).unwrap();
    assert_eq!(json[0]["file"], SECOND);
    assert_eq!(json[0]["line"], 4);
    assert_eq!(json[0]["hint"], "did you mean `leren`?");

    let page = server.get("/conclusies/tweede/");
    assert_eq!(page.status, 200, "the last good site is still served");
    assert!(page.text().contains("Tekst van de tweede."));
    assert!(!page.text().contains("Kapot."));

    let late = server.events();
    if let Err(missed) = late.wait_for("event: errors", WAIT) {
        panic!(
            "a page opened later sees the errors too: {missed}; the server said {:?}",
            server.output()
        );
    }

    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [leren]\n---\n\nHeel.\n",
    );
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert!(server.get("/conclusies/tweede/").text().contains("Heel."));
    let fresh = server.events();
    let first = fresh.collect_for(Duration::from_millis(300));
    assert!(
        first.iter().all(|e| !e.contains("event: errors")),
        "fixed: no errors for new pages {first:?}"
    );
}

#[test]
fn a_template_that_never_ends_is_shown_in_the_overlay_and_the_next_save_rebuilds() {
    let site = Site::small();
    // The folder exists from the start, so the watcher sees every save in it.
    site.write(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}{% block kicker %}Eerst{% endblock kicker %}",
    );
    let server = Server::start_with_env(site.root(), &[], &[("OOGST_RENDER_LIMIT_SECS", "2")]);
    let events = server.events();
    site.write(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}{% block kicker %}{% for a in range(end=100000) %}\
         {% for b in range(end=100000) %}{% endfor %}{% endfor %}{% endblock kicker %}",
    );
    let error = events
        .next_matching("event: errors", Duration::from_secs(30))
        .expect("an errors event");
    let json: serde_json::Value =
        serde_json::from_str(error.lines().nth(1).unwrap().trim_start_matches("data: ")).unwrap();
    let message = json[0]["message"].as_str().unwrap_or_default();
    assert_eq!(json[0]["file"], "templates/conclusion.html", "{json}");
    assert!(message.contains("rendering /conclusies/"), "{message}");
    assert!(message.contains("loops (nearly) forever"), "{message}");
    assert_eq!(
        server.get("/conclusies/tweede/").status,
        200,
        "the last good site is still served"
    );

    site.write(
        "templates/conclusion.html",
        "{% extends \"item.html\" %}{% block kicker %}Weer goed{% endblock kicker %}",
    );
    assert!(
        events
            .next_matching("event: reload", Duration::from_secs(30))
            .is_some(),
        "the next save rebuilds"
    );
    let page = server.get("/conclusies/tweede/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Weer goed"), "{}", page.text());
}

#[test]
fn the_server_starts_even_when_the_first_build_fails() {
    let site = Site::small();
    site.write(SECOND, "---\ntitle: Tweede\nnumber: twee\n---\n");
    let server = Server::start(site.root(), &[]);
    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(
        page.text().contains("content/conclusions/02-tweede.md:3:"),
        "{}",
        page.text()
    );
    let events = server.events();
    site.write(SECOND, "---\ntitle: Tweede\nnumber: 2\n---\n");
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn created_deleted_and_renamed_files_and_new_folders_are_seen() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let events = server.events();

    site.write(
        "content/conclusions/03-derde.md",
        "---\ntitle: Derde\nnumber: 3\n---\n\nDrie.\n",
    );
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert_eq!(server.get("/conclusies/derde/").status, 200);

    std::fs::rename(
        site.path("content/conclusions/03-derde.md"),
        site.path("content/conclusions/03-drie.md"),
    )
    .unwrap();
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert_eq!(server.get("/conclusies/drie/").status, 200);
    assert_eq!(server.get("/conclusies/derde/").status, 404);

    std::fs::remove_file(site.path("content/conclusions/03-drie.md")).unwrap();
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert_eq!(server.get("/conclusies/drie/").status, 404);

    std::fs::create_dir_all(site.path("content/bijlagen")).unwrap();
    site.write(
        "content/bijlagen/lijst.md",
        "---\ntitle: Lijst\n---\n\nDe lijst.\n",
    );
    assert!(events.next_matching("event: reload", WAIT).is_some());
    let deadline = std::time::Instant::now() + WAIT;
    while server.get("/bijlagen/lijst/").status != 200 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.get("/bijlagen/lijst/").status, 200);
}

#[test]
fn a_burst_of_changes_is_one_rebuild_and_editor_leftovers_are_ignored() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    for n in 0..200 {
        site.write(
            &format!("content/themes/t{n:03}.md"),
            &format!("---\ntitle: Thema {n}\n---\n"),
        );
    }
    assert!(events.next_matching("event: reload", WAIT).is_some());
    std::thread::sleep(Duration::from_millis(500));
    let rebuilds = server
        .output()
        .iter()
        .filter(|l| l.contains("changed: rebuilt"))
        .count();
    assert!(
        rebuilds <= 3,
        "200 files, {rebuilds} rebuilds: {:?}",
        server.output()
    );
    let deadline = std::time::Instant::now() + WAIT;
    while server.get("/themas/t199/").status != 200 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.get("/themas/t199/").status, 200);

    // Rebuilds say "changed"; the PDF, made on a thread of its own, says so apart.
    let rebuilt = || {
        let output = server.output();
        output.iter().filter(|l| l.contains("changed")).count()
    };
    let before = rebuilt();
    let _ = events.collect_for(Duration::from_millis(300));
    for leftover in [
        ".02-tweede.md.swp",
        "02-tweede.md~",
        "4913",
        ".#02-tweede.md",
        "#02-tweede.md#",
    ] {
        site.write(&format!("content/conclusions/{leftover}"), "rommel");
    }
    let after = events.collect_for(Duration::from_millis(800));
    assert!(
        after.iter().all(|e| !e.contains("event: reload")),
        "{after:?}"
    );
    assert_eq!(rebuilt(), before, "no rebuild for editor leftovers");
}

#[test]
fn a_stylesheet_change_swaps_css_without_a_reload() {
    let site = Site::small();
    site.write("static/extra.css", "body { color: black }");
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write("static/extra.css", "body { color: navy }");
    let event = events.next_matching("event: ", WAIT).expect("an event");
    assert!(event.contains("event: css"), "{event}");
    assert_eq!(server.get("/extra.css").text(), "body { color: navy }");
}

#[test]
fn a_change_to_the_theme_stylesheet_is_served_under_its_new_name() {
    let site = Site::small();
    site.write("static/style.css", "body { color: black }");
    let server = Server::start(site.root(), &[]);
    let before = server.stylesheet();
    assert_eq!(server.get(&before).text(), "body { color: black }");
    let events = server.events();
    site.write("static/style.css", "body { color: navy }");
    let event = events.next_matching("event: ", WAIT).expect("an event");
    assert!(event.contains("event: css"), "{event}");
    let after = server.stylesheet();
    assert_ne!(before, after, "a new name for new content");
    assert_eq!(server.get(&after).text(), "body { color: navy }");
    assert_eq!(
        server.get(&after).header("content-type"),
        Some("text/css; charset=utf-8")
    );
}

#[test]
fn fifty_open_event_streams_do_not_block_other_requests() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let streams: Vec<_> = (0..50).map(|_| server.events()).collect();
    for _ in 0..20 {
        assert_eq!(server.get("/").status, 200);
    }
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nVijftig.\n",
    );
    for stream in &streams {
        assert!(
            stream.next_matching("event: reload", WAIT).is_some(),
            "every stream hears the reload"
        );
    }
    drop(streams);
    for _ in 0..5 {
        assert_eq!(server.get("/conclusies/tweede/").status, 200);
    }
}

#[test]
fn an_edit_that_finishes_many_pages_later_keeps_the_event_stream_open() {
    // An edition in many parts: each part is a page made after the reload.
    let mut files: Vec<(String, String)> = vec![(
        "site.yaml".into(),
        "title: Proefoogst\npdf: false\nprint:\n  max_items: 1\n".into(),
    )];
    for n in 1..=24 {
        files.push((
            format!("content/conclusions/c{n:02}.md"),
            format!("---\ntitle: Conclusie {n}\nnumber: {n}\n---\n\nTekst {n}.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = Site::new(&refs);
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    // The first conclusion moves to the end: every part changes.
    atomic_save(
        &site,
        "content/conclusions/c01.md",
        "---\ntitle: Conclusie 1\nnumber: 99\n---\n\nTekst 1.\n",
    );
    assert!(
        events.next_matching("event: reload", WAIT).is_some(),
        "a reload after the move: {:?}",
        server.output()
    );
    let updated = events
        .next_matching("event: updated", WAIT)
        .unwrap_or_else(|| panic!("the parts follow: {:?}", server.output()));
    assert!(updated.matches("/printversie/").count() > 16, "{updated}");
    // The same stream still tells of the next edit.
    atomic_save(
        &site,
        "content/conclusions/c05.md",
        "---\ntitle: Vijfde\nnumber: 5\n---\n\nTekst 5.\n",
    );
    assert!(
        events.next_matching("event: reload", WAIT).is_some(),
        "a reload after the next edit: {:?}",
        server.output()
    );
    assert!(server.get("/").text().contains("Vijfde"));
}

#[test]
fn a_saved_translation_is_served_in_its_language_and_a_deleted_one_falls_back() {
    let site = Site::small();
    site.write(
        "site.yaml",
        "title: Proefoogst\npdf: false\nlanguages:\n  en: {title: Test harvest}\n",
    );
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let before = server.get("/en/conclusions/eerste/").text();
    assert!(before.contains("not been translated yet"), "{before}");
    // A new translation: the English page has its text, at its own slug.
    atomic_save(
        &site,
        "content/conclusions/01-eerste.en.md",
        "---\ntitle: First conclusion\nslug: first\n---\n\nThe first, in English.\n",
    );
    assert!(
        events.next_matching("event: reload", WAIT).is_some(),
        "a reload after the new translation: {:?}",
        server.output()
    );
    let page = server.get("/en/conclusions/first/").text();
    assert!(page.contains("The first, in English.") && page.contains("First conclusion"));
    assert!(
        server
            .get("/conclusies/eerste/")
            .text()
            .contains("/en/conclusions/first/")
    );
    // An edit of it.
    atomic_save(
        &site,
        "content/conclusions/01-eerste.en.md",
        "---\ntitle: First conclusion\nslug: first\n---\n\nEdited in English.\n",
    );
    assert!(events.next_matching("event: reload", WAIT).is_some());
    assert!(
        server
            .get("/en/conclusions/first/")
            .text()
            .contains("Edited in English.")
    );
    // Deleted: the English page is the original again, at the original's slug.
    std::fs::remove_file(site.path("content/conclusions/01-eerste.en.md")).expect("remove");
    assert!(events.next_matching("event: reload", WAIT).is_some());
    let page = server.get("/en/conclusions/eerste/").text();
    assert!(page.contains("Tekst van de eerste.") && page.contains("not been translated yet"));
}
