//! The date of a content file that gives no `date:`: the day of the last commit that
//! touched it when the site is kept in git, else the day the file was last changed.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Date, Document, SourceFile};
use crate::diagnostics::Diagnostics;

/// The dates of the content files, from one look at the git history.
#[derive(Debug, Default, Clone)]
pub struct FileDates {
    /// By path below `content/` (`conclusions/01-x.md`): the day of its last commit.
    committed: HashMap<String, Date>,
}

impl FileDates {
    /// Reads the history of the `content` folder with one `git log`; without git or a
    /// repository, every file is dated by its modification time.
    pub fn read(content: &Path) -> FileDates {
        let output = Command::new("git")
            .args([
                "log",
                "--format=%x00%x01%ct",
                "--name-only",
                "--no-renames",
                "--relative",
                "-z",
                "--",
                ".",
            ])
            .current_dir(content)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        match output {
            Ok(output) if output.status.success() => FileDates {
                committed: last_commits(&String::from_utf8_lossy(&output.stdout)),
            },
            _ => FileDates::default(),
        }
    }

    /// The date of the content file `rel`, last changed at `modified`.
    pub fn of(&self, rel: &str, modified: Option<SystemTime>) -> Option<Date> {
        (self.committed.get(rel).copied()).or_else(|| modified.and_then(day_of_time))
    }

    /// [`Document::parse`] of `file`, with the file's date.
    pub fn parse(&self, file: SourceFile) -> Result<Document, Diagnostics> {
        let modified = file.modified;
        let mut doc = Document::parse(file)?;
        doc.file_date = self.of(&doc.rel, modified);
        Ok(doc)
    }
}

/// The day the file at `path` was last changed.
pub fn modified(path: &Path) -> Option<Date> {
    day_of_time(std::fs::metadata(path).and_then(|m| m.modified()).ok()?)
}

/// The day (UTC) of `time`.
fn day_of_time(time: SystemTime) -> Option<Date> {
    let seconds = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(day_of(seconds))
}

/// The day of each file's newest commit, from `git log -z --format=%x00%x01%ct
/// --name-only`: each commit's time (behind a \x01, which no file name has) is followed by
/// the files it touched, newest commit first, so the first time a file is named is its
/// last change.
fn last_commits(log: &str) -> HashMap<String, Date> {
    let mut dates = HashMap::new();
    let mut current = None;
    for field in log.split('\0') {
        let field = field.trim_matches('\n');
        if let Some(time) = field.strip_prefix('\u{1}') {
            current = time.parse().ok().map(day_of);
        } else if let (false, Some(date)) = (field.is_empty(), current) {
            dates.entry(field.to_string()).or_insert(date);
        }
    }
    dates
}

/// The day (UTC) of a time in seconds since 1970.
pub fn day_of(seconds: u64) -> Date {
    // Days since 1970-01-01 to a civil date, after the proleptic Gregorian calendar.
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Date {
        year: year as u16,
        month: month as u8,
        day: day as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    #[test]
    fn seconds_become_days() {
        assert_eq!(day_of(0), date(1970, 1, 1));
        assert_eq!(day_of(951_782_400), date(2000, 2, 29));
        assert_eq!(day_of(1_764_460_799), date(2025, 11, 29));
        assert_eq!(day_of(1_764_460_800), date(2025, 11, 30));
    }

    #[test]
    fn the_newest_commit_of_each_file_gives_its_date() {
        // As `git log -z` writes it: newest first.
        let log = "\0\u{1}1764460800\0\nconclusions/01-a.md\0themes/b.md\0\
                   \0\u{1}951782400\0\nconclusions/01-a.md\0_index.md\0";
        let dates = last_commits(log);
        assert_eq!(dates["conclusions/01-a.md"], date(2025, 11, 30));
        assert_eq!(dates["themes/b.md"], date(2025, 11, 30));
        assert_eq!(dates["_index.md"], date(2000, 2, 29));
    }
}
