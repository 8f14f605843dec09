//! Live reload: Server-Sent Events to every open page, and the script that listens.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::diagnostics::Diagnostics;

/// The script injected into pages served by `oogst serve`.
pub const SCRIPT: &str = include_str!("reload.js");

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/__oogst/events";

/// Open event streams above this many are refused, so tabs left open cannot exhaust the server.
pub const MAX_CLIENTS: usize = 512;

/// How often an idle stream gets a comment line, to notice clients that went away.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// How many of the last changes [`Versions`] remembers.
const REMEMBERED: usize = 64;

/// The version of the site served and what its last changes were. Every page is served
/// with the version it shows and asks for its event stream with it, so a page whose
/// stream opens after a change it has not seen (a stream dropped and opened again, a
/// server stopped and started again, an edit saved while the page loaded) is told to
/// reload, and a page the change left alone is not.
pub struct Versions {
    /// One more with each change, counted from the time the server started (in
    /// milliseconds): a server started again never takes up the versions of the one before.
    current: AtomicU64,
    changes: Mutex<VecDeque<(u64, Changed)>>,
}

/// What one change touched.
enum Changed {
    /// Any page (a rebuild, a stylesheet).
    Whole,
    /// The pages at these URL paths.
    Pages(Vec<String>),
}

impl Default for Versions {
    fn default() -> Self {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as u64);
        Versions {
            current: AtomicU64::new(started),
            changes: Mutex::default(),
        }
    }
}

impl Versions {
    /// The version of the site served now. Counted once a change is served, so a page
    /// whose version is read before its file is at least as new as that version.
    pub fn current(&self) -> u64 {
        self.current.load(Ordering::SeqCst)
    }

    /// Counts a change to any page; its version.
    pub fn whole(&self) -> u64 {
        self.count(Changed::Whole)
    }

    /// Counts a change to the pages at `paths`; its version.
    pub fn pages(&self, paths: &[String]) -> u64 {
        self.count(Changed::Pages(paths.to_vec()))
    }

    fn count(&self, change: Changed) -> u64 {
        let mut changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let version = self.current.fetch_add(1, Ordering::SeqCst) + 1;
        changes.push_back((version, change));
        if changes.len() > REMEMBERED {
            changes.pop_front();
        }
        version
    }

    /// Whether the page at URL path `page`, served at version `served`, misses a change:
    /// one since that touched it, or any when the changes since are not all remembered (or
    /// the version is not one of this server's).
    pub fn missed(&self, served: u64, page: &str) -> bool {
        let changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.current();
        if served == current {
            return false;
        }
        let remembered_from = changes.front().map_or(current + 1, |(version, _)| *version);
        if served > current || served + 1 < remembered_from {
            return true;
        }
        (changes.iter())
            .filter(|(version, _)| *version > served)
            .any(|(_, change)| match change {
                Changed::Whole => true,
                Changed::Pages(paths) => paths.iter().any(|path| path == page),
            })
    }
}

/// What open pages are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The site was rebuilt: reload the page.
    Reload { version: u64 },
    /// Only stylesheets changed: swap them without reloading.
    Css { version: u64 },
    /// The last rebuild failed: show the errors over the page.
    Errors(String),
    /// The errors are gone.
    Ok,
    /// Pages, with these URL paths, changed after the rest: pages showing one reload.
    Updated(Vec<String>),
}

impl Event {
    pub fn errors(diagnostics: &Diagnostics) -> Event {
        Event::Errors(diagnostics.to_json())
    }

    fn to_wire(&self) -> String {
        match self {
            Event::Reload { version } => {
                format!("event: reload\ndata: {{\"version\":{version}}}\n\n")
            }
            Event::Css { version } => format!("event: css\ndata: {{\"version\":{version}}}\n\n"),
            Event::Errors(json) => format!("event: errors\ndata: {json}\n\n"),
            Event::Ok => "event: ok\ndata: {}\n\n".to_string(),
            Event::Updated(paths) => format!(
                "event: updated\ndata: {}\n\n",
                serde_json::json!({ "paths": paths })
            ),
        }
    }
}

/// Every open event stream.
#[derive(Default)]
pub struct Broadcaster {
    clients: Mutex<Vec<Client>>,
}

/// An open event stream: where its events go, and whether its client was found gone.
struct Client {
    events: SyncSender<Event>,
    ended: Arc<AtomicBool>,
}

impl Broadcaster {
    /// Sends `event` to every open stream; a stream that cannot keep up or went away is dropped.
    pub fn send(&self, event: &Event) {
        let mut clients = self.clients();
        clients.retain(|client| match client.events.try_send(event.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
        });
    }

    pub fn client_count(&self) -> usize {
        self.clients().len()
    }

    /// The open streams, those whose client was found gone left out: a page left or reloaded
    /// gives its place back within two keep-alive lines, edit or no edit.
    fn clients(&self) -> std::sync::MutexGuard<'_, Vec<Client>> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|client| !client.ended.load(Ordering::SeqCst));
        clients
    }

    /// Serves one event stream on `writer` until the client goes away. What `first` gives
    /// is sent at once (a reload for a page that missed a change, the current errors if
    /// any); it is asked while no event is sent, so each later change is either in it or
    /// sent after it. Gives the writer back when there are too many streams.
    pub fn stream(
        &self,
        writer: Box<dyn Write + Send>,
        first: impl FnOnce() -> Vec<Event>,
    ) -> Result<(), Box<dyn Write + Send>> {
        let ended = Arc::new(AtomicBool::new(false));
        let (receiver, first) = {
            let mut clients = self.clients();
            if clients.len() >= MAX_CLIENTS {
                return Err(writer);
            }
            let (events, receiver) = sync_channel(16);
            let ended = ended.clone();
            clients.push(Client { events, ended });
            (receiver, first())
        };
        std::thread::spawn(move || {
            let _ = pump(writer, receiver, first);
            ended.store(true, Ordering::SeqCst);
        });
        Ok(())
    }
}

fn pump(
    mut writer: Box<dyn Write + Send>,
    events: Receiver<Event>,
    first: Vec<Event>,
) -> std::io::Result<()> {
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n",
    )?;
    writer.write_all(b"retry: 500\n: connected\n\n")?;
    for event in first {
        writer.write_all(event.to_wire().as_bytes())?;
    }
    writer.flush()?;
    loop {
        match events.recv_timeout(KEEP_ALIVE) {
            Ok(event) => writer.write_all(event.to_wire().as_bytes())?,
            Err(RecvTimeoutError::Timeout) => writer.write_all(b": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        writer.flush()?;
    }
}

/// `html` with the reload script added before `</body>` (or at the end), told the
/// `version` of the site the page is served from.
pub fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script data-version=\"{version}\">{SCRIPT}</script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let html = inject(b"<html><body><p>x</p></body></html>", 7);
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<html><body><p>x</p><script data-version=\"7\">"));
        assert!(html.ends_with("</script></body></html>"));
        assert!(
            String::from_utf8(inject(b"no body", 7))
                .unwrap()
                .starts_with("no body<script")
        );
    }

    #[test]
    fn a_page_misses_a_change_to_it_or_to_every_page_since_its_version() {
        let versions = Versions::default();
        let served = versions.current();
        assert!(!versions.missed(served, "/a/"), "nothing changed");
        let patched = versions.pages(&["/b/".to_string()]);
        assert!(!versions.missed(served, "/a/"), "another page changed");
        assert!(versions.missed(served, "/b/"), "this page changed");
        assert!(!versions.missed(patched, "/b/"), "served after its change");
        versions.whole();
        assert!(versions.missed(patched, "/a/"), "every page changed");
        assert!(
            versions.missed(served - 1, "/a/"),
            "a version from before this server"
        );
        assert!(
            versions.missed(versions.current() + 1, "/a/"),
            "a version from a later server"
        );
        for _ in 0..REMEMBERED {
            versions.pages(&["/b/".to_string()]);
        }
        assert!(
            versions.missed(patched, "/a/"),
            "changes since are no longer all remembered"
        );
    }

    #[test]
    fn events_are_written_as_server_sent_events() {
        assert_eq!(
            Event::Reload { version: 3 }.to_wire(),
            "event: reload\ndata: {\"version\":3}\n\n"
        );
        assert!(
            Event::Errors("[]".into())
                .to_wire()
                .starts_with("event: errors\ndata: []")
        );
    }
}
