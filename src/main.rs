//! The `attest` binary: see `attest --help` and the README.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    attest::cli::main()
}
