//! Fuzz target `pin_files`: the pin-file and sums-file parsers of the CLI; invariants in
//! `fuzz/cli_checks.rs` (shared with execsafe-cli's regression replay test).
#![no_main]

#[path = "../cli_checks.rs"]
mod cli_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cli_checks::pin_files(data));
