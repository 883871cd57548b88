//! Fuzz target `pin_files`: the pin-file and sums-file parsers of the CLI; invariants in
//! `execsafe-fuzz-checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| execsafe_fuzz_checks::pin_files(data));
