//! Verified binaries and restricted commands: the layer that composes `execsafe-env`,
//! `execsafe-digest` and `execsafe-fs`.
//!
//! # Threat model
//!
//! The caller pinned a binary by `sha256:<hex>` and wants to run it with an environment
//! that holds none of its own credentials. An attacker may control the binary's path
//! (swap, symlink, truncate or append to it at any moment), the parent's environment
//! (`LD_PRELOAD`, credentialed proxies), other users' processes on the host, and other
//! processes of the **same** user (an earlier untrusted child still running).
//!
//! * [`verified_binary_with`] parses the pin first, opens the binary with no symlink
//!   following and regular files only, hashes it through that fd (copying it **while**
//!   hashing it when a copy is needed: one read per byte), checks the byte count against
//!   `fstat` and the digest against the pin, and only then hands out what runs. What
//!   runs is what was hashed, whatever happens to the path.
//! * **In place** (the first choice of `Auto`, Linux): when nobody but root can change
//!   the file (`execsafe_fs::in_place_check`: root-owned without group/other write, or
//!   immutable, or fs-verity, on a local filesystem), there is no copy: the fd that was
//!   hashed is executed as `/proc/self/fd/N`, so the program runs as installed
//!   (`/proc/self/exe`, `$ORIGIN`, setuid bits). A rename over the path during the hash
//!   changes nothing that runs. A `#!` script runs by its resolved path only when every
//!   directory to it is root-owned and not writable by others.
//! * **Memfd** (everything else on Linux, scripts included): while the copy is writable
//!   the process is not dumpable, so no process of the same user can open
//!   `/proc/<pid>/fd/N` and write into it before the seal; after the seal nobody can. A
//!   script's child inherits the sealed fd at the same number N (command-fds), so its
//!   interpreter opens the verified bytes; its `$0` is `/proc/self/fd/N`.
//! * **Temp dir** (hosts without executable memfds or procfs, or when asked): the base
//!   directory is resolved once and every directory from `/` to it must be safe from
//!   other users, so the path that runs cannot be redirected by another user. It cannot be
//!   made safe against the *same* user, who can `chmod` their own files: prefer the memfd.
//! * [`RestrictedCommand`] spawns with `env_clear()` and exactly [`RestrictedCommand::env`]:
//!   the allowlist, a fixed `PATH`, stripped proxies, explicit extra variables and
//!   validated secret names. Variables that load code (`LD_PRELOAD`, `BASH_ENV`,
//!   `PYTHONPATH`, …) are refused unless the caller opts out by name.
//! * A copy lives exactly as long as a handle on it ([`VerifiedBinary`], held by commands
//!   and by children of scripts); every error path removes what it created.
//!
//! Not covered: root and `CAP_SYS_PTRACE` holders, the child's own behaviour, what the
//! program loads (shared libraries and a script's interpreter are trusted like the
//! system's own), resources a **copied** binary finds next to itself (`$ORIGIN` breaks on
//! a memfd), and the host's own environment: any same-user child can read
//! `/proc/<host pid>/environ` unless the host is non-dumpable.
//!
//! **A host that runs untrusted children calls [`harden_process`] first** (re-exported
//! from `execsafe-fs`): non-dumpable for the rest of its life and close-on-exec on every
//! inherited fd ≥ 3 it does not keep. Without it a same-uid child can read the host's
//! `/proc/<pid>/environ` (and `ptrace` it where Yama allows), and every fd the host
//! inherited without close-on-exec reaches every child: `std::process::Command` cannot
//! change that without `unsafe`.
//!
//! Unix only (`cfg(unix)`); the memfd backend is Linux only. Feature `tokio`:
//! `RestrictedCommand::spawn_tokio`.
//!
//! # Example
//!
//! This crate re-exports what its signatures need ([`Digest`], [`parse_digest`],
//! [`hash_reader`]), so it is the only dependency the example needs:
//!
//! ```
//! use execsafe_cmd::{CommandOptions, RestrictedCommand, hash_reader};
//! # let true_path = if std::path::Path::new("/usr/bin/true").exists() { "/usr/bin/true" } else { "/bin/true" };
//! let pin = hash_reader(std::fs::File::open(true_path)?)?.0.to_string();
//! let cmd = RestrictedCommand::new_verified(true_path, &pin, ["--ignored"], &CommandOptions::default())?;
//! assert!(cmd.status()?.success());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg(unix)]

mod backend;
mod bound;
mod cache;
mod child;
mod child_env;
mod command;
mod error;
mod evidence;
mod fork_lock;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod in_place;
mod name;
mod options;
mod plan;
mod spawn;
#[cfg(feature = "tokio")]
mod tokio_spawn;
mod verified;

pub use backend::ExecBackend;
pub use bound::BoundCommand;
pub use cache::VerifiedCache;
#[cfg(feature = "tokio")]
pub use child::TokioChild;
pub use child::VerifiedChild;
pub use child_env::{build_child_env, missing_secrets};
pub use command::RestrictedCommand;
pub use error::Error;
pub use evidence::Evidence;
pub use execsafe_digest::{Digest, hash_reader, parse_digest};
pub use execsafe_fs::harden_process;
pub use options::CommandOptions;
pub use plan::{AutoPlan, auto_plan};
pub use spawn::etxtbsy_retries;
pub use verified::{
    VerifiedBinary, verified_binary_fd, verified_binary_with, verified_binary_with_limit,
};
