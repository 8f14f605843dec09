//! The output folder: never one that holds the site's sources, and never one oogst did not
//! make unless it is empty or the writer says so.

use std::path::{Path, PathBuf};

use super::OutputError;

/// The file `build` leaves in every folder it writes, so that it knows the folder for its
/// own the next time and replaces it without asking.
pub const OUTPUT_MARKER: &str = ".oogst-output";

pub(super) const MARKER_TEXT: &str =
    "This folder was written by `oogst build`, which replaces it whole on the next build.\n";

/// How many of the files an output folder would lose are named in the error.
const LOST_NAMED: usize = 5;

/// Refuses output folders that would replace the site's own sources, or files oogst did
/// not make: an existing folder is replaced only when it is empty, holds oogst's marker
/// (or the open data of an earlier oogst), or `force` is given.
pub fn check_output_folder(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let (root, out) = (resolved(root), resolved(out));
    let sources = ["content", "static", "themes", "templates"].map(|f| root.join(f));
    if root.starts_with(&out) || sources.iter().any(|s| out.starts_with(s)) {
        return Err(OutputError::Unsafe(out));
    }
    if out.exists() && !out.is_dir() {
        return Err(OutputError::NotAFolder(out));
    }
    if force || !out.is_dir() || made_by_oogst(&out) {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .map_err(|e| OutputError::io(&out, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let total = names.len();
    names.truncate(LOST_NAMED);
    Err(OutputError::NotOurs {
        folder: out,
        lost: names,
        total,
    })
}

/// Whether `folder` holds oogst's marker, or `harvest.json` as an earlier oogst wrote it.
fn made_by_oogst(folder: &Path) -> bool {
    if folder.join(OUTPUT_MARKER).is_file() {
        return true;
    }
    let mut start = [0u8; 64];
    let read = std::fs::File::open(folder.join("harvest.json"))
        .and_then(|mut f| std::io::Read::read(&mut f, &mut start));
    read.is_ok_and(|n| {
        let start = String::from_utf8_lossy(&start[..n]);
        start
            .replace(' ', "")
            .contains("\"format\":\"oogst-harvest\"")
    })
}

/// `path` made absolute, `..` taken away, and links resolved as far as it exists.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut plain = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                plain.pop();
            }
            std::path::Component::CurDir => {}
            other => plain.push(other),
        }
    }
    let mut existing = plain.as_path();
    let mut rest = Vec::new();
    while let (Err(_), Some(parent), Some(name)) = (
        existing.canonicalize(),
        existing.parent(),
        existing.file_name(),
    ) {
        rest.push(name);
        existing = parent;
    }
    let mut real = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    real.extend(rest.iter().rev());
    real
}

/// "`a`, `b` and 3 more files" for an error message.
pub(super) fn lost_files(named: &[String], total: usize) -> String {
    let list = named
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match total.saturating_sub(named.len()) {
        0 => list,
        1 => format!("{list} and 1 more file"),
        more => format!("{list} and {more} more files"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_writes_over_sources() {
        let root = Path::new("/site");
        let check = |out: &str| check_output_folder(root, Path::new(out), true);
        assert!(check("/site/public").is_ok());
        assert!(check("/site").is_err());
        assert!(check("/site/public/..").is_err(), "`..` is resolved");
        assert!(check("/").is_err());
        assert!(check("/site/content/out").is_err());
    }

    #[test]
    fn replaces_only_folders_oogst_made() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("www");
        std::fs::create_dir_all(&out).unwrap();
        assert!(
            check_output_folder(&root, &out, false).is_ok(),
            "an empty folder"
        );
        for n in 0..7 {
            std::fs::write(out.join(format!("notes-{n}.txt")), "mine").unwrap();
        }
        let refused = check_output_folder(&root, &out, false).unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!(
                "refusing to replace {}: oogst did not make it, and `notes-0.txt`, `notes-1.txt`, \
                 `notes-2.txt`, `notes-3.txt`, `notes-4.txt` and 2 more files would be lost",
                out.canonicalize().unwrap().display()
            )
        );
        assert!(check_output_folder(&root, &out, true).is_ok(), "--force");
        std::fs::write(out.join(OUTPUT_MARKER), MARKER_TEXT).unwrap();
        assert!(
            check_output_folder(&root, &out, false).is_ok(),
            "oogst's own"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            check_output_folder(&root, &file, true),
            Err(OutputError::NotAFolder(_))
        ));
    }
}
