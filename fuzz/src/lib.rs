//! The fuzz targets; their bodies are in `targets.rs`, which `tests/bad_input.rs` also
//! includes to replay the seeds and every input that once failed.

#[path = "targets.rs"]
mod targets;

pub use targets::{front_matter, image, link, markdown, pdf_markup, yaml};
