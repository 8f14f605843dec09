//! `oogst serve` at a writer's pace: pauses longer than every timeout of the server between
//! the things a writer does, on the real binary and a real loopback port. The preview once
//! stopped answering five seconds after its last new connection, and no test that acted
//! seconds apart saw it.

use crate::common;
use common::SECOND;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Site;
use common::server::Server;
use oogst::serve::connection::IDLE_TIMEOUT;

/// Longer than every timeout of the server.
fn pause() {
    std::thread::sleep(IDLE_TIMEOUT * 2 + Duration::from_secs(1));
}

#[test]
fn requests_are_answered_after_a_long_pause_with_nothing_in_between() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    pause();
    let stylesheet = server.stylesheet();
    for path in ["/", "/conclusies/tweede/", stylesheet.as_str()] {
        assert_eq!(server.get(path).status, 200, "{path} after a pause");
    }
    pause();
    assert_eq!(server.get("/").status, 200, "and after a second pause");
}

#[test]
fn an_edit_after_a_pause_reloads_the_open_page_over_a_new_connection() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    assert!(
        server
            .get("/conclusies/tweede/")
            .text()
            .contains("Tekst van de tweede.")
    );
    let events = server.events();
    pause();
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nNa een lange pauze.\n",
    );
    assert!(
        events
            .next_matching("event: reload", Duration::from_secs(10))
            .is_some(),
        "the stream open since before the pause hears the reload"
    );
    let page = server.get("/conclusies/tweede/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Na een lange pauze."),
        "the page shows the edit"
    );
}

#[test]
fn a_failed_rebuild_and_a_pause_leave_the_server_answering() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write(SECOND, "---\ntitle: [kapot\n---\n");
    assert!(
        events
            .next_matching("event: errors", Duration::from_secs(10))
            .is_some()
    );
    pause();
    let page = server.get("/conclusies/tweede/");
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.text().contains("Tekst van de tweede."));
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nHersteld.\n",
    );
    assert!(
        events
            .next_matching("event: reload", Duration::from_secs(10))
            .is_some()
    );
    assert!(
        server
            .get("/conclusies/tweede/")
            .text()
            .contains("Hersteld.")
    );
}

#[test]
fn new_clients_are_answered_after_stalled_clients_have_timed_out() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let mut stalled: Vec<TcpStream> = (0..20).map(|_| server.stall()).collect();
    for stream in &mut stalled {
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    }
    pause();
    let started = Instant::now();
    assert_eq!(server.get("/").status, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Reads one whole answer off a kept-alive connection: its status; the body by its length.
fn read_answer(stream: &mut TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("an answer");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("a content length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("the whole body");
    head.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn an_idle_keep_alive_connection_is_closed_but_the_server_stays() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream
        .set_read_timeout(Some(IDLE_TIMEOUT * 4))
        .expect("timeout");
    // Two requests on one connection, the way a browser reuses it.
    let request = format!("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", server.stylesheet());
    for _ in 0..2 {
        stream.write_all(request.as_bytes()).expect("send");
        assert_eq!(read_answer(&mut stream), 200);
    }
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited < IDLE_TIMEOUT * 3,
        "the server closes an idle connection (waited {waited:?})"
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn running_out_of_open_files_is_told_once_and_waited_out() {
    let site = Site::small();
    let server = Server::start_with_open_files(site.root(), 48);
    let stalled: Vec<TcpStream> = (0..80).map(|_| server.stall()).collect();
    const TOLD: &str = "cannot take new connections for now";
    assert!(
        server.wait_for_output(TOLD, Duration::from_secs(10)),
        "the shortage is told: {:?}",
        server.output()
    );
    // The stalled connections time out and free their files; a new client is answered
    // once those queued before it have had their turn.
    assert_eq!(server.get_within("/", IDLE_TIMEOUT * 5).status, 200);
    assert!(server.wait_for_output("accepts new connections again", Duration::from_secs(5)));
    drop(stalled);
    assert_eq!(server.get("/").status, 200);
    let told = server.output().iter().filter(|l| l.contains(TOLD)).count();
    assert_eq!(told, 1, "told once: {:?}", server.output());
}
