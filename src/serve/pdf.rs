//! The PDF edition in the preview: made on a thread of its own after a rebuild, never on
//! the way from a save to the reload; one language's at a time, and only the newest.

use std::sync::{Arc, Condvar, Mutex};

use crate::diagnostics::Diagnostics;
use crate::output::Content;
use crate::pdf::{Prepared, Report};

use super::http::Live;

/// The last PDF made of each language, and the next ones waiting to be made.
#[derive(Default)]
struct Queue {
    /// Their paths and bytes, put back into every newly published site until newer ones
    /// are made.
    last: Vec<(String, Arc<Vec<u8>>)>,
    next: Vec<(String, Prepared)>,
}

/// Hands rebuilt harvests to the thread that makes their PDF.
#[derive(Clone)]
pub struct PdfMaker {
    queue: Arc<(Mutex<Queue>, Condvar)>,
}

impl PdfMaker {
    /// Starts the thread that makes PDFs for `live`.
    pub fn start(live: Arc<Live>) -> PdfMaker {
        let maker = PdfMaker {
            queue: Arc::new((Mutex::new(Queue::default()), Condvar::new())),
        };
        let worker = maker.clone();
        let spawned = std::thread::Builder::new()
            .name("pdf".into())
            .spawn(move || worker.run(&live));
        if let Err(e) = spawned {
            eprintln!("the PDF will not be made in this preview: {e}");
        }
        maker
    }

    /// The PDFs of a newly published site are the last ones made until its own are ready.
    pub fn keep_last(&self, live: &Live) {
        let last = self.lock().last.clone();
        for (path, bytes) in last {
            live.patch(path, Content::Shared(bytes));
        }
    }

    /// Makes the PDFs of `editions` (path, what it is made from) next, in place of any not
    /// yet begun.
    pub fn make(&self, editions: Vec<(String, Prepared)>) {
        let mut queue = self.lock();
        // A language the site no longer has keeps no PDF.
        queue
            .last
            .retain(|(path, _)| editions.iter().any(|(p, _)| p == path));
        queue.next = editions;
        drop(queue);
        self.queue.1.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(&self, live: &Live) {
        yield_to_rebuilds();
        loop {
            let editions = {
                let mut queue = self.lock();
                while queue.next.is_empty() {
                    queue = self.queue.1.wait(queue).unwrap_or_else(|e| e.into_inner());
                }
                std::mem::take(&mut queue.next)
            };
            for (path, prepared) in editions {
                self.publish(live, path, prepared.make());
            }
        }
    }

    /// Serves a PDF made at `path`, and keeps it for the sites published after; or tells
    /// why it could not be made.
    fn publish(&self, live: &Live, path: String, made: Result<Report, Diagnostics>) {
        match made {
            Ok(report) => {
                let bytes = Arc::new(report.bytes);
                let mut queue = self.lock();
                queue.last.retain(|(p, _)| *p != path);
                queue.last.push((path.clone(), bytes.clone()));
                drop(queue);
                live.patch(path.clone(), Content::Shared(bytes));
                println!("made the PDF {path} in {} ms", report.elapsed.as_millis());
            }
            Err(errors) => {
                eprintln!("the PDF: {errors}");
                live.fail(errors);
            }
        }
    }
}

/// Lowers the priority of the calling thread, so making a PDF takes only what rebuilds and
/// answers leave of the processors. (On Linux a thread has a priority of its own; elsewhere
/// this does nothing.)
fn yield_to_rebuilds() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority reads only its arguments; `who` 0 is the calling thread on Linux.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}
