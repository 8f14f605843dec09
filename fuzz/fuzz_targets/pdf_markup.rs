#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oogst_fuzz::pdf_markup(data));
