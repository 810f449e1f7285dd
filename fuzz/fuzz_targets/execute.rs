//! Parse and execute on a small in-memory graph: no panic, and whatever
//! the statement did (committed, or failed and rolled back), the store's
//! indexes still agree with its records (see `execute_case` in cases.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../cases.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(report) = execute_case(text) {
        panic!("after {text:?}: {report}");
    }
});
