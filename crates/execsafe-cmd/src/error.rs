//! The error type of this crate.

use std::path::PathBuf;

use execsafe_digest::{Digest, DigestError};
use execsafe_env::SecretNameError;
use execsafe_fs::FsError;

use crate::backend::ExecBackend;

/// Why a binary was not verified or a command not built. Names files and variables,
/// never values or computed digests.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The expected digest is malformed (checked before any byte is read).
    #[error("invalid expected digest")]
    InvalidDigest(#[source] DigestError),
    /// The binary could not be opened safely: a symlink, not a regular file, missing.
    #[error("opening binary")]
    Open(#[source] FsError),
    /// The binary is larger than the caller's limit.
    #[error("{path} is {size} bytes, over the limit of {max}")]
    TooLarge {
        /// The binary.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The number of bytes copied differs from the size `fstat` gave before the copy: the
    /// file was truncated or grown while it was being copied.
    #[error("{path} changed during the copy: expected {expected} bytes, read {copied}")]
    ChangedDuringCopy {
        /// The binary.
        path: PathBuf,
        /// `st_size` before the copy.
        expected: u64,
        /// Bytes read (at most `expected + 1`).
        copied: u64,
    },
    /// The bytes copied do not hash to the expected digest.
    #[error("digest mismatch for {path}: binary does not match expected {expected}")]
    Mismatch {
        /// The binary.
        path: PathBuf,
        /// The pin (never the computed digest).
        expected: Digest,
    },
    /// An explicitly chosen backend cannot work here; nothing was switched silently.
    #[error("backend {backend} unavailable: {reason}")]
    BackendUnavailable {
        /// The backend asked for.
        backend: ExecBackend,
        /// Why.
        reason: String,
    },
    /// The temp dir for the copy is on a filesystem mounted `noexec`.
    #[error(
        "temp dir {dir} is mounted noexec; the copy could not be executed (use the memfd backend, or set TMPDIR to an exec-allowed directory)"
    )]
    Noexec {
        /// The temp dir.
        dir: PathBuf,
    },
    /// A filesystem step (temp dir, memfd, copy file) failed.
    #[error("preparing the verified copy")]
    Fs(#[source] FsError),
    /// Reading the binary or writing the copy failed.
    #[error("copying {path}")]
    Copy {
        /// The binary.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An `additional_env` key is empty or contains `=` or NUL.
    #[error("invalid environment variable name {key:?} (empty, or contains '=' or NUL)")]
    InvalidEnvKey {
        /// The key, lossily decoded.
        key: String,
    },
    /// An `additional_env` value contains NUL (the value is not shown).
    #[error("environment variable {key:?} has a value containing NUL")]
    InvalidEnvValue {
        /// The key, lossily decoded.
        key: String,
    },
    /// A secret name is refused by `validate_secret_name`.
    #[error("invalid secret name")]
    InvalidSecretName(#[source] SecretNameError),
}
