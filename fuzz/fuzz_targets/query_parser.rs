//! The query parser never panics and never loops: any text either parses
//! or gives a positioned error. Scripts are split and each statement
//! parsed, as `attest run` does.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../cases.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    query_parser_case(text);
});
