//! Shared helpers for the integration tests: temporary sites, the real binary, parsed HTML.

pub mod images;
pub mod pdf;
pub mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{Html, Selector};
use tempfile::TempDir;

/// The small site's first and second conclusions.
pub const FIRST: &str = "content/conclusions/01-eerste.md";
pub const SECOND: &str = "content/conclusions/02-tweede.md";

/// A small but complete harvest: two themes, two conclusions, two recommendations.
pub const SMALL_SITE: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\norganisation: Testorganisatie\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: Proefoogst\n---\n\nWelkom bij de oogst.\n",
    ),
    (
        "content/over.md",
        "---\ntitle: Over\nweight: 1\n---\n\nOver deze site.\n",
    ),
    (
        "content/themes/_index.md",
        "---\ntitle: Thema's\n---\n\nDe thema's zijn een redactionele indeling.\n",
    ),
    (
        "content/themes/leren.md",
        "---\ntitle: Leren\nweight: 1\n---\n\nOver leren.\n",
    ),
    (
        "content/themes/vak.md",
        "---\ntitle: Vakmanschap\nweight: 2\n---\n\nOver het vak.\n",
    ),
    (
        "content/conclusions/_index.md",
        "---\ntitle: Conclusies\n---\n\nDe conclusies.\n",
    ),
    (
        FIRST,
        "---\ntitle: Eerste conclusie\nnumber: 1\nsummary: De eerste.\nthemes: [leren]\n---\n\nTekst van de eerste.\n\n## Aanpak\n\nZo.\n",
    ),
    (
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\nthemes: [vak, leren]\n---\n\nTekst van de tweede.\n",
    ),
    (
        "content/recommendations/_index.md",
        "---\ntitle: Aanbevelingen\n---\n\nDe aanbevelingen.\n",
    ),
    (
        "content/recommendations/01-doe-dit.md",
        "---\ntitle: Doe dit\nnumber: 1\nthemes: [leren]\nconclusions: [1, tweede]\n---\n\nZie [de aanpak](@/conclusions/01-eerste.md#aanpak).\n",
    ),
    (
        "content/recommendations/02-doe-dat.md",
        "---\ntitle: Doe dat\nnumber: 2\nconclusions: [2]\n---\n\nTekst.\n",
    ),
];

/// A site in a temporary folder.
pub struct Site {
    pub dir: TempDir,
}

/// Two items more for the small harvest, whose Dutch words must meet their other forms at
/// their stem in search (`ontwikkeling`, `aanbevelingen`), one with a tag and a heading.
pub const SEARCH_SITE: &[(&str, &str)] = &[
    (
        "content/conclusions/03-ontwikkeling.md",
        "---\ntitle: Ruimte voor ontwikkeling\nnumber: 3\nthemes: [vak]\nsummary: Tijd om te groeien.\n---\n\nDe ontwikkeling van professionals vraagt tijd.\n",
    ),
    (
        "content/recommendations/03-aanbevelingen.md",
        "---\ntitle: Schrijf de aanbevelingen op\nnumber: 3\nconclusions: [3]\ntags: [verslag]\n---\n\nDeel de aanbevelingen met de organisatie.\n\n## Werkwijze\n\nIn kleine stappen.\n",
    ),
];

/// The small harvest with [`SEARCH_SITE`].
pub fn search_site() -> Site {
    let site = Site::small();
    for (rel, text) in SEARCH_SITE {
        site.write(rel, text);
    }
    site
}

/// A generated harvest of 3 themes, 11 conclusions, 5 recommendations and 2 pages, with
/// print edition parts of at most 4 items; `settings` are added to its `site.yaml`.
pub fn site_in_parts(settings: &str) -> Site {
    let mut files: Vec<(String, String)> = vec![
        (
            "site.yaml".into(),
            format!(
                "title: Proefoogst\nlanguage: nl\nbase_url: https://example.org/\nprint: {{max_items: 4}}\n{settings}"
            ),
        ),
        (
            "content/_index.md".into(),
            "---\ntitle: Proefoogst\n---\n\nDe inleiding.\n".into(),
        ),
        (
            "content/conclusions/_index.md".into(),
            "---\ntitle: Conclusies\n---\n\nWat we concludeerden.\n".into(),
        ),
        (
            "content/over.md".into(),
            "---\ntitle: Over\n---\n\nOver de oogst.\n".into(),
        ),
        (
            "content/colofon.md".into(),
            "---\ntitle: Colofon\n---\n\nWie.\n".into(),
        ),
    ];
    let themes = ["leren", "netwerk", "regie"];
    for (n, slug) in themes.iter().enumerate() {
        files.push((
            format!("content/themes/{slug}.md"),
            format!("---\ntitle: Thema {slug}\nweight: {n}\n---\n\n## Kern\n\nOver {slug}.\n"),
        ));
    }
    for n in 1..=11 {
        // Most conclusions under the first theme: that group alone is larger than a part.
        let theme = themes[if n <= 6 { 0 } else { n % 3 }];
        files.push((
            format!("content/conclusions/{n:02}-conclusie-{n}.md"),
            format!(
                "---\ntitle: Conclusie {n}\nnumber: {n}\nthemes: [{theme}]\n---\n\n## Toelichting\n\nTekst {n} met [een voetnoot][^1].\n\n[^1]: De noot.\n"
            ),
        ));
    }
    for n in 1..=5 {
        files.push((
            format!("content/recommendations/{n:02}-aanbeveling-{n}.md"),
            format!(
                "---\ntitle: Aanbeveling {n}\nnumber: {n}\nconclusions: [{n}, {}]\n---\n\nDoe {n}.\n",
                n + 5
            ),
        ));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Site::new(&borrowed)
}

impl Site {
    pub fn new(files: &[(&str, &str)]) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("a temporary folder"),
        };
        for (rel, text) in files {
            site.write(rel, text);
        }
        site
    }

    /// The small harvest above.
    pub fn small() -> Site {
        Site::new(SMALL_SITE)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
        std::fs::write(path, bytes).expect("write a file");
    }

    /// Adds conclusions numbered `numbers` (the small harvest has 1 and 2), each with the
    /// title `Conclusie <n>`, the slug `c<n>` and `body`.
    pub fn add_conclusions(&self, numbers: std::ops::RangeInclusive<usize>, body: &str) {
        for n in numbers {
            self.write(
                &format!("content/conclusions/{n:05}-c.md"),
                &format!("---\ntitle: Conclusie {n}\nnumber: {n}\nslug: c{n}\n---\n\n{body}\n"),
            );
        }
    }

    /// Sets the modification time of every file below `content/` to noon (UTC) of
    /// `YYYY-MM-DD`: the date of an item without `date:` outside git.
    pub fn date_content_files(&self, date: &str) {
        for (rel, _) in files_below(&self.path("content")) {
            set_modified(&self.path("content").join(rel), date);
        }
    }

    /// `oogst <args> --root <site>`.
    pub fn oogst(&self, args: &[&str]) -> Command {
        let mut cmd = oogst();
        cmd.args(args).arg("--root").arg(self.root());
        cmd
    }

    /// Builds into `public/` and expects success.
    pub fn build_ok(&self, extra: &[&str]) {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.oogst(&args).assert().success();
    }

    /// The text of the output file at `rel` below `public/`.
    pub fn read_public(&self, rel: &str) -> String {
        let path = self.path("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The output file at `rel` below `public/`, parsed.
    pub fn page(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read_public(rel)))
    }

    /// Every file below `public/` with its bytes.
    pub fn output(&self) -> BTreeMap<String, Vec<u8>> {
        files_below(&self.path("public"))
    }
}

/// Sets the modification time of the file at `path` to noon (UTC) of `YYYY-MM-DD`.
pub fn set_modified(path: &Path, date: &str) {
    let seconds = unix_seconds(date) + 12 * 3600;
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Seconds from 1970-01-01 to the start of `YYYY-MM-DD` (UTC).
pub fn unix_seconds(date: &str) -> u64 {
    let parts: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().expect("a number"))
        .collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    // Days from civil, after the proleptic Gregorian calendar.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    ((era * 146_097 + doe - 719_468) * 86_400) as u64
}

pub fn oogst() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oogst"))
}

pub fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("below")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// A rendered page, queried with CSS selectors.
pub struct Page(pub Html);

impl Page {
    /// The text of every element matching `selector`, whitespace folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let s = Selector::parse(selector).expect("a valid selector");
        self.0
            .select(&s)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The value of `attr` of every element matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let s = Selector::parse(selector).expect("a valid selector");
        self.0
            .select(&s)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).join(" | ")
    }
}

/// How a process run by [`run_bounded`] ended.
#[derive(Debug)]
pub struct Finished {
    /// The exit code; `None` when a signal ended it (a crash).
    pub code: Option<i32>,
    pub stderr: String,
    /// The most memory it held at once (VmHWM), in KiB, where /proc tells.
    pub peak_rss_kib: Option<u64>,
    pub elapsed: std::time::Duration,
}

/// Runs `cmd` to its end, killing it and failing the test if it takes longer than `limit`;
/// watches its peak memory meanwhile.
pub fn run_bounded(mut cmd: std::process::Command, limit: std::time::Duration) -> Finished {
    use std::io::Read;
    use std::process::Stdio;
    let started = std::time::Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the process starts");
    let mut pipe = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_rss_kib = None;
    let status = loop {
        if let Some(hwm) = vm_hwm_kib(&status_file) {
            peak_rss_kib = Some(peak_rss_kib.map_or(hwm, |p: u64| p.max(hwm)));
        }
        if let Some(status) = child.try_wait().expect("waiting works") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}: killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    Finished {
        code: status.code(),
        stderr: stderr.join().expect("stderr read"),
        peak_rss_kib,
        elapsed: started.elapsed(),
    }
}

/// The `VmHWM` line of a /proc status file, in KiB.
fn vm_hwm_kib(status_file: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The names of the site root's hidden entries: staging or old output folders left behind
/// (the cache of processed images is meant to stay).
pub fn hidden_entries(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .expect("the site folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".oogst-cache")
        .collect()
}
