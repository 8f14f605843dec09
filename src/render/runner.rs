//! Template runs with a time limit. A Tera render cannot be stopped from outside, so a page
//! is guarded one of two ways ([`Guard`]). In the preview server, which must live on, each
//! run is on a thread of its own (one per rendering thread, kept for the next page) while
//! the page waits for it; a render that takes too long is given up and its thread left to
//! itself, so the server reports the page and goes on. A build, which ends anyway, renders
//! each page on the thread that makes it, with no hand-over, and tells a [`Watch`] what is
//! running: the thread that waits for the build ends it with the report of a page that
//! takes too long.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use tera::{Context, Tera};

use super::template_error::{on_pages, too_long};
use crate::diagnostics::Diagnostic;
use crate::theme::TemplateSource;

/// How long one page may take to render before it is given up (override with the
/// environment variable `OOGST_RENDER_LIMIT_SECS`).
const RENDER_LIMIT: Duration = Duration::from_secs(30);

/// The time limit of one page: [`RENDER_LIMIT`] unless `OOGST_RENDER_LIMIT_SECS` says other.
pub(super) fn render_limit() -> Duration {
    std::env::var("OOGST_RENDER_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(RENDER_LIMIT, Duration::from_secs)
}

/// How the time limit of a page is kept.
#[derive(Debug, Clone)]
pub enum Guard {
    /// Each template runs on a thread of its own and is given up after this long.
    Thread(Duration),
    /// Templates run where the page is made, watched by whoever waits for the run.
    Watched(Arc<Watch>),
}

impl Default for Guard {
    fn default() -> Self {
        Guard::Thread(render_limit())
    }
}

/// The templates running at this moment, for the thread that waits for a build: it cannot
/// stop one that runs too long, but it can end the build with its report.
#[derive(Debug)]
pub struct Watch {
    limit: Duration,
    running: Mutex<Vec<Running>>,
    next: AtomicU64,
    /// The theme's templates, to say where a template that runs too long is.
    templates: OnceLock<BTreeMap<String, TemplateSource>>,
}

#[derive(Debug)]
struct Running {
    number: u64,
    since: Instant,
    template: &'static str,
    /// The page's address, when the run makes one.
    page: Option<String>,
}

/// A template run registered with a [`Watch`], until dropped.
struct Registered<'w> {
    watch: &'w Watch,
    number: u64,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        let mut running = self.watch.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = running.iter().position(|r| r.number == self.number) {
            running.swap_remove(at);
        }
    }
}

impl Watch {
    /// A watch over runs of at most [`render_limit`].
    pub fn new() -> Watch {
        Watch {
            limit: render_limit(),
            running: Mutex::new(Vec::new()),
            next: AtomicU64::new(0),
            templates: OnceLock::new(),
        }
    }

    /// Learns where the theme's templates are (once; a build has one theme).
    pub(super) fn know(&self, templates: &BTreeMap<String, TemplateSource>) {
        let _ = self.templates.set(templates.clone());
    }

    fn start(&self, template: &'static str, page: Option<&str>) -> Registered<'_> {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let running = Running {
            number,
            since: Instant::now(),
            template,
            page: page.map(str::to_string),
        };
        (self.running.lock().unwrap_or_else(|e| e.into_inner())).push(running);
        Registered {
            watch: self,
            number,
        }
    }

    /// The report of a template that has run longer than the limit, if one has.
    pub fn overdue(&self) -> Option<Diagnostic> {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let late = running.iter().find(|r| r.since.elapsed() > self.limit)?;
        let none = BTreeMap::new();
        let templates = self.templates.get().unwrap_or(&none);
        let mut diagnostic = too_long(late.template, templates, self.limit);
        on_pages(&mut diagnostic, late.page.as_slice());
        Some(diagnostic)
    }
}

impl Default for Watch {
    fn default() -> Self {
        Watch::new()
    }
}

/// Pages stream out in pieces of about this size, so a long page is never held whole.
const PIECE: usize = 64 * 1024;

/// Why a template run gave no page.
#[derive(Debug)]
pub(super) enum RunError {
    /// The template failed.
    Template(tera::Error),
    /// The page could not be written out.
    Output(std::io::Error),
    /// The template took longer than the limit; it may still be running.
    TooLong(Duration),
}

/// What a run sends back: the page in pieces, then how it ended.
enum Sent {
    Piece(Vec<u8>),
    Done(Result<(), tera::Error>),
    /// The template engine panicked: the panic goes on in the page that waits.
    Panicked(Box<dyn std::any::Any + Send>),
}

type Task = Box<dyn FnOnce() + Send>;

thread_local! {
    /// This thread's runner: the thread its templates run on.
    static RUNNER: RefCell<Option<Sender<Task>>> = const { RefCell::new(None) };
}

/// A new runner thread; `None` when no thread can be started.
fn start_runner() -> Option<Sender<Task>> {
    let (tasks, received): (Sender<Task>, Receiver<Task>) = mpsc::channel();
    std::thread::Builder::new()
        .name("oogst-template".into())
        .spawn(move || {
            // Ends when the thread that sends the tasks ends or gives this runner up.
            for task in received {
                task();
            }
        })
        .ok()?;
    Some(tasks)
}

/// This thread's runner, started if there is none; `None` when no thread can be started.
fn runner() -> Option<Sender<Task>> {
    RUNNER.with(|runner| {
        let mut runner = runner.borrow_mut();
        if runner.is_none() {
            *runner = start_runner();
        }
        runner.clone()
    })
}

/// Leaves this thread's runner to the run it is stuck in; the next page starts another.
fn give_up_runner() {
    RUNNER.with(|runner| runner.borrow_mut().take());
}

/// Writes a page into pieces sent to the page that waits for it.
struct PieceWriter {
    buffer: Vec<u8>,
    /// A piece is sent once the buffer holds this many bytes.
    piece: usize,
    sent: SyncSender<Sent>,
    /// Set when the page no longer waits: a template that writes stops at its next write.
    abandoned: Arc<AtomicBool>,
}

impl PieceWriter {
    fn send(&mut self) -> std::io::Result<()> {
        let piece = std::mem::take(&mut self.buffer);
        self.sent
            .send(Sent::Piece(piece))
            .map_err(|_| std::io::Error::other("the page no longer waits for its render"))
    }
}

impl Write for PieceWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.abandoned.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("the render took too long"));
        }
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= self.piece {
            self.send()?;
            self.buffer.reserve(self.piece);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders `template` with `context` into `out` (for the page at address `page`, if it
/// makes one), within the time `guard` keeps. On a thread of its own, with `stream`, the
/// page is handed over in pieces as it is made; else in one piece at the end.
pub(super) fn run(
    tera: &Arc<Tera>,
    template: &'static str,
    context: Context,
    guard: &Guard,
    page: Option<&str>,
    stream: bool,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    match guard {
        Guard::Thread(limit) => on_own_thread(tera, template, context, *limit, stream, out),
        Guard::Watched(watch) => {
            let _running = watch.start(template, page);
            let mut out = Kept { out, error: None };
            let rendered = tera.render_to(template, &context, &mut out);
            match (rendered, out.error) {
                (_, Some(error)) => Err(RunError::Output(error)),
                (rendered, None) => rendered.map_err(RunError::Template),
            }
        }
    }
}

/// A writer that keeps its first error, so a page that cannot be written is told apart
/// from a template that fails.
struct Kept<'a> {
    out: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl Write for Kept<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.out.write(bytes) {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                let kind = e.kind();
                self.error.get_or_insert(e);
                Err(kind.into())
            }
            written => written,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// [`run`] on this thread's runner, given up after `limit`.
fn on_own_thread(
    tera: &Arc<Tera>,
    template: &'static str,
    context: Context,
    limit: Duration,
    stream: bool,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    let Some(tasks) = runner() else {
        // No thread to spare: the page renders here, without a limit.
        return tera
            .render_to(template, &context, out)
            .map_err(RunError::Template);
    };
    let (sent, received) = mpsc::sync_channel(2);
    let abandoned = Arc::new(AtomicBool::new(false));
    let shared = tera.clone();
    let given_up = abandoned.clone();
    let task: Task = Box::new(move || {
        let tera = shared;
        let mut writer = PieceWriter {
            buffer: Vec::new(),
            piece: if stream { PIECE } else { usize::MAX },
            sent: sent.clone(),
            abandoned: given_up,
        };
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tera.render_to(template, &context, &mut writer)
        }));
        // The renderer may need the templates to itself again as soon as the page is done.
        drop(tera);
        drop(context);
        let last = match rendered {
            Ok(Ok(())) if writer.send().is_err() => return,
            Ok(done) => Sent::Done(done),
            Err(panic) => Sent::Panicked(panic),
        };
        drop(writer);
        let _ = sent.send(last);
    });
    let started = Instant::now();
    if tasks.send(task).is_err() {
        give_up_runner();
        return Err(RunError::Output(std::io::Error::other(
            "the template runner has stopped",
        )));
    }
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match received.recv_timeout(left) {
            Ok(Sent::Piece(piece)) => out.write_all(&piece).map_err(RunError::Output)?,
            Ok(Sent::Done(done)) => return done.map_err(RunError::Template),
            Ok(Sent::Panicked(panic)) => std::panic::resume_unwind(panic),
            Err(RecvTimeoutError::Timeout) => {
                abandoned.store(true, Ordering::Relaxed);
                give_up_runner();
                return Err(RunError::TooLong(limit));
            }
            Err(RecvTimeoutError::Disconnected) => {
                give_up_runner();
                return Err(RunError::Output(std::io::Error::other(
                    "the template stopped without a result",
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(template: &str) -> Arc<Tera> {
        let mut tera = Tera::new();
        tera.add_raw_template("page.html", template)
            .unwrap_or_else(|e| panic!("{e}"));
        Arc::new(tera)
    }

    #[test]
    fn a_page_comes_whole_in_pieces_or_at_once() {
        let tera = tera("{% for i in range(end=40000) %}{{ i }},{% endfor %}");
        let mut streamed = Vec::new();
        let limit = Guard::Thread(Duration::from_secs(30));
        let render = |stream, out: &mut Vec<u8>| {
            run(
                &tera,
                "page.html",
                Context::new(),
                &limit,
                None,
                stream,
                out,
            )
            .unwrap_or_else(|e| panic!("{e:?}"));
        };
        render(true, &mut streamed);
        let mut whole = Vec::new();
        render(false, &mut whole);
        assert!(streamed.len() > 2 * PIECE && streamed == whole);
        assert!(streamed.starts_with(b"0,1,2,") && streamed.ends_with(b"39999,"));
        let watched = Guard::Watched(Arc::new(Watch::new()));
        let mut here = Vec::new();
        run(
            &tera,
            "page.html",
            Context::new(),
            &watched,
            None,
            true,
            &mut here,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            here == whole,
            "a page rendered where it is made is the same page"
        );
    }

    #[test]
    fn a_render_that_takes_too_long_is_given_up_and_stops_at_its_next_write() {
        let tera = tera(
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}",
        );
        let limit = Guard::Thread(Duration::from_millis(300));
        let result = run(
            &tera,
            "page.html",
            Context::new(),
            &limit,
            None,
            false,
            &mut Vec::new(),
        );
        assert!(matches!(result, Err(RunError::TooLong(_))), "{result:?}");
        // The run given up lets go of the templates once it stops.
        let deadline = Instant::now() + Duration::from_secs(20);
        while Arc::strong_count(&tera) > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(Arc::strong_count(&tera), 1);
        let mut after = Vec::new();
        let quick = self::tera("ok");
        run(
            &quick,
            "page.html",
            Context::new(),
            &limit,
            None,
            true,
            &mut after,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(after, b"ok", "the next page has a runner of its own");
    }

    #[test]
    fn a_watch_reports_the_page_whose_template_runs_too_long_and_only_then() {
        let tera = tera(
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}",
        );
        let watch = Arc::new(Watch {
            limit: Duration::from_millis(200),
            ..Watch::new()
        });
        assert!(watch.overdue().is_none(), "nothing runs yet");
        let guard = Guard::Watched(watch.clone());
        let page = "/conclusies/lang/";
        // The page's writer fails once the test is done with it, which ends the loop.
        let done = Arc::new(AtomicBool::new(false));
        let mut out = Stopping(done.clone());
        std::thread::spawn(move || {
            let _ = run(
                &tera,
                "page.html",
                Context::new(),
                &guard,
                Some(page),
                false,
                &mut out,
            );
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(watch.overdue().is_none(), "still within the limit");
        let deadline = Instant::now() + Duration::from_secs(20);
        let report = loop {
            if let Some(report) = watch.overdue() {
                break report;
            }
            assert!(Instant::now() < deadline, "never reported");
            std::thread::sleep(Duration::from_millis(20));
        };
        done.store(true, Ordering::Relaxed);
        assert!(
            report.message.contains("`page.html` has taken more than")
                && report.message.ends_with("(rendering /conclusies/lang/)"),
            "{}",
            report.message
        );
        // A run that ends in time leaves nothing behind to report.
        let quick = Guard::Watched(Arc::new(Watch::new()));
        let mut out = Vec::new();
        run(
            &self::tera("ok"),
            "page.html",
            Context::new(),
            &quick,
            None,
            true,
            &mut out,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let Guard::Watched(quick) = quick else {
            unreachable!()
        };
        assert!(out == b"ok" && quick.running.lock().is_ok_and(|r| r.is_empty()));
    }

    /// Writes nowhere, and fails once told to stop.
    struct Stopping(Arc<AtomicBool>);

    impl Write for Stopping {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            match self.0.load(Ordering::Relaxed) {
                true => Err(std::io::Error::other("stopped")),
                false => Ok(bytes.len()),
            }
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
