//! The file formats of the `execsafe` command, as a library so that they can be fuzzed
//! and tested alone: TOML pin files ([`pinfile`]) and `sha256sum` files ([`sums`]).
//! The command itself is the `execsafe` binary.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod pinfile;
pub mod sums;
