//! The query parser never panics and never loops: any text either parses
//! or gives a positioned error. Scripts are split and each statement
//! parsed, as `attest run` does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = attest::lang::parse(text);
    if let Ok(script) = attest::lang::Script::new(text) {
        for span in script.statements() {
            let _ = script.parse(span);
        }
    }
});
