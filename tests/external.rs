//! `oogst check --external` against a real HTTP server on a loopback port: working links,
//! a page that is gone, a redirect loop, a slow answer and a server that refuses HEAD.

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Site;
use predicates::prelude::*;

/// A small server: answers by path, and counts the requests for each.
struct Remote {
    port: u16,
    asked: Arc<Mutex<HashMap<String, usize>>>,
}

impl Remote {
    fn start() -> Remote {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let asked = Arc::new(Mutex::new(HashMap::new()));
        let counts = asked.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let counts = counts.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(&stream);
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let mut header = String::new();
                    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                        header.clear();
                    }
                    let mut parts = line.split_whitespace();
                    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                    *counts.lock().unwrap().entry(path.to_string()).or_default() += 1;
                    let answer = match (method, path.split('?').next().unwrap_or(path)) {
                        (_, "/ok") => "200 OK".to_string(),
                        ("HEAD", "/no-head") => "405 Method Not Allowed".to_string(),
                        ("GET", "/no-head") => "200 OK".to_string(),
                        (_, "/loop") => "302 Found\r\nLocation: /loop".to_string(),
                        (_, "/slow") => {
                            std::thread::sleep(Duration::from_secs(3));
                            "200 OK".to_string()
                        }
                        _ => "404 Not Found".to_string(),
                    };
                    let _ = (&stream).write_all(
                        format!(
                            "HTTP/1.1 {answer}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                });
            }
        });
        Remote { port, asked }
    }

    fn count(&self, path: &str) -> usize {
        self.asked.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

#[test]
fn broken_links_outside_the_site_are_errors_at_their_line_and_working_ones_are_remembered() {
    let remote = Remote::start();
    let url = |path: &str| format!("http://127.0.0.1:{}{path}", remote.port);
    let site = Site::small();
    site.write(
        "content/conclusions/03-links.md",
        &format!(
            "---\ntitle: Links\nnumber: 3\n---\n\n[goed]({})\n\n[weg]({})\n\n[rond]({})\n\n[traag]({})\n\n![geen head]({})\n\n[nog eens goed]({})\n",
            url("/ok"),
            url("/gone"),
            url("/loop"),
            url("/slow"),
            url("/no-head"),
            url("/ok"),
        ),
    );
    let file = "content/conclusions/03-links.md";
    site.oogst(&["check", "--external", "--timeout", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{file}:8:1: error: the link to {} is broken: the server answers 404",
            url("/gone")
        )))
        .stderr(predicate::str::contains(format!(
            "{file}:10:1: error: the link to {} is broken: more than 5 redirects",
            url("/loop")
        )))
        .stderr(predicate::str::contains(format!(
            "{file}:12:1: error: the link to {} is broken: no answer within 1 s",
            url("/slow")
        )))
        .stderr(predicate::str::contains("/ok").not())
        .stderr(predicate::str::contains("/no-head").not());
    assert_eq!(
        remote.count("/ok"),
        1,
        "a URL written twice is asked for once"
    );
    assert!(remote.count("/no-head") >= 2, "HEAD, then GET");

    // Fixed: the working links are remembered, only the fixed one is asked for.
    site.write(
        "content/conclusions/03-links.md",
        &format!(
            "---\ntitle: Links\nnumber: 3\n---\n\n[goed]({})\n\n![geen head]({})\n\n[nu goed]({}?v=2)\n",
            url("/ok"),
            url("/no-head"),
            url("/ok"),
        ),
    );
    let before = remote.count("/ok") + remote.count("/no-head");
    let out = site
        .oogst(&["check", "--external", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["external"]["links"], 3);
    assert_eq!(json["external"]["urls"], 3);
    assert_eq!(
        json["external"]["asked"], 1,
        "two were remembered from the first check"
    );
    assert_eq!(remote.count("/ok") + remote.count("/no-head"), before);
    assert_eq!(remote.count("/ok?v=2"), 1);
}

#[test]
fn a_site_with_errors_is_not_checked_outside() {
    let remote = Remote::start();
    let site = Site::small();
    site.write(
        "content/conclusions/03-links.md",
        &format!(
            "---\ntitle: Links\nnumber: 3\nthemes: [bestaat-niet]\n---\n\n[goed](http://127.0.0.1:{}/ok)\n",
            remote.port
        ),
    );
    site.oogst(&["check", "--external"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bestaat-niet"));
    assert_eq!(remote.count("/ok"), 0);
}
