//! Fuzz target `restricted_env`: the invariants are in `execsafe-fuzz-checks`
//! (replayed over the committed seeds by its tests).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| execsafe_fuzz_checks::restricted_env(data));
