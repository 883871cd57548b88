//! Verified binaries and restricted commands: the layer that composes `execsafe-env`,
//! `execsafe-digest` and `execsafe-fs`.
//!
//! # Threat model
//!
//! The caller pinned a binary by `sha256:<hex>` and wants to run it with an environment
//! that holds none of its own credentials. An attacker may control the binary's path
//! (swap, symlink, truncate or append to it at any moment), the parent's environment
//! (`LD_PRELOAD`, credentialed proxies), and other processes of other users on the host.
//!
//! * [`verified_binary_with`] parses the pin first, opens the binary with no symlink
//!   following and regular files only, copies it **while** hashing it (one read per
//!   byte), checks the byte count against `fstat` and the digest against the pin, and
//!   only then hands out the **copy** — a sealed memfd (Linux) or a file in a sealed
//!   private temp dir. What runs is what was hashed, whatever happens to the original.
//! * [`RestrictedCommand`] builds a `std::process::Command` with `env_clear()` and exactly
//!   [`RestrictedCommand::env`]: the allowlist, a fixed `PATH`, stripped proxies, explicit
//!   extra variables and validated secret names.
//! * Every error path removes what it created: no temp dir, no file, no fd is left.
//!
//! Not covered: an attacker running as the same user or as root (they can `ptrace` the
//! child), the child's own behaviour, and resources the binary finds next to itself
//! (`$ORIGIN` rpaths break when it runs from a copy).
//!
//! Unix only (`cfg(unix)`); the memfd backend is Linux only.
//!
//! # Example
//!
//! ```
//! use execsafe_cmd::{CommandOptions, RestrictedCommand, verified_binary_fd};
//! # let true_path = if std::path::Path::new("/usr/bin/true").exists() { "/usr/bin/true" } else { "/bin/true" };
//! let pin = execsafe_digest::hash_reader(std::fs::File::open(true_path)?)?.0.to_string();
//! let cmd = RestrictedCommand::new_verified(true_path, &pin, ["--ignored"], &CommandOptions::default())?;
//! assert!(cmd.status()?.success());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg(unix)]

mod backend;
mod command;
mod error;
mod fork_lock;
mod name;
mod options;
mod spawn;
mod verified;

pub use backend::ExecBackend;
pub use command::{RestrictedCommand, build_child_env};
pub use error::Error;
pub use options::CommandOptions;
pub use spawn::etxtbsy_retries;
pub use verified::{
    VerifiedBinary, verified_binary_fd, verified_binary_with, verified_binary_with_limit,
};
