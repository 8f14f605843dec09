//! Template runs with a time limit. A Tera render cannot be stopped from outside, so each
//! runs on a thread of its own (one per rendering thread, kept for the next page) while the
//! page waits for it; a render that takes too long is given up and its thread left to
//! itself, so a build reports the page instead of hanging, and the preview server lives on.

use std::cell::RefCell;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::time::{Duration, Instant};

use tera::{Context, Tera};

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

/// Renders `template` with `context` into `out`, giving it at most `limit`. With `stream`,
/// the page is written out in pieces as it is made; else it comes in one piece at the end.
pub(super) fn run(
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
        let limit = Duration::from_secs(30);
        run(
            &tera,
            "page.html",
            Context::new(),
            limit,
            true,
            &mut streamed,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let mut whole = Vec::new();
        run(&tera, "page.html", Context::new(), limit, false, &mut whole)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(streamed.len() > 2 * PIECE && streamed == whole);
        assert!(streamed.starts_with(b"0,1,2,") && streamed.ends_with(b"39999,"));
    }

    #[test]
    fn a_render_that_takes_too_long_is_given_up_and_stops_at_its_next_write() {
        let tera = tera(
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}x{% endfor %}{% endfor %}",
        );
        let limit = Duration::from_millis(300);
        let result = run(
            &tera,
            "page.html",
            Context::new(),
            limit,
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
        run(&quick, "page.html", Context::new(), limit, true, &mut after)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(after, b"ok", "the next page has a runner of its own");
    }
}
