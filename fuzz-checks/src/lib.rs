//! The invariant checks of every fuzz target in `fuzz/`, as a library: the cargo-fuzz
//! targets call them, and `tests/replay.rs` replays every committed seed and regression
//! input through them on each CI run, so a fixed crash cannot come back unnoticed.
#![forbid(unsafe_code)]
#![allow(
    missing_docs,
    clippy::missing_panics_doc,
    reason = "each function is a fuzz target's body: it panics when an invariant breaks"
)]

mod checks;
mod cli_checks;

pub use checks::{digest_parse, env_entry, restricted_env, secret_names, strip_url, tee_copy};
pub use cli_checks::pin_files;
