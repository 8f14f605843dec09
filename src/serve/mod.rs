//! `oogst serve`: build, serve the site from memory, rebuild on every change, and tell
//! open pages to reload. A failed rebuild keeps the last good site and shows the errors.

pub mod http;
mod pdf;
pub mod reload;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::BuildOptions;
use crate::diagnostics::Hint;
use crate::output::InMemory;
use crate::pipeline::{Change, Pipeline};
use http::Live;
use pdf::PdfMaker;

/// A connection that sends or takes nothing for this long is closed, so a stalled client
/// (a slowloris) holds nothing for long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    /// Poll for changes instead of relying on the operating system's notifications.
    pub poll: bool,
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: SocketAddr, message: String },
    #[error("cannot watch the site for changes: {0}")]
    Watch(#[from] notify::Error),
}

impl Hint for ServeError {
    fn hint(&self) -> Option<String> {
        match self {
            ServeError::Bind { .. } => {
                Some("another program may use the port: try --port 0 for a free one".into())
            }
            ServeError::Watch(_) => {
                Some("try --poll, which works on network drives and in containers".into())
            }
        }
    }
}

/// Builds and serves the site until the process is stopped.
pub fn serve(mut options: ServeOptions) -> Result<(), ServeError> {
    // Watchers report absolute paths; the root must be absolute to recognise them.
    options.root = std::fs::canonicalize(&options.root).unwrap_or(options.root);
    let addr = SocketAddr::new(options.bind, options.port);
    let bind_error = |e: &dyn std::fmt::Display| ServeError::Bind {
        addr,
        message: e.to_string(),
    };
    let listener = listen(addr).map_err(|e| bind_error(&e))?;
    let server = tiny_http::Server::from_listener(listener, None).map_err(|e| bind_error(&e))?;
    let local = server.server_addr().to_ip().unwrap_or(addr);
    let url = site_url(local);

    let mut pipeline = Pipeline::remembering(BuildOptions {
        root: options.root.clone(),
        base_url: Some(url.clone()),
        drafts: options.drafts,
    })
    .deferring_print()
    .making_pdf_later();
    let live = Arc::new(Live::default());
    let pdf = PdfMaker::start(live.clone());
    let memory = InMemory::default();
    match pipeline.run(&[], &memory) {
        Ok(built) => {
            println!("{}", crate::summary(&built));
            live.publish(memory.into_site(), false);
            make_pdf(&mut pipeline, &live, &pdf);
        }
        Err(errors) => {
            eprintln!("{errors}");
            live.fail(errors);
        }
    }

    let answering = live.clone();
    std::thread::spawn(move || http::answer(server, answering));
    let (sender, changes) = channel();
    let mut watcher = watch::watch(&options.root, options.poll, sender.clone())?;
    let mut watched = watch::existing_folders(&options.root);

    let _ = ctrlc::set_handler(|| {
        eprintln!("\nstopped");
        std::process::exit(0);
    });
    println!(
        "serving {} at {url} (Ctrl-C to stop)",
        options.root.display()
    );
    if options.open
        && let Err(e) = open::that_detached(&url)
    {
        eprintln!("could not open a browser: {e}");
    }

    while let Some(batch) = next_batch(&changes) {
        rebuild(&mut pipeline, &live, batch, &pdf);
        make_pdf(&mut pipeline, &live, &pdf);
        let now = watch::existing_folders(&options.root);
        if now != watched {
            watcher = watch::watch(&options.root, options.poll, sender.clone())?;
            watched = now;
        }
    }
    drop(watcher);
    Ok(())
}

/// A batch with more changes than this is taken for the start of a burst (a checkout, a
/// search-and-replace): its end is awaited, so the burst makes one rebuild.
const BURST: usize = 3;

/// How long a burst must be quiet before it counts as ended.
const BURST_QUIET: Duration = Duration::from_millis(150);

/// The next changes, with everything else that arrived meanwhile. A single edit is handed
/// on at once; a burst once it has ended.
fn next_batch(changes: &Receiver<BTreeSet<Change>>) -> Option<BTreeSet<Change>> {
    let mut batch = changes.recv().ok()?;
    loop {
        while let Ok(more) = changes.try_recv() {
            batch.extend(more);
        }
        if batch.len() <= BURST {
            return Some(batch);
        }
        match changes.recv_timeout(BURST_QUIET) {
            Ok(more) => batch.extend(more),
            Err(_) => return Some(batch),
        }
    }
}

/// Hands what the PDF of the last good run is made from to the thread that makes it.
fn make_pdf(pipeline: &mut Pipeline, live: &Live, pdf: &PdfMaker) {
    match pipeline.prepare_pdf() {
        Some(Ok((path, prepared))) => pdf.make(path, prepared),
        Some(Err(errors)) => {
            eprintln!("the PDF: {errors}");
            live.fail(errors);
        }
        None => {}
    }
}

fn rebuild(pipeline: &mut Pipeline, live: &Live, batch: BTreeSet<Change>, pdf: &PdfMaker) {
    let started = Instant::now();
    let what = describe(&batch, &pipeline.options().root);
    let css_only = batch.iter().all(|c| match c {
        Change::Static(p) | Change::Theme(p) => p.extension().is_some_and(|e| e == "css"),
        _ => false,
    });
    let changes: Vec<Change> = batch.into_iter().collect();
    let memory = InMemory::default();
    match pipeline.run(&changes, &memory) {
        Ok(_) => {
            let site = memory.into_site();
            let changed = site.changed_from(&live.site());
            let pages = site.page_count();
            live.publish(site, css_only);
            pdf.keep_last(live);
            println!(
                "{what} changed: rebuilt, {changed} of {pages} pages differ, in {} ms",
                started.elapsed().as_millis()
            );
            match pipeline.finish_deferred() {
                Some(Ok(files)) => {
                    for (file, content) in files {
                        live.patch(file, content);
                    }
                }
                Some(Err(errors)) => {
                    eprintln!("the print edition: {errors}");
                    live.fail(errors);
                }
                None => {}
            }
        }
        Err(errors) => {
            eprintln!("{what} changed: {errors}");
            live.fail(errors);
        }
    }
}

/// One file's path, or how many files changed.
fn describe(batch: &BTreeSet<Change>, root: &std::path::Path) -> String {
    let path = |c: &Change| match c {
        Change::Config => Some(PathBuf::from(crate::config::CONFIG_FILE)),
        Change::Theme(p) | Change::Static(p) | Change::Content(p) => {
            p.strip_prefix(root).ok().map(PathBuf::from)
        }
    };
    match batch.len() {
        1 => batch
            .iter()
            .next()
            .and_then(path)
            .map_or_else(|| "a file".into(), |p| p.display().to_string()),
        n => format!("{n} files"),
    }
}

/// A listening socket whose connections time out when idle (accepted sockets inherit the
/// timeouts on Linux).
fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        None,
    )?;
    socket.set_reuse_address(true)?;
    socket.set_read_timeout(Some(IDLE_TIMEOUT))?;
    socket.set_write_timeout(Some(IDLE_TIMEOUT))?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// The URL the served site is known by: the local address.
fn site_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}
