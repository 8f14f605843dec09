//! Links outside the site, checked on request (`oogst check --external`): every `http:`
//! and `https:` link of the bodies is asked for once (HEAD, else GET), a few at a time and
//! fewer per host, and a broken one is an error at its file and line. Links found working
//! are remembered for a day in the site's `.oogst-cache/`, so a second check is quick.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use thiserror::Error;

use pulldown_cmark::{Event, Parser, Tag};

use crate::content::Document;
use crate::content::load::load_content;
use crate::content::markdown;
use crate::diagnostics::{Diagnostic, Diagnostics, Hint, Position, Positions};

/// Requests under way at once.
const AT_ONCE: usize = 8;

/// Requests under way at once to one host, so a site is not hammered.
const PER_HOST: usize = 2;

/// Redirects followed before a link counts as broken (a loop ends here too).
const MAX_REDIRECTS: u32 = 5;

/// How long a link found working is believed without asking again.
const REMEMBERED: Duration = Duration::from_secs(24 * 60 * 60);

/// Where working links are remembered, below the site's root.
pub const CACHE_FILE: &str = ".oogst-cache/external-links.tsv";

/// How to check.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// How long one request may take in all.
    pub timeout: Duration,
}

/// One link outside the site, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub file: PathBuf,
    pub position: Position,
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("the link to {url} is broken: the server answers {status}")]
    Status { url: String, status: u16 },
    #[error("the link to {url} is broken: more than {MAX_REDIRECTS} redirects")]
    Redirects { url: String },
    #[error("the link to {url} is broken: no answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("the link to {url} is broken: {reason}")]
    Unreachable { url: String, reason: String },
}

impl Hint for LinkError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            LinkError::Status {
                status: 404 | 410, ..
            } => "the page is gone: link to where it moved, or to an archived copy".into(),
            LinkError::Status { .. } => {
                "open the link in a browser; if it works there, the server refuses checks".into()
            }
            LinkError::Redirects { .. } => {
                "the address redirects in a loop or too often: link to where it ends".into()
            }
            LinkError::Timeout { .. } => {
                "the server is slow or down: try again later, or with a longer --timeout".into()
            }
            LinkError::Unreachable { .. } => {
                "check the address for typos, and that this machine can reach the internet".into()
            }
        })
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// Links written in the bodies.
    pub links: usize,
    /// Different URLs among them.
    pub urls: usize,
    /// URLs asked for now (the others were remembered as working).
    pub asked: usize,
}

/// Checks every external link of the site's bodies; broken ones are errors at their place.
pub fn check_external(options: &ExternalOptions) -> Result<ExternalReport, Diagnostics> {
    let (links, mut errors) = links_of(&options.root.join("content"), options.drafts);
    let mut by_url: BTreeMap<&str, Vec<&ExternalLink>> = BTreeMap::new();
    for link in &links {
        by_url.entry(link.url.as_str()).or_default().push(link);
    }
    let cache = options.root.join(CACHE_FILE);
    let mut working = remembered(&cache);
    let now = SystemTime::now();
    let fresh = |url: &str| {
        working
            .get(url)
            .and_then(|at| now.duration_since(*at).ok())
            .is_some_and(|age| age < REMEMBERED)
    };
    let ask: Vec<String> = by_url
        .keys()
        .filter(|url| !fresh(url))
        .map(|url| url.to_string())
        .collect();
    let results = ask_all(&ask, options.timeout);
    for (url, result) in &results {
        match result {
            Ok(()) => {
                working.insert(url.clone(), now);
            }
            Err(error) => {
                working.remove(url);
                for link in by_url.get(url.as_str()).into_iter().flatten() {
                    errors.push(Diagnostic::new(&link.file, link.position, error));
                }
            }
        }
    }
    remember(&cache, &working);
    if !errors.is_empty() {
        return Err(errors.sorted().relative_to(&options.root));
    }
    Ok(ExternalReport {
        links: links.len(),
        urls: by_url.len(),
        asked: ask.len(),
    })
}

/// Every external link in the bodies below `content`, in file order.
fn links_of(content: &Path, drafts: bool) -> (Vec<ExternalLink>, Diagnostics) {
    let (documents, _, mut errors) = load_content(content, Document::parse);
    let mut links = Vec::new();
    for document in documents {
        let document = match document {
            Ok(document) => document,
            Err(e) => {
                errors.extend(e);
                continue;
            }
        };
        if document.front.draft && !drafts {
            continue;
        }
        let body = match document.body() {
            Ok(body) => body,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for (position, url) in external_links(&body, document.body_line) {
            links.push(ExternalLink {
                url,
                file: document.path.clone(),
                position,
            });
        }
    }
    (links, errors)
}

/// Every link and image in a Markdown `body` (starting on line `body_line`) that leads
/// outside the site over HTTP: its position and URL, for `check --external`.
pub fn external_links(body: &str, body_line: usize) -> Vec<(Position, String)> {
    let positions = Positions::new(body);
    Parser::new_ext(body, markdown::options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if is_web_url(&dest_url) =>
            {
                let position = positions.of(range.start).below(body_line.saturating_sub(1));
                Some((position, dest_url.trim().to_string()))
            }
            _ => None,
        })
        .collect()
}

/// An `http:` or `https:` URL.
fn is_web_url(dest: &str) -> bool {
    let dest = dest.trim_start().as_bytes();
    let starts = |scheme: &[u8]| {
        dest.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    };
    starts(b"http://") || starts(b"https://")
}

/// Asks for every URL, at most [`AT_ONCE`] at a time and [`PER_HOST`] per host.
fn ask_all(urls: &[String], timeout: Duration) -> Vec<(String, Result<(), LinkError>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!(
            "oogst/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let queue = Queue {
        state: Mutex::new(QueueState {
            waiting: urls.iter().cloned().collect(),
            per_host: HashMap::new(),
        }),
        changed: Condvar::new(),
    };
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(urls.len()) {
            scope.spawn(|| {
                while let Some(url) = queue.take() {
                    let result = ask(&agent, &url, timeout);
                    queue.done(&url);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((url, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// URLs waiting to be asked for, handed out so that no host has more than [`PER_HOST`]
/// requests under way.
struct Queue {
    state: Mutex<QueueState>,
    changed: Condvar,
}

struct QueueState {
    waiting: VecDeque<String>,
    per_host: HashMap<String, usize>,
}

impl Queue {
    /// The next URL whose host has room; `None` when none is left.
    fn take(&self) -> Option<String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.waiting.is_empty() {
                return None;
            }
            let free = state
                .waiting
                .iter()
                .position(|url| state.per_host.get(host(url)).copied().unwrap_or(0) < PER_HOST);
            if let Some(at) = free {
                let url = state.waiting.remove(at)?;
                *state.per_host.entry(host(&url).to_string()).or_default() += 1;
                return Some(url);
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn done(&self, url: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = state.per_host.get_mut(host(url)) {
            *count = count.saturating_sub(1);
        }
        self.changed.notify_all();
    }
}

/// The host (with its port) of a URL: `https://a.nl:8080/x` → `a.nl:8080`.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority.rsplit('@').next().unwrap_or(authority)
}

/// Asks for one URL: HEAD first; GET where the server will not answer HEAD.
fn ask(agent: &ureq::Agent, url: &str, timeout: Duration) -> Result<(), LinkError> {
    let status = match agent.head(url).call() {
        Ok(response) if head_refused(response.status().as_u16()) => get(agent, url),
        Ok(response) => Ok(response.status().as_u16()),
        Err(ureq::Error::Timeout(_)) => Err(ureq::Error::Timeout(ureq::Timeout::Global)),
        Err(ureq::Error::TooManyRedirects) => Err(ureq::Error::TooManyRedirects),
        Err(_) => get(agent, url),
    };
    match status {
        Ok(200..=299) => Ok(()),
        Ok(status) => Err(LinkError::Status {
            url: url.to_string(),
            status,
        }),
        Err(ureq::Error::TooManyRedirects) => Err(LinkError::Redirects {
            url: url.to_string(),
        }),
        Err(ureq::Error::Timeout(_)) => Err(LinkError::Timeout {
            url: url.to_string(),
            seconds: timeout.as_secs().max(1),
        }),
        Err(e) => Err(LinkError::Unreachable {
            url: url.to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Statuses some servers give HEAD but not GET.
fn head_refused(status: u16) -> bool {
    matches!(status, 403 | 404 | 405 | 501)
}

fn get(agent: &ureq::Agent, url: &str) -> Result<u16, ureq::Error> {
    agent.get(url).call().map(|r| r.status().as_u16())
}

/// Working URLs and when they were found working, as the cache file has them.
fn remembered(cache: &Path) -> HashMap<String, SystemTime> {
    let text = std::fs::read_to_string(cache).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (seconds, url) = line.split_once('\t')?;
            let at = UNIX_EPOCH + Duration::from_secs(seconds.parse().ok()?);
            Some((url.to_string(), at))
        })
        .collect()
}

/// Writes the working URLs to the cache; a cache that cannot be written is only slower.
fn remember(cache: &Path, working: &HashMap<String, SystemTime>) {
    let mut lines: Vec<String> = working
        .iter()
        .filter_map(|(url, at)| {
            let seconds = at.duration_since(UNIX_EPOCH).ok()?.as_secs();
            Some(format!("{seconds}\t{url}\n"))
        })
        .collect();
    lines.sort();
    if let Some(folder) = cache.parent() {
        let _ = std::fs::create_dir_all(folder);
    }
    let _ = std::fs::write(cache, lines.concat());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_links_are_found_with_their_file_positions() {
        let body = "Zie [de wet](https://example.org/wet) en\n\n![foto](HTTP://example.org/a.png) \
                    [hier](@/conclusions/01-a.md), [mail](mailto:a@b.nl), [x](ftp://x).\n";
        let found = external_links(body, 5);
        assert_eq!(
            found,
            vec![
                (Position::new(5, 5), "https://example.org/wet".to_string()),
                (Position::new(7, 1), "HTTP://example.org/a.png".to_string()),
            ]
        );
    }

    #[test]
    fn hosts_are_told_by_name_and_port() {
        assert_eq!(host("https://a.nl/x?y"), "a.nl");
        assert_eq!(host("http://user@a.nl:8080#top"), "a.nl:8080");
        assert_eq!(host("https://a.nl"), "a.nl");
    }

    #[test]
    fn the_cache_keeps_working_links_with_their_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join(CACHE_FILE);
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let working = HashMap::from([("https://a.nl/".to_string(), at)]);
        remember(&cache, &working);
        assert_eq!(remembered(&cache), working);
        assert!(remembered(&dir.path().join("missing")).is_empty());
    }
}
