//! The PDF edition in the preview: made on a thread of its own after a rebuild, never on
//! the way from a save to the reload; at most one at a time, and only the newest.

use std::sync::{Arc, Condvar, Mutex};

use crate::output::Content;
use crate::pdf::Prepared;

use super::http::Live;

/// The last PDF made, and the next one waiting to be made.
#[derive(Default)]
struct Queue {
    /// Its path and bytes, put back into every newly published site until a newer one is made.
    last: Option<(String, Arc<Vec<u8>>)>,
    next: Option<(String, Prepared)>,
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

    /// The PDF of a newly published site is the last one made until its own is ready.
    pub fn keep_last(&self, live: &Live) {
        let last = self.lock().last.clone();
        if let Some((path, bytes)) = last {
            live.patch(path, Content::Shared(bytes));
        }
    }

    /// Makes the PDF of `prepared` next, in place of any not yet begun.
    pub fn make(&self, path: String, prepared: Prepared) {
        self.lock().next = Some((path, prepared));
        self.queue.1.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(&self, live: &Live) {
        yield_to_rebuilds();
        loop {
            let (path, prepared) = {
                let mut queue = self.lock();
                loop {
                    if let Some(next) = queue.next.take() {
                        break next;
                    }
                    queue = self.queue.1.wait(queue).unwrap_or_else(|e| e.into_inner());
                }
            };
            match prepared.make() {
                Ok(report) => {
                    let bytes = Arc::new(report.bytes);
                    self.lock().last = Some((path.clone(), bytes.clone()));
                    live.patch(path, Content::Shared(bytes));
                    println!("made the PDF in {} ms", report.elapsed.as_millis());
                }
                Err(errors) => {
                    eprintln!("the PDF: {errors}");
                    live.fail(errors);
                }
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
