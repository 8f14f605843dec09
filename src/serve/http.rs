//! Answering requests from the site in memory: safe paths, content types, 404 pages,
//! redirects for folder URLs, the event stream, the reload script in every page.

use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload::{self, Broadcaster, EVENTS_PATH, Event};
use crate::diagnostics::Diagnostics;
use crate::output::Site;

/// URLs longer than this are refused.
pub const MAX_URL: usize = 4096;

/// The site being served and what open pages are told.
#[derive(Default)]
pub struct Live {
    site: RwLock<Arc<Site>>,
    errors: RwLock<Option<Diagnostics>>,
    version: AtomicU64,
    pub events: Broadcaster,
}

impl Live {
    /// The site now served; a request holds on to it, so a swap never mixes two builds.
    pub fn site(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serves `site` from now on, and tells open pages.
    pub fn publish(&self, site: Site, css_only: bool) {
        *self.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(site);
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = None;
        let version = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        let event = if css_only {
            Event::Css { version }
        } else {
            Event::Reload { version }
        };
        self.events.send(&event);
    }

    /// Replaces one file of the site served (a page finished after the rest), and tells the
    /// pages showing it.
    pub fn patch(&self, file: String, content: crate::output::Content) {
        let path = crate::routes::file_url(&file);
        {
            let mut site = self.site.write().unwrap_or_else(|e| e.into_inner());
            let mut next = Site::clone(&site);
            next.insert_content(file, content);
            *site = Arc::new(next);
        }
        self.events.send(&Event::Updated(path));
    }

    /// Keeps serving the last good site, and shows `errors` on open pages.
    pub fn fail(&self, errors: Diagnostics) {
        self.events.send(&Event::errors(&errors));
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = Some(errors);
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

/// Requests answered at once, above which a request gets 503 at once: many slow clients
/// cannot make the server take on more than this.
pub const MAX_IN_FLIGHT: usize = 256;

/// Answers every request, each on a thread of its own, so a client that reads slowly holds
/// up only itself. (Reading requests is tiny_http's, whose pool can queue a burst of new
/// connections behind stalled ones: see the ignored test in tests/hostile.rs.)
pub fn answer(server: tiny_http::Server, live: Arc<Live>) {
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for request in server.incoming_requests() {
        if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            in_flight.fetch_sub(1, Ordering::SeqCst);
            let _ = request.respond(text(503, "busy"));
            continue;
        }
        let (live, counter) = (live.clone(), in_flight.clone());
        let spawned = std::thread::Builder::new().spawn(move || {
            handle(request, &live);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Answers one request.
pub fn handle(request: Request, live: &Live) {
    let url = request.url().to_string();
    if url.len() > MAX_URL {
        let _ = request.respond(text(414, "URL too long"));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(with_headers(
            text(405, "only GET and HEAD"),
            &[("Allow", "GET, HEAD")],
        ));
        return;
    }
    if url.split('?').next() == Some(EVENTS_PATH) {
        let first = live.errors().map(|e| Event::errors(&e));
        if let Err(mut writer) = live.events.stream(request.into_writer(), first) {
            let _ = writer.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
        return;
    }
    let site = live.site();
    let response = match route(&url, &site) {
        Route::File(file) => file_response(&site, &file, 200),
        Route::Redirect(to) => with_headers(
            Response::from_data(Vec::new()).with_status_code(StatusCode(301)),
            &[("Location", &to)],
        ),
        Route::NotFound if site.is_empty() => errors_page(live.errors()),
        Route::NotFound if site.contains("404.html") => file_response(&site, "404.html", 404),
        Route::NotFound => text(404, "not found"),
        Route::BadRequest => text(400, "bad request"),
    };
    let _ = request.respond(with_headers(response, &[("Cache-Control", "no-store")]));
}

fn file_response(site: &Site, file: &str, status: u16) -> Response<Cursor<Vec<u8>>> {
    let Some(content) = site.get(file) else {
        return text(404, "not found");
    };
    let bytes = match content.bytes() {
        Ok(b) => b,
        Err(_) => return text(404, "not found"),
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html {
        reload::inject(&bytes)
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
    with_headers(
        Response::from_data(body).with_status_code(StatusCode(status)),
        &[("Content-Type", &content_type)],
    )
}

/// Shown while there has not yet been a good build.
fn errors_page(errors: Option<Diagnostics>) -> Response<Cursor<Vec<u8>>> {
    let mut list = Vec::new();
    if let Some(errors) = errors {
        let _ = tera::escape_html(&errors.to_string(), &mut list);
    }
    let list = String::from_utf8_lossy(&list);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>oogst: errors</title></head><body>\
         <h1>The site has errors</h1><p>Fix them and this page reloads.</p><pre>{list}</pre></body></html>"
    );
    let response =
        Response::from_data(reload::inject(html.as_bytes())).with_status_code(StatusCode(503));
    with_headers(response, &[("Content-Type", "text/html; charset=utf-8")])
}

fn text(status: u16, body: &str) -> Response<Cursor<Vec<u8>>> {
    let response =
        Response::from_data(body.as_bytes().to_vec()).with_status_code(StatusCode(status));
    with_headers(response, &[("Content-Type", "text/plain; charset=utf-8")])
}

/// Adds headers; one whose value is not valid in a header (from a strange URL) is left out.
fn with_headers<R: std::io::Read>(
    mut response: Response<R>,
    headers: &[(&str, &str)],
) -> Response<R> {
    for (name, value) in headers {
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

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
