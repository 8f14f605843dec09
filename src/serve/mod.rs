//! `oogst serve`: build, serve the site from memory, rebuild on every change, and tell
//! open pages to reload. A failed rebuild keeps the last good site and shows the errors.

pub mod connection;
pub mod http;
mod pdf;
mod preview;
pub mod reload;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::BuildOptions;
use crate::diagnostics::Hint;
use crate::output::InMemory;
use crate::pipeline::Change;
use http::Live;
use pdf::PdfMaker;
pub use preview::Preview;

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
    #[error("the preview server stopped accepting connections: {0}")]
    Listener(std::io::Error),
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
            ServeError::Listener(_) => Some("start `oogst serve` again".into()),
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
    let listener = connection::listen(addr).map_err(|e| bind_error(&e))?;
    let local = listener.local_addr().unwrap_or(addr);
    let url = site_url(local);

    let mut preview = Preview::new(BuildOptions {
        root: options.root.clone(),
        base_url: Some(url.clone()),
        drafts: options.drafts,
    })
    .deferring_print()
    .making_pdf_later()
    .emitting_changes();
    let live = Arc::new(Live::default());
    let pdf = PdfMaker::start(live.clone());
    let memory = InMemory::default();
    match preview.run(&[], &memory) {
        Ok(built) => {
            for warning in built.warnings.iter() {
                eprintln!("{warning}");
            }
            println!("{}", crate::summary(&built));
            live.publish(memory.into_site(), false);
            make_pdf(&mut preview, &live, &pdf);
        }
        Err(errors) => {
            eprintln!("{errors}");
            live.fail(errors);
        }
    }

    let (sender, wakes) = channel();
    let (answering, stopped) = (live.clone(), sender.clone());
    std::thread::spawn(move || {
        let error = connection::accept(&listener, answering);
        let _ = stopped.send(Wake::ListenerFailed(error));
    });
    let changed = |sender: &std::sync::mpsc::Sender<Wake>| {
        let sender = sender.clone();
        move |changes| {
            let _ = sender.send(Wake::Changed(changes));
        }
    };
    let mut _watcher = watch::watch(&options.root, options.poll, changed(&sender))?;
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

    loop {
        let batch = next_batch(&wakes)?;
        rebuild(&mut preview, &live, batch, &pdf);
        make_pdf(&mut preview, &live, &pdf);
        let now = watch::existing_folders(&options.root);
        if now != watched {
            _watcher = watch::watch(&options.root, options.poll, changed(&sender))?;
            watched = now;
        }
    }
}

/// What wakes the serving loop.
enum Wake {
    /// Files changed.
    Changed(BTreeSet<Change>),
    /// The listener broke: the server cannot go on.
    ListenerFailed(std::io::Error),
}

/// A batch with more changes than this is taken for the start of a burst (a checkout, a
/// search-and-replace): its end is awaited, so the burst makes one rebuild.
const BURST: usize = 3;

/// How long a burst must be quiet before it counts as ended.
const BURST_QUIET: Duration = Duration::from_millis(150);

/// The next changes, with everything else that arrived meanwhile. A single edit is handed
/// on at once; a burst once it has ended. A broken listener ends the serving.
fn next_batch(wakes: &Receiver<Wake>) -> Result<BTreeSet<Change>, ServeError> {
    let mut batch = BTreeSet::new();
    loop {
        let wake = if batch.is_empty() {
            // The loop holds a sender itself, so the channel never closes.
            wakes.recv().map_err(|_| TryRecvError::Disconnected)
        } else if batch.len() <= BURST {
            wakes.try_recv()
        } else {
            wakes.recv_timeout(BURST_QUIET).map_err(|e| match e {
                RecvTimeoutError::Timeout => TryRecvError::Empty,
                RecvTimeoutError::Disconnected => TryRecvError::Disconnected,
            })
        };
        match wake {
            Ok(Wake::Changed(more)) => batch.extend(more),
            Ok(Wake::ListenerFailed(error)) => return Err(ServeError::Listener(error)),
            Err(_) => return Ok(batch),
        }
    }
}

/// Hands what the PDF of the last good run is made from to the thread that makes it.
fn make_pdf(preview: &mut Preview, live: &Live, pdf: &PdfMaker) {
    match preview.prepare_pdf() {
        Some(Ok(editions)) => pdf.make(editions),
        Some(Err(errors)) => {
            eprintln!("the PDF: {errors}");
            live.fail(errors);
        }
        None => {}
    }
}

fn rebuild(preview: &mut Preview, live: &Live, batch: BTreeSet<Change>, pdf: &PdfMaker) {
    let started = Instant::now();
    let what = describe(&batch, &preview.options().root);
    let css_only = batch.iter().all(|c| match c {
        Change::Static(p) | Change::Theme(p) => p.extension().is_some_and(|e| e == "css"),
        _ => false,
    });
    let changes: Vec<Change> = batch.into_iter().collect();
    let memory = InMemory::default();
    match preview.run(&changes, &memory) {
        Ok(built) => {
            for warning in built.warnings.iter() {
                eprintln!("{warning}");
            }
            let made = memory.into_site();
            let changed = made.changed_from(&live.site());
            let pages = live.update(made, &built.emitted, css_only);
            pdf.keep_last(live);
            println!(
                "{what} changed: rebuilt, {changed} of {pages} pages differ, in {} ms",
                started.elapsed().as_millis()
            );
            match preview.finish_deferred() {
                Some(Ok(files)) => live.patch_all(files),
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

/// The URL the served site is known by: the local address.
fn site_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}
