//! The integration tests: the real binary (and the library's public API) on temporary
//! sites, one module per subject. One test binary for all of them: one link instead of one
//! per file, and the tests of all subjects share the machine's cores while some wait.

mod common;

mod assets;
mod bad_input;
mod brand;
mod build;
mod commands;
mod dates;
mod errors;
mod external;
mod faults;
mod hostile;
mod images;
mod incremental;
mod languages;
mod matrix;
mod output_folder;
mod pace;
mod pdf;
mod pdf_parts;
mod print_parts;
mod publish;
mod reports;
mod search;
mod serve;
mod serve_http;
