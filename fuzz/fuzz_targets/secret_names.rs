//! Fuzz target `secret_names`: the invariants are in `fuzz/checks.rs` (shared with the
//! regression replay test of the main workspace).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::secret_names(data));
