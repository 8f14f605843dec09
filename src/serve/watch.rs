//! Watching: raw file events become [`Change`]s in one pure function, so the watch loop
//! stays dumb and editors' save habits are tested in a table.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt, notify};

use crate::config::CONFIG_FILE;
use crate::content::load::is_ignored;
use crate::pipeline::Change;

/// The folders of a site that are watched recursively.
pub const WATCHED_FOLDERS: [&str; 4] = ["content", "templates", "themes", "static"];

/// How long the watcher waits for a burst of events to end before it reports them.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// What a change to `path` means for the site at `root`, if anything.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.iter().map(|p| p.to_string_lossy());
    if rel.iter().any(|p| is_ignored(&p.to_string_lossy())) {
        return None;
    }
    let first = parts.next()?;
    let nested = parts.next().is_some();
    match (first.as_ref(), nested) {
        (CONFIG_FILE, false) => Some(Change::Config),
        ("content", _) => Some(Change::Content(path.to_path_buf())),
        ("templates" | "themes", _) => Some(Change::Theme(path.to_path_buf())),
        ("static", _) => Some(Change::Static(path.to_path_buf())),
        _ => None,
    }
}

/// The changes in a batch of debounced events; events that only read files are left out.
pub fn changes(root: &Path, events: &[notify_debouncer_full::DebouncedEvent]) -> BTreeSet<Change> {
    events
        .iter()
        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
        .flat_map(|e| e.event.paths.iter())
        .filter_map(|p| classify(root, p))
        .collect()
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: Box<dyn std::any::Any + Send>,
}

/// Watches the site at `root` and hands each batch of changes to `sink`.
/// With `poll`, files are polled (for network drives, containers and WSL).
pub fn watch(
    root: &Path,
    poll: bool,
    sink: impl Fn(BTreeSet<Change>) + Send + 'static,
) -> notify::Result<Watcher> {
    let root_for_events = root.to_path_buf();
    let handler = move |result: DebounceEventResult| {
        if let Ok(events) = result {
            let changes = changes(&root_for_events, &events);
            if !changes.is_empty() {
                sink(changes);
            }
        }
    };
    let paths = watched_paths(root);
    if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, _>(
            DEBOUNCE,
            None,
            handler,
            notify_debouncer_full::NoCache,
            config,
        )?;
        for (path, mode) in paths {
            debouncer.watch(&path, mode)?;
        }
        return Ok(Watcher {
            _debouncer: Box::new(debouncer),
        });
    }
    let mut debouncer = new_debouncer(DEBOUNCE, None, handler)?;
    for (path, mode) in paths {
        debouncer.watch(&path, mode)?;
    }
    Ok(Watcher {
        _debouncer: Box::new(debouncer),
    })
}

/// Which of the watched folders exist: when this changes, the watcher is made anew.
pub fn existing_folders(root: &Path) -> Vec<bool> {
    WATCHED_FOLDERS
        .iter()
        .map(|f| root.join(f).is_dir())
        .collect()
}

/// The site folder itself (for `site.yaml` and folders that appear), and each source folder.
fn watched_paths(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut paths = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    for folder in WATCHED_FOLDERS {
        let path = root.join(folder);
        if path.is_dir() {
            paths.push((path, RecursiveMode::Recursive));
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_save_habits_are_classified() {
        let root = Path::new("/site");
        let content = |p: &str| Some(Change::Content(root.join(p)));
        let table: &[(&str, Option<Change>)] = &[
            ("site.yaml", Some(Change::Config)),
            (
                "content/conclusions/01-a.md",
                content("content/conclusions/01-a.md"),
            ),
            ("content/conclusions", content("content/conclusions")),
            (
                "content/themes/schema.png",
                content("content/themes/schema.png"),
            ),
            (
                "templates/page.html",
                Some(Change::Theme(root.join("templates/page.html"))),
            ),
            (
                "themes/default/static/style.css",
                Some(Change::Theme(root.join("themes/default/static/style.css"))),
            ),
            (
                "static/logo.svg",
                Some(Change::Static(root.join("static/logo.svg"))),
            ),
            // vim: swap files, backup files and its write test
            ("content/.01-a.md.swp", None),
            ("content/.01-a.md.swx", None),
            ("content/01-a.md~", None),
            ("content/4913", None),
            // emacs: lock and autosave files
            ("content/.#01-a.md", None),
            ("content/#01-a.md#", None),
            // JetBrains safe write
            ("content/01-a.md___jb_tmp___", None),
            ("content/01-a.md___jb_old___", None),
            // helix, iA Writer and others: hidden temporary files
            ("content/.01-a.md.tmp.1234", None),
            ("content/01-a.md.tmp", None),
            (".git/index", None),
            ("public/index.html", None),
            ("target/debug/oogst", None),
            ("site.yaml.swp", None),
            ("README.md", None),
        ];
        for (path, expected) in table {
            assert_eq!(&classify(root, &root.join(path)), expected, "{path}");
        }
        assert_eq!(classify(root, Path::new("/elsewhere/site.yaml")), None);
    }
}
