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
    },
    /// Create a new harvest site in DIR, with an example of each kind of content.
    New {
        /// The folder to create; it must not exist yet or be empty.
        dir: PathBuf,
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
            base_url,
        } => {
            let out = out.unwrap_or_else(|| site.root.join("public"));
            let options = options(site, base_url);
            match oogst::build(&options, &out) {
                Ok(built) => {
                    report_images(&built);
                    println!("{} → {}", oogst::summary(&built), out.display());
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(&diagnostics, Format::Text),
            }
        }
        Command::Check { site, format } => {
            let options = options(site, None);
            match oogst::check(&options) {
                Ok(built) if format == Format::Json => {
                    println!(
                        "{}",
                        serde_json::json!({ "ok": true, "pages": built.pages, "errors": [] })
                    );
                    ExitCode::SUCCESS
                }
                Ok(built) => {
                    report_images(&built);
                    println!(
                        "ok: {}",
                        oogst::summary(&built).replacen("built", "checked", 1)
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(&diagnostics, format),
            }
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
            match oogst::serve::serve(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(
                    &Diagnostic::new("serve", Position::UNKNOWN, &e).into(),
                    Format::Text,
                ),
            }
        }
        Command::New { dir } => match oogst::scaffold::new_site(&dir) {
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
        Format::Text => eprintln!("{diagnostics}"),
        Format::Json => println!(
            "{}",
            serde_json::json!({ "ok": false, "errors": diagnostics })
        ),
    }
    ExitCode::from(1)
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
