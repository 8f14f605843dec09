//! Faults from outside: a build killed half-way, files that vanish or cannot be read while
//! the preview server runs, an output folder that cannot be written or runs out of space.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Site;
use common::server::Server;

/// The small site with `n` extra conclusions, so a build takes a while.
fn big_site(n: usize) -> Site {
    let site = Site::small();
    let body = "Een alinea met woorden. ".repeat(200);
    site.add_conclusions(3..=n + 2, &format!("{body}\n\n## Kop\n\n{body}"));
    site
}

#[test]
fn a_build_killed_half_way_leaves_the_previous_site_whole() {
    let site = big_site(3000);
    site.build_ok(&[]);
    let before = site.output();
    site.write(
        "content/over.md",
        "---\ntitle: Over, nieuw\n---\n\nNieuw.\n",
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_oogst"))
        .args(["build", "--root"])
        .arg(site.root())
        .spawn()
        .expect("start a build");
    // Kill it once it has begun writing its staging folder.
    let started = Instant::now();
    loop {
        let staging = std::fs::read_dir(site.root())
            .expect("read the site folder")
            .flatten()
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".public.staging-")
            });
        if staging || started.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reaped");
    assert!(!status.success());
    assert!(
        site.output() == before,
        "public/ is exactly the previous site"
    );

    // The next build succeeds and clears what the killed one left.
    site.build_ok(&[]);
    assert!(
        site.page("over/index.html")
            .text("h1")
            .contains("Over, nieuw")
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_output_folder_that_cannot_be_written_is_a_clear_error() {
    let site = Site::small();
    let out = site
        .oogst(&["build"])
        .args(["--out", "/proc/oogst-out"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/proc/oogst-out: error: cannot write"),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
}

/// Runs a command as root: directly when this is root, else through `sudo` without a
/// password. Whether it succeeded.
fn as_root(command: &[&str]) -> bool {
    let direct = Command::new(command[0]).args(&command[1..]).output();
    direct.is_ok_and(|o| o.status.success())
        || (Command::new("sudo").arg("-n").args(command).output()).is_ok_and(|o| o.status.success())
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_old_site_stays() {
    let site = Site::small();
    // Without the PDF: the large body below would be typeset by the unoptimised Typst of a
    // test build, half a minute here; the page alone fills the disk.
    let config = std::fs::read_to_string(site.path("site.yaml")).expect("site.yaml");
    site.write("site.yaml", &format!("{config}pdf: false\n"));
    let disk = site.path("tiny");
    std::fs::create_dir_all(&disk).expect("mount point");
    let disk_arg = disk.to_str().expect("a UTF-8 path");
    assert!(
        as_root(&["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk_arg]),
        "a 1 MB tmpfs for the full disk: this test mounts one, as root or with sudo"
    );
    let out_dir = disk.join("public");
    site.oogst(&["build"])
        .arg("--out")
        .arg(&out_dir)
        .assert()
        .success();
    let before = common::files_below(&out_dir);
    let big = "Woord ".repeat(200_000);
    site.write(
        "content/over.md",
        &format!("---\ntitle: Over\n---\n\n{big}\n"),
    );
    let out = site
        .oogst(&["build"])
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let after = common::files_below(&out_dir);
    as_root(&["umount", disk_arg]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
    assert!(after == before, "the previous site is untouched");
}

#[test]
fn files_that_vanish_or_cannot_be_read_while_serving_are_errors_not_crashes() {
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    // A file that cannot be read: a link to nothing.
    std::os::unix::fs::symlink(
        "/nonexistent/file.md",
        site.path("content/conclusions/03-weg.md"),
    )
    .expect("symlink");
    site.write(
        "content/conclusions/04-x.md",
        "---\ntitle: Vier\nnumber: 4\n---\n",
    );
    let error = events
        .next_matching("event: errors", Duration::from_secs(10))
        .expect("an errors event");
    assert!(error.contains("03-weg.md"), "{error}");
    assert_eq!(server.get("/").status, 200, "the server keeps serving");

    // A file deleted right after it changed.
    site.write(
        "content/conclusions/05-kort.md",
        "---\ntitle: Kort\nnumber: 5\n---\n",
    );
    std::fs::remove_file(site.path("content/conclusions/05-kort.md")).expect("delete");
    std::fs::remove_file(site.path("content/conclusions/03-weg.md")).expect("delete the link");
    assert!(
        events
            .next_matching("event: reload", Duration::from_secs(10))
            .is_some()
    );
    assert_eq!(server.get("/conclusies/x/").status, 200);
    assert_eq!(server.get("/conclusies/kort/").status, 404);
}
