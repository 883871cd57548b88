//! The error type of this crate.

use crate::digest::Digest;

/// Why a digest could not be parsed or did not verify.
///
/// Never contains the computed digest of a mismatching input (a mismatch message that
/// shows it invites "fixing" the pin by copy-paste).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// The text is not `sha256:` followed by 64 lowercase hex digits.
    #[error("invalid digest format: must be sha256:<64 lowercase hex chars>, got {input:?}")]
    Format {
        /// The rejected input, cut to its first 80 characters.
        input: String,
    },
    /// The content hashed does not match the expected digest.
    #[error("digest mismatch for fd {fd}: content does not match expected {expected}")]
    Mismatch {
        /// The file descriptor that was hashed.
        fd: i32,
        /// The digest that was expected (the pin), never the computed one.
        expected: Digest,
    },
    /// Reading the content failed.
    #[error("{context} fd {fd}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The file descriptor involved.
        fd: i32,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}
