//! `oogst serve` as an HTTP server: the 404 page and redirects for folders, content types
//! and HEAD requests, and no request that reaches outside the site.

use crate::common;

use common::Site;
use common::server::Server;

#[test]
fn unknown_paths_get_the_404_page_and_folders_redirect() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let missing = server.get("/bestaat/niet/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Pagina niet gevonden"));
    let redirect = server.get("/conclusies/eerste");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/conclusies/eerste/"));
}

#[test]
fn content_types_and_head_requests() {
    let site = Site::small();
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("static/data.json", "{}");
    // An image beside the content is published only when a page shows it; a PDF always.
    site.write("content/conclusions/verslag.pdf", "%PDF-1.7");
    let server = Server::start(site.root(), &[]);
    for (path, expected) in [
        (server.stylesheet().as_str(), "text/css; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/conclusies/verslag.pdf", "application/pdf"),
        ("/", "text/html; charset=utf-8"),
    ] {
        assert_eq!(
            server.get(path).header("content-type"),
            Some(expected),
            "{path}"
        );
    }
    let head =
        server.request("HEAD /conclusies/eerste/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    let length: usize = head.header("content-length").unwrap().parse().unwrap();
    assert_eq!(length, server.get("/conclusies/eerste/").body.len());
    let post = server
        .request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(post.status, 405);
}

#[test]
fn requests_outside_the_site_never_reach_the_disk() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "GEHEIM").unwrap();
    let site = Site::small();
    site.write("geheim.txt", "GEHEIM");
    let server = Server::start(site.root(), &[]);
    let attempts = [
        "/../geheim.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/geheim.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fgeheim.txt",
        "/%2fetc%2fpasswd",
        "/..\\geheim.txt",
        "/%5c..%5cgeheim.txt",
        "/static/../../geheim.txt",
        "//etc/passwd",
        "/conclusies/%00/../../geheim.txt",
        "/site.yaml",
        "/content/conclusions/01-eerste.md",
        "/geheim.txt",
    ];
    for path in attempts {
        let response = server.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ));
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {}",
            response.status
        );
        let body = response.text();
        assert!(
            !body.contains("GEHEIM")
                && !body.contains("root:")
                && !body.contains("title: Proefoogst"),
            "{path} leaked"
        );
    }
    let absolute = format!(
        "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        outside.path().join("secret.txt").display()
    );
    assert!(!server.request(&absolute).text().contains("GEHEIM"));
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(5000)
    );
    assert!(matches!(server.request(&long).status, 400 | 414 | 404));
}
