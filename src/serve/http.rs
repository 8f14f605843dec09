//! Answering requests from the site in memory: safe paths, content types, 404 pages,
//! redirects for folder URLs, the event stream, the reload script in every page. How
//! requests arrive and answers leave is [`super::connection`]'s.

use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;

use super::reload::{self, Broadcaster, EVENTS_PATH, Event, Versions};
use crate::diagnostics::Diagnostics;
use crate::output::{Emitted, Site};

/// URLs longer than this are refused.
pub const MAX_URL: usize = 4096;

/// The site being served and what open pages are told.
#[derive(Default)]
pub struct Live {
    site: RwLock<Arc<Site>>,
    errors: RwLock<Option<Diagnostics>>,
    versions: Versions,
    pub events: Broadcaster,
}

impl Live {
    /// The site now served; a request holds on to it, so a swap never mixes two builds.
    pub fn site(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serves `site` from now on, and tells open pages.
    pub fn publish(&self, site: Site, css_only: bool) {
        self.update(site, &Emitted::Whole, css_only);
    }

    /// Serves the site a run `emitted` into `made` from now on (the whole site, or what
    /// changed), tells open pages, and gives the number of pages served.
    pub fn update(&self, made: Site, emitted: &Emitted, css_only: bool) -> usize {
        let pages = {
            let mut served = self.site.write().unwrap_or_else(|e| e.into_inner());
            // The site is copied only while a request still holds it (a copy shares the
            // files' bytes).
            let site = Arc::make_mut(&mut served);
            site.update(made, emitted);
            site.page_count()
        };
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = None;
        let version = self.versions.whole();
        let event = if css_only {
            Event::Css { version }
        } else {
            Event::Reload { version }
        };
        self.events.send(&event);
        pages
    }

    /// Replaces one file of the site served (a page finished after the rest), and tells the
    /// pages showing it.
    pub fn patch(&self, file: String, content: crate::output::Content) {
        self.patch_all(vec![(file, Some(content))]);
    }

    /// Replaces files of the site served by those finished after the rest, all at once, and
    /// tells the pages among them that they changed.
    pub fn patch_all(&self, files: crate::output::Later) {
        let paths: Vec<String> = files
            .iter()
            .filter(|(file, content)| content.is_some() && crate::output::is_page(file))
            .map(|(file, _)| crate::routes::file_url(file))
            .collect();
        {
            let mut served = self.site.write().unwrap_or_else(|e| e.into_inner());
            Arc::make_mut(&mut served).apply(files);
        }
        // One event for them all: an open stream holds only a few events at a time.
        if !paths.is_empty() {
            self.versions.pages(&paths);
            self.events.send(&Event::Updated(paths));
        }
    }

    /// Keeps serving the last good site, and shows `errors` on open pages.
    pub fn fail(&self, errors: Diagnostics) {
        // The overlay shows what stops the build; warnings are told in the terminal.
        let (errors, _) = errors.split_warnings();
        let event = Event::errors(&errors);
        // Kept before it is sent: a stream opened after the event finds the errors kept.
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = Some(errors);
        self.events.send(&event);
    }

    /// Serves an event stream on `writer` for the page that asked with `query`
    /// (`?version=N&page=/path/`, as the reload script asks). What it is told first is
    /// decided while no event can be sent, so no event falls between the two.
    pub fn stream(
        &self,
        writer: Box<dyn std::io::Write + Send>,
        query: &str,
    ) -> Result<(), Box<dyn std::io::Write + Send>> {
        self.events.stream(writer, || first_events(query, self))
    }

    fn errors(&self) -> Option<Diagnostics> {
        self.errors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A file of the site, by its site-relative path.
    File(String),
    /// A folder URL without its slash: the URL with it.
    Redirect(String),
    NotFound,
    /// A path that tries to leave the site or cannot be read.
    BadRequest,
}

/// Finds the file for a raw request URL (`/conclusies/cop/?x=1`). Never looks at the disk:
/// only paths of the built site can be answered.
pub fn route(url: &str, site: &Site) -> Route {
    let (raw_path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let raw_path = raw_path.split('#').next().unwrap_or_default();
    let lower = raw_path.to_ascii_lowercase();
    if !raw_path.starts_with('/')
        || raw_path.contains('\\')
        || lower.contains("%2f")
        || lower.contains("%5c")
    {
        return Route::BadRequest;
    }
    let Ok(path) = percent_decode_str(raw_path).decode_utf8() else {
        return Route::BadRequest;
    };
    if path.contains('\0')
        || path.split('/').any(|s| s == ".." || s == ".")
        || path.starts_with("//")
    {
        return Route::BadRequest;
    }
    let key = path.trim_start_matches('/');
    let file = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    if site.contains(&file) {
        return Route::File(file);
    }
    if !key.is_empty() && !key.ends_with('/') && site.contains(&format!("{key}/index.html")) {
        let query = query.map_or(String::new(), |q| format!("?{q}"));
        return Route::Redirect(format!("{raw_path}/{query}"));
    }
    Route::NotFound
}

/// A request's method, as far as the preview server tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

impl Method {
    pub fn of(name: &str) -> Method {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            _ => Method::Other,
        }
    }
}

/// A request as the preview server needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The raw request target: path and query, not decoded.
    pub target: String,
    /// The connection stays open for the next request after the answer.
    pub keep_alive: bool,
}

/// An answer with its body in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, body.as_bytes().to_vec())
            .with_header("Content-Type", "text/plain; charset=utf-8")
    }

    /// Adds a header; a value that cannot stand in a header (from a strange URL) is left out.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Response {
        if !value.bytes().any(|b| b.is_ascii_control()) {
            self.headers.push((name, value.to_string()));
        }
        self
    }
}

/// What a request gets.
pub enum Answer {
    Page(Response),
    /// The connection becomes an event stream ([`Live::stream`]) for the page that asked
    /// with this query.
    Events(String),
}

/// Answers one request.
pub fn answer(request: &Request, live: &Live) -> Answer {
    let url = request.target.as_str();
    if url.len() > MAX_URL {
        return Answer::Page(Response::text(414, "URL too long"));
    }
    if request.method == Method::Other {
        let refused = Response::text(405, "only GET and HEAD").with_header("Allow", "GET, HEAD");
        return Answer::Page(refused);
    }
    let events_query = url.strip_prefix(EVENTS_PATH);
    if let Some(query) = events_query.filter(|q| q.is_empty() || q.starts_with('?')) {
        return Answer::Events(query.to_string());
    }
    // The version before the site: the page is at least as new as the version it is told.
    let version = live.versions.current();
    let site = live.site();
    let response = match route(url, &site) {
        Route::File(file) => file_response(&site, &file, 200, version),
        Route::Redirect(to) => Response::new(301, Vec::new()).with_header("Location", &to),
        Route::NotFound if site.is_empty() => errors_page(live.errors(), version),
        Route::NotFound => match not_found_page(url, &site) {
            Some(page) => file_response(&site, &page, 404, version),
            None => Response::text(404, "not found"),
        },
        Route::BadRequest => Response::text(400, "bad request"),
    };
    Answer::Page(response.with_header("Cache-Control", "no-store"))
}

/// What an event stream asked for with `query` (`?version=N&page=/path/`, as the reload
/// script asks) gets at once: a reload when its page missed a change, the errors if any.
fn first_events(query: &str, live: &Live) -> Vec<Event> {
    let asked = |name: &str| {
        let query = query.strip_prefix('?')?;
        let (_, value) = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(key, _)| *key == name)?;
        Some(percent_decode_str(value).decode_utf8_lossy().into_owned())
    };
    let served = asked("version").and_then(|v| v.parse::<u64>().ok());
    let page = asked("page").unwrap_or_default();
    let missed = served.is_some_and(|served| live.versions.missed(served, &page));
    let reload = missed.then(|| Event::Reload {
        version: live.versions.current(),
    });
    let errors = live.errors().map(|e| Event::errors(&e));
    [reload, errors].into_iter().flatten().collect()
}

/// A file of the site; a page with the reload script, which knows the `version` it shows.
fn file_response(site: &Site, file: &str, status: u16, version: u64) -> Response {
    let Some(content) = site.get(file) else {
        return Response::text(404, "not found");
    };
    let bytes = match content.bytes() {
        Ok(b) => b,
        Err(_) => return Response::text(404, "not found"),
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html {
        reload::inject(&bytes, version)
    } else {
        bytes.into_owned()
    };
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if mime.essence_str() == "application/javascript" => {
            "text/javascript; charset=utf-8".to_string()
        }
        _ => mime.essence_str().to_string(),
    };
    Response::new(status, body).with_header("Content-Type", &content_type)
}

/// Shown while there has not yet been a good build.
fn errors_page(errors: Option<Diagnostics>, version: u64) -> Response {
    let mut list = Vec::new();
    if let Some(errors) = errors {
        let _ = tera::escape_html(&errors.to_string(), &mut list);
    }
    let list = String::from_utf8_lossy(&list);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>oogst: errors</title></head><body>\
         <h1>The site has errors</h1><p>Fix them and this page reloads.</p><pre>{list}</pre></body></html>"
    );
    Response::new(503, reload::inject(html.as_bytes(), version))
        .with_header("Content-Type", "text/html; charset=utf-8")
}
/// The 404 page nearest to a URL that leads nowhere: that of its folder or of the folder
/// above, up to the site's own (`/en/x/` gets `en/404.html`, the English one).
fn not_found_page(url: &str, site: &Site) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let mut folders: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    loop {
        let page = match folders.is_empty() {
            true => "404.html".to_string(),
            false => format!("{}/404.html", folders.join("/")),
        };
        if site.contains(&page) {
            return Some(page);
        }
        folders.pop()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Position};
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    /// What an event stream wrote, to be read while it is open.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Written {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Written {
        fn shows_within(&self, text: &str, wait: Duration) -> bool {
            let until = Instant::now() + wait;
            while Instant::now() < until {
                if String::from_utf8_lossy(&self.0.lock().unwrap()).contains(text) {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            false
        }
    }

    #[test]
    fn a_page_opened_once_another_shows_the_errors_is_told_them_too() {
        let error = crate::assets::AssetError::NoLogo("logo.png".into());
        let errors = Diagnostics::from(Diagnostic::new("site.yaml", Position::new(1, 1), &error));
        for _ in 0..200 {
            let live = Arc::new(Live::default());
            let open = Written::default();
            assert!(live.stream(Box::new(open.clone()), "?version=1").is_ok());
            let failing = {
                let (live, errors) = (live.clone(), errors.clone());
                std::thread::spawn(move || live.fail(errors))
            };
            assert!(open.shows_within("event: errors", Duration::from_secs(5)));
            // The rebuild may not have returned yet, as when a writer opens a second tab.
            let late = Written::default();
            assert!(live.stream(Box::new(late.clone()), "?version=1").is_ok());
            assert!(
                late.shows_within("event: errors", Duration::from_secs(5)),
                "{}",
                String::from_utf8_lossy(&late.0.lock().unwrap())
            );
            failing.join().unwrap();
        }
    }

    #[test]
    fn a_url_that_leads_nowhere_gets_the_nearest_404_page() {
        let mut site = site();
        site.insert("en/404.html".to_string(), b"x".to_vec());
        assert_eq!(
            not_found_page("/en/nergens/", &site).as_deref(),
            Some("en/404.html")
        );
        assert_eq!(not_found_page("/en", &site).as_deref(), Some("en/404.html"));
        assert_eq!(
            not_found_page("/nergens/x?y=1", &site).as_deref(),
            Some("404.html")
        );
        assert_eq!(not_found_page("/", &Site::new()), None);
    }

    fn site() -> Site {
        let mut site = Site::new();
        for path in [
            "index.html",
            "conclusies/cop/index.html",
            "style.css",
            "404.html",
            "a b/index.html",
        ] {
            site.insert(path.to_string(), b"x".to_vec());
        }
        site
    }

    #[test]
    fn routes_paths_of_the_site_only() {
        let site = site();
        let table: &[(&str, Route)] = &[
            ("/", Route::File("index.html".into())),
            ("/?x=1", Route::File("index.html".into())),
            (
                "/conclusies/cop/",
                Route::File("conclusies/cop/index.html".into()),
            ),
            (
                "/conclusies/cop",
                Route::Redirect("/conclusies/cop/".into()),
            ),
            (
                "/conclusies/cop?x=1",
                Route::Redirect("/conclusies/cop/?x=1".into()),
            ),
            ("/style.css", Route::File("style.css".into())),
            ("/a%20b/", Route::File("a b/index.html".into())),
            ("/nope/", Route::NotFound),
            ("/../etc/passwd", Route::BadRequest),
            ("/%2e%2e/%2e%2e/etc/passwd", Route::BadRequest),
            ("/conclusies/%2E%2E/%2E%2E/Cargo.toml", Route::BadRequest),
            ("/..%2fsecret", Route::BadRequest),
            ("/%2fetc%2fpasswd", Route::BadRequest),
            ("/..\\..\\windows", Route::BadRequest),
            ("/%5c..%5csecret", Route::BadRequest),
            ("//etc/passwd", Route::BadRequest),
            ("/index.html%00.css", Route::BadRequest),
            ("/%ff%fe", Route::BadRequest),
            ("/./index.html", Route::BadRequest),
            ("etc/passwd", Route::BadRequest),
            ("http://example.org/", Route::BadRequest),
        ];
        for (url, expected) in table {
            assert_eq!(&route(url, &site), expected, "{url}");
        }
    }
}
