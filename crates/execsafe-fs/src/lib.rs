//! Filesystem steps of execsafe, each done with one fd-based syscall sequence.
//!
//! # Threat model
//!
//! Between "the user named a path" and "we run the copy" a symlink, a FIFO, a device, a
//! shared `/tmp`, a racing thread or a later `chmod` can win. This crate owns those
//! syscalls so that the layers above never touch a raw path twice:
//!
//! * [`open_binary_no_follow`] opens with `O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC` and accepts
//!   **regular files only**, checked on the opened fd (a FIFO never blocks, a device is
//!   never read). Only the **last** path component is no-follow: symlinks in parent
//!   directories are followed, as by every other program.
//! * [`secure_temp_dir`] makes a directory that `mkdirat` itself creates with mode 0700
//!   (the process-wide umask is never touched), checks it by `fstat` on an fd, and keeps
//!   that fd: files are created *inside the handle* (`openat`), not through a path. The
//!   base directory is refused when another user could swap entries in it. The handle
//!   removes everything on `Drop` — also after [`SecureTempDir::seal`], also for
//!   non-root users (the Go package leaked every sealed copy there).
//! * [`harden_process`] is the first call of a host that runs untrusted children:
//!   non-dumpable for good, and close-on-exec on every inherited fd ≥ 3 not kept.
//! * [`write_secure_config_file`] writes `config.json` 0600 in such a directory.
//! * On Linux, [`ExecMemfd`] is an anonymous executable file that is sealed read-only
//!   (`F_SEAL_SEAL|SHRINK|GROW|WRITE`, read back with `F_GET_SEALS`): nothing on disk, no
//!   cleanup after a crash, immune to `noexec` mounts and to `ETXTBSY`.
//! * [`in_place_check`] decides, on the held fd, whether a file may run **in place**
//!   (no copy) because nobody but root can change its bytes: a local filesystem,
//!   executable, not `noexec`, and root-owned with no group/other write, immutable, or
//!   fs-verity. [`check_script_path`] adds the rule for `#!` scripts, whose interpreter
//!   opens them by path: every directory to it root-owned and unwritable by others.
//!
//! Unix only; Linux is what CI proves. Every function documents its syscalls and flags.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg(unix)]

mod base_dir;
mod config;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod dumpable;
mod error;
mod harden;
mod identity;
mod in_place;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod memfd;
mod open;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod proc_fd;
mod reap;
mod remove;
mod script_path;
mod stat;
mod temp_dir;

pub use base_dir::temp_base;
pub use config::{CONFIG_FILE_NAME, SecureConfigFile, write_secure_config_file};
pub use error::{FileKind, FsError};
pub use harden::{harden_process, open_fds};
pub use identity::{FileIdentity, fstat_inode};
pub use in_place::{
    InPlace, InPlaceFacts, LOCAL_FILESYSTEMS, NotInPlace, check_script_path, in_place_check,
};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use memfd::{ExecMemfd, SealedMemfd};
pub use open::open_binary_no_follow;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use proc_fd::proc_self_fd;
pub use temp_dir::{SecureTempDir, secure_temp_dir};
