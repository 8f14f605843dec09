//! The floor: the least a generator must do with the benchmark corpus, so a build can be
//! compared with it in the same run on the same machine.
//!
//!     floor CONTENT_DIR OUT_DIR
//!
//! For every Markdown file: read it, split the front matter, parse the YAML, render the
//! Markdown (heading ids, `@/` links rewritten), wrap it in a fixed page and write it.
//! No template engine, no relations, no navigation. Threads come from rayon
//! (`RAYON_NUM_THREADS=1` for the one-thread floor).

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [content, out] = args.as_slice() else {
        return Err("usage: floor CONTENT_DIR OUT_DIR".into());
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files
        .par_iter()
        .try_for_each(|file| page(content, out, file))?;
    Ok(())
}

fn page(content: &Path, out: &Path, file: &Path) -> Result<(), String> {
    let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (front, body) = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .ok_or_else(|| format!("{}: no front matter", file.display()))?;
    let meta: oogst::yaml::Mapping = oogst::yaml::parse_any(front)
        .map_err(|(at, e)| format!("{}:{}: {e}", file.display(), at.line + 1))?;
    let title = meta
        .get("title")
        .and_then(|t| t.as_str())
        .unwrap_or_default();

    let mut events: Vec<Event> = Parser::new(body).collect();
    for i in 0..events.len() {
        if let Event::Start(Tag::Link { dest_url, .. }) = &mut events[i]
            && let Some(target) = dest_url.strip_prefix("@/")
        {
            *dest_url = CowStr::from(format!("/{}/", target.trim_end_matches(".md")));
        }
        if matches!(events[i], Event::Start(Tag::Heading { level, .. }) if level != HeadingLevel::H1)
        {
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(slug::slugify(&text)));
            }
        }
    }
    let mut html_body = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_body, events.into_iter());

    let relative = file.strip_prefix(content).map_err(|e| e.to_string())?;
    let folder = out.join(relative.with_extension(""));
    fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let page = format!(
        "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body><main>{html_body}</main></body></html>\n"
    );
    fs::write(folder.join("index.html"), page).map_err(|e| e.to_string())
}
