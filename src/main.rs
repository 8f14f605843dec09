//! The `oogst` command: parse arguments, call the library, print the report, set the exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use oogst::BuildOptions;
use oogst::diagnostics::{Diagnostic, Diagnostics, Position};
use oogst::serve::ServeOptions;

/// jemalloc: a 10,000-item harvest builds about a tenth faster than with the system
/// allocator, whose frees and merges of the many small blocks of a build grow costlier as
/// the heap grows, for about 9 MiB more at the peak (mimalloc was faster still, for 45).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read before `main`: one arena per core, not four (the memory a
/// thread frees stays in its arena, so fewer arenas keep less of it), and freed pages given
/// back after a quarter of a second, not ten. A 100,000-item build peaked 7% lower with a
/// second than with ten, in the same time; with a quarter 389-397 MiB against 402-442 with
/// a second, and the 10,000-item build took about 1% longer.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static ALLOCATOR_OPTIONS: Option<&u8> =
    Some(&b"percpu_arena:percpu,dirty_decay_ms:250,muzzy_decay_ms:0\0"[0]);

/// The preview server gives freed pages back on jemalloc's own thread. Otherwise the thread
/// that allocates or frees next does it: a second after the last edit's print edition and
/// search index were made, that is the rebuild after the next save. On the 10,000-item
/// bench, 27% of the processor time between a save and its reload went to giving pages
/// back, and a title's edit was served 72 ms after the save against 45 ms with this. A
/// one-time build is left as it is: as fast either way, and its peak lower.
fn purge_in_background() {
    #[cfg(not(target_env = "msvc"))]
    // SAFETY: `background_thread` is a writable bool option, given a bool that outlives the
    // call; nothing is read back. Should it fail, the preview works as before.
    unsafe {
        let mut on = true;
        tikv_jemalloc_sys::mallctl(
            c"background_thread".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            (&raw mut on).cast(),
            std::mem::size_of::<bool>(),
        );
    }
}

/// A static-site generator for the harvest of a Community of Practice:
/// themes, conclusions and recommendations, written as Markdown with YAML front matter.
#[derive(Debug, Parser)]
#[command(name = "oogst", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into a folder (default: public/). A failed build leaves the old folder as it was.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site; replaced whole, and only when the build succeeds.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace the output folder even when oogst did not make it (everything in it is lost).
        #[arg(long)]
        force: bool,
        /// The URL the site will be published at, e.g. https://example.org/harvest/ (overrides base_url in site.yaml).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Build the site and serve it for preview, rebuilding and reloading open pages on every change.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The address to listen on; the default is reachable from this machine only.
        #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes (for network drives, containers and WSL, where notifications fail).
        #[arg(long)]
        poll: bool,
    },
    /// Check content, relations, links and templates without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print the result: text for people, json for CI.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also check every link to another site (working ones are remembered for a day).
        #[arg(long)]
        external: bool,
        /// With --external: how many seconds one link may take to answer.
        #[arg(long, value_name = "SECONDS", default_value_t = 10)]
        timeout: u64,
    },
    /// Create a new harvest site in DIR, with an example of each kind of content.
    New {
        /// The folder to create; it must not exist yet or be empty.
        dir: PathBuf,
        /// The language of the example content and the interface: en or nl.
        #[arg(long, default_value = "en", value_parser = starter_language)]
        language: oogst::config::Language,
    },
}

#[derive(Debug, clap::Args)]
struct SiteArgs {
    /// The site folder, holding site.yaml.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Warnings, and what became of the images, on stderr: neither fails the build.
fn report_images(built: &oogst::Built) {
    for warning in built.warnings.iter() {
        eprintln!("{warning}");
    }
    if built.images != (0, 0) {
        let (made, reused) = built.images;
        eprintln!("images: {made} processed, {reused} from the cache");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            out,
            force,
            base_url,
        } => {
            let out = out.unwrap_or_else(|| site.root.join("public"));
            let options = options(site, base_url);
            match oogst::build(&options, &out, force) {
                Ok(built) => {
                    report_images(&built);
                    println!("{} → {}", oogst::summary(&built), out.display());
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(&diagnostics, Format::Text),
            }
        }
        Command::Check {
            site,
            format,
            external,
            timeout,
        } => {
            let options = options(site, None);
            let built = match oogst::check(&options) {
                Ok(built) => built,
                Err(diagnostics) => return fail(&diagnostics, format),
            };
            let links = match external.then(|| {
                oogst::external::check_external(&oogst::external::ExternalOptions {
                    root: options.root.clone(),
                    drafts: options.drafts,
                    timeout: std::time::Duration::from_secs(timeout),
                })
            }) {
                Some(Err(diagnostics)) => return fail(&diagnostics, format),
                Some(Ok(report)) => Some(report),
                None => None,
            };
            match format {
                Format::Json => {
                    let mut json = serde_json::json!({
                        "ok": true, "pages": built.pages, "errors": [], "warnings": built.warnings,
                        "untranslated": built.untranslated
                    });
                    if let Some(report) = &links {
                        json["external"] = serde_json::json!({
                            "links": report.links, "urls": report.urls, "asked": report.asked
                        });
                    }
                    println!("{json}");
                }
                Format::Text => {
                    report_images(&built);
                    println!(
                        "ok: {}",
                        oogst::summary(&built).replacen("built", "checked", 1)
                    );
                    for missing in &built.untranslated {
                        for file in &missing.files {
                            println!("{}: not translated yet: content/{file}", missing.language);
                        }
                    }
                    if let Some(report) = links {
                        println!(
                            "ok: {} links to {} addresses outside the site work ({} asked now, the others were found working within the last day)",
                            report.links, report.urls, report.asked
                        );
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Command::Serve {
            site,
            bind,
            port,
            open,
            poll,
        } => {
            let options = ServeOptions {
                root: site.root,
                bind,
                port,
                open,
                drafts: site.drafts,
                poll,
            };
            purge_in_background();
            match oogst::serve::serve(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(
                    &Diagnostic::new("serve", Position::UNKNOWN, &e).into(),
                    Format::Text,
                ),
            }
        }
        Command::New { dir, language } => match oogst::scaffold::new_site(&dir, language) {
            Ok(files) => {
                println!(
                    "created a new site in {} ({} files)",
                    dir.display(),
                    files.len()
                );
                println!("next: oogst build --root {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(
                &Diagnostic::new(&dir, Position::UNKNOWN, &e).into(),
                Format::Text,
            ),
        },
    }
}

fn options(site: SiteArgs, base_url: Option<String>) -> BuildOptions {
    BuildOptions {
        root: site.root,
        base_url,
        drafts: site.drafts,
    }
}

fn fail(diagnostics: &Diagnostics, format: Format) -> ExitCode {
    match format {
        Format::Text => eprintln!("{}", diagnostics.report(colours())),
        Format::Json => {
            let (errors, warnings) = diagnostics.clone().split_warnings();
            println!(
                "{}",
                serde_json::json!({ "ok": false, "errors": errors, "warnings": warnings })
            );
        }
    }
    ExitCode::from(1)
}

/// The language a starter site is written in, by its code.
fn starter_language(code: &str) -> Result<oogst::config::Language, String> {
    use oogst::config::Language;
    [Language::En, Language::Nl]
        .into_iter()
        .find(|language| language.code() == code)
        .ok_or_else(|| format!("`{code}` is not a language oogst has a starter in: use en or nl"))
}

/// Whether the report may be coloured: stderr is a terminal and `NO_COLOR` is not set.
fn colours() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
