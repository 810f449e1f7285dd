//! The fact-file parser never panics: any text parses or gives a
//! positioned error.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../cases.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    facts_parser_case(text);
});
