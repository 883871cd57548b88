//! Fuzz target `digest_parse`: the invariants are in `execsafe-fuzz-checks`
//! (replayed over the committed seeds by its tests).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| execsafe_fuzz_checks::digest_parse(data));
