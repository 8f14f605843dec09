//! The watchdog: a template that loops (nearly) forever is found and named.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one page may take to render before the build is stopped (override with the
/// environment variable `OOGST_RENDER_LIMIT_SECS`).
const RENDER_LIMIT: Duration = Duration::from_secs(30);

/// Watches the pages being rendered: a template that loops (nearly) forever is reported
/// with the page it was rendering, and a one-time build stops with exit code 1.
pub(super) struct Watchdog {
    rendering: Arc<Mutex<HashMap<std::thread::ThreadId, (String, Instant)>>>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    pub(super) fn start(exit_on_runaway: bool) -> Watchdog {
        let limit = std::env::var("OOGST_RENDER_LIMIT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(RENDER_LIMIT, Duration::from_secs);
        let watchdog = Watchdog {
            rendering: Arc::default(),
            done: Arc::default(),
        };
        let (rendering, done) = (watchdog.rendering.clone(), watchdog.done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                let stuck = rendering
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .values()
                    .find(|(_, since)| since.elapsed() > limit)
                    .map(|(what, _)| what.clone());
                if let Some(what) = stuck {
                    eprintln!(
                        "error: rendering {what} has taken more than {} s: a template loops (nearly) forever\n  = hint: look for loops over large ranges in the site's templates{}",
                        limit.as_secs(),
                        if exit_on_runaway {
                            ""
                        } else {
                            "; restart oogst serve once it is fixed"
                        }
                    );
                    if exit_on_runaway {
                        std::process::exit(1);
                    }
                    return;
                }
            }
        });
        watchdog
    }

    /// Marks the current thread as rendering `job` until the guard is dropped.
    pub(super) fn watch(&self, what: String) -> impl Drop + use<> {
        let thread = std::thread::current().id();
        self.rendering
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(thread, (what, Instant::now()));
        WatchGuard(self.rendering.clone(), thread)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

struct WatchGuard(
    Arc<Mutex<HashMap<std::thread::ThreadId, (String, Instant)>>>,
    std::thread::ThreadId,
);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}
