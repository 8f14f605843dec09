//! `oogst serve` under hostile and heavy use, on a real loopback port: stalled and slow
//! clients, oversized requests, event streams opened and dropped, requests during
//! rebuilds, and a bounded load of 100 concurrent connections.

use crate::common;
use common::SECOND;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Site;
use common::server::Server;

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream
}

/// A GET must answer 200 within `limit`.
fn answers_quickly(server: &Server, path: &str, limit: Duration) {
    let started = Instant::now();
    let response = server.get(path);
    assert_eq!(response.status, 200, "{path}");
    assert!(
        started.elapsed() < limit,
        "{path} took {:?}",
        started.elapsed()
    );
}

#[test]
fn stalled_clients_do_not_block_others_and_are_dropped_when_idle() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let mut stalled = Vec::new();
    for _ in 0..20 {
        stalled.push(server.stall());
        std::thread::sleep(Duration::from_millis(20));
        answers_quickly(&server, "/", Duration::from_secs(2));
    }
    // A client that asks for a page and never reads it.
    let mut sleeper = connect(&server);
    sleeper
        .write_all(b"GET /printversie/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("send");
    std::thread::sleep(Duration::from_millis(20));
    answers_quickly(&server, "/conclusies/eerste/", Duration::from_secs(2));

    // The server closes a stalled connection once it has been idle for a while.
    let started = Instant::now();
    assert!(
        closed_within(&mut stalled[0], Duration::from_secs(20)),
        "a stalled connection is closed"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_burst_of_stalled_clients_delays_others_at_most_until_they_time_out() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let _stalled: Vec<TcpStream> = (0..50).map(|_| server.stall()).collect();
    answers_quickly(&server, "/", Duration::from_secs(9));
    answers_quickly(&server, "/", Duration::from_secs(2));
}

/// Reads until the server closes the connection; false if it stays open past `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let started = Instant::now();
    let mut buf = [0u8; 512];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return started.elapsed() < limit,
            Ok(_) if started.elapsed() > limit => return false,
            Ok(_) => continue,
        }
    }
}

#[test]
fn oversized_requests_are_refused_without_harm() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let long_url = server.request(&format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(100_000)
    ));
    assert!(
        matches!(long_url.status, 400 | 404 | 414 | 431 | 0),
        "{}",
        long_url.status
    );
    let mut huge = connect(&server);
    let header = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "b".repeat(1 << 20)
    );
    let _ = huge.write_all(header.as_bytes());
    let mut answer = Vec::new();
    let _ = huge.read_to_end(&mut answer);
    let garbage = server.request("\u{0}\u{1}NOT HTTP AT ALL\r\n\r\n");
    assert!(matches!(garbage.status, 0 | 400), "{}", garbage.status);
    for _ in 0..5 {
        answers_quickly(&server, "/", Duration::from_secs(2));
    }
}

#[test]
fn event_streams_opened_and_dropped_leave_the_server_well() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    for _ in 0..300 {
        let mut s = connect(&server);
        let _ = s.write_all(b"GET /__oogst/events HTTP/1.1\r\nHost: x\r\n\r\n");
        drop(s);
    }
    // The server may still be closing the 300 when the pages ask: one it has no room for
    // yet is answered 503 with `Retry-After: 1`, and asked again, as a browser's
    // EventSource does. Within 30 s, every one opens.
    let deadline = Instant::now() + Duration::from_secs(30);
    let kept: Vec<_> = (0..20)
        .map(|_| {
            loop {
                match server.try_events_for("") {
                    Ok(events) => break events,
                    Err(missed) if missed.contains("503") && Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_secs(1));
                    }
                    Err(missed) => panic!("the stream did not open: {missed}"),
                }
            }
        })
        .collect();
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nNa de storm.\n",
    );
    for events in &kept {
        assert!(
            events
                .next_matching("event: reload", Duration::from_secs(10))
                .is_some()
        );
    }
    answers_quickly(&server, "/conclusies/tweede/", Duration::from_secs(2));
}

#[test]
fn requests_during_rebuilds_always_get_a_whole_site() {
    let site = Site::small();
    let server = Arc::new(Server::start(site.root(), &[]));
    let stop = Arc::new(AtomicBool::new(false));
    let checked = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (server, stop, checked) = (server.clone(), stop.clone(), checked.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    for path in ["/", "/conclusies/tweede/", "/themas/", "/printversie/"] {
                        let response = server.get(path);
                        let text = response.text();
                        assert_eq!(response.status, 200, "{path} during a rebuild");
                        assert!(text.trim_end().ends_with("</html>"), "{path} is whole");
                        checked.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for n in 0..20 {
        site.write(
            SECOND,
            &format!("---\ntitle: Tweede conclusie {n}\nnumber: 2\n---\n\nVersie {n}.\n"),
        );
        std::thread::sleep(Duration::from_millis(60));
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().expect("no client saw a broken answer");
    }
    assert!(checked.load(Ordering::SeqCst) > 40);
    assert!(server.wait_for_output("changed: rebuilt", Duration::from_secs(5)));
}

#[test]
fn a_hundred_concurrent_connections_get_answers_without_errors() {
    let site = Site::small();
    let server = Arc::new(Server::start(site.root(), &[]));
    let stylesheet = server.stylesheet();
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let deadline = Instant::now() + Duration::from_secs(3);
    let started = Instant::now();
    let clients: Vec<_> = (0..100)
        .map(|n| {
            let (server, ok, failed) = (server.clone(), ok.clone(), failed.clone());
            let stylesheet = stylesheet.clone();
            std::thread::spawn(move || {
                let paths = ["/", "/conclusies/eerste/", &stylesheet, "/themas/leren/"];
                let mut i = n;
                while Instant::now() < deadline {
                    let response = server.get(paths[i % paths.len()]);
                    if response.status == 200 && !response.body.is_empty() {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client thread");
    }
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "load: {ok} answers in {seconds:.1} s ({:.0}/s), {failed} errors",
        ok as f64 / seconds
    );
    assert_eq!(failed, 0, "{ok} answered, {failed} failed");
    assert!(ok > 500, "only {ok} answers");
}
