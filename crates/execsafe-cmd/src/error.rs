//! The error type of this crate.

use std::path::PathBuf;

use execsafe_digest::{Digest, DigestError};
use execsafe_env::{CodeLoader, SecretNameError};
use execsafe_fs::FsError;

use crate::backend::ExecBackend;

/// Why a binary was not verified or a command not built. Every message names its subject
/// (a path, a directory, a variable); none contains a value, a secret or a computed
/// digest. The cause, where there is one, is in `source()`; variants that wrap an error
/// which already names the subject (`Open`, `Fs`, `InvalidSecretName`) show it as is, so
/// a printed chain never names a subject twice.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The expected digest is malformed (checked before any byte is read).
    #[error("invalid expected digest for {path}")]
    InvalidDigest {
        /// The binary it was meant to pin.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: DigestError,
    },
    /// The binary could not be opened safely: a symlink, not a regular file, missing.
    #[error(transparent)]
    Open(FsError),
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
    #[error("backend {backend} unavailable for {path}: {reason}")]
    BackendUnavailable {
        /// The binary.
        path: PathBuf,
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
    /// The copy hit the file size limit (`RLIMIT_FSIZE`, e.g. `ulimit -f`): the write
    /// failed with `EFBIG`. The partial copy was removed.
    #[error("copying {path}: the file size limit (RLIMIT_FSIZE) is smaller than the binary")]
    FileSizeLimit {
        /// The binary.
        path: PathBuf,
    },
    /// A filesystem step (temp dir, memfd, copy file) failed.
    #[error(transparent)]
    Fs(FsError),
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
    #[error(transparent)]
    InvalidSecretName(SecretNameError),
    /// A secret or an `additional_env` variable would make the child load other code
    /// (see `execsafe_env::CODE_LOADING_VARS`), and the caller did not opt out with
    /// `CommandOptions::dangerously_allow_code_loading_env`.
    #[error(
        "refusing {origin} {name:?}: {loader} reads it as code or a code path (pinned bytes would not be all that runs)"
    )]
    CodeLoadingVar {
        /// The variable, lossily decoded.
        name: String,
        /// `"secret"` or `"additional_env variable"`.
        origin: &'static str,
        /// Who reads it.
        loader: CodeLoader,
    },
    /// `PATH` was named as a secret: it would silently replace the safe `PATH`.
    #[error(
        "refusing secret \"PATH\": it would replace the safe PATH; set inherit_path (CLI: --inherit-path) instead"
    )]
    SecretPath,
    /// The working directory does not exist or is not a directory.
    #[error("working directory {dir} is unusable")]
    WorkDir {
        /// The directory.
        dir: PathBuf,
        /// `NotFound`, `NotADirectory`, or the `stat` error.
        #[source]
        source: std::io::Error,
    },
}
