//! Strict `sha256:<hex>` digests and the tee-hash copier.
//!
//! # Threat model
//!
//! execsafe promises that *the bytes that run are the bytes that were hashed*. The only
//! way to keep that promise against a file that can change at any moment is to read each
//! byte **once** and send that one copy both to the hasher and to the destination that
//! will be executed. [`copy_and_hash`] does exactly that; nothing else in execsafe hashes
//! a file it then runs.
//!
//! * [`Digest`] is 32 bytes, parsed strictly: `sha256:` + 64 lowercase hex, nothing else
//!   (no bare hex, no upper case, no whitespace, no other algorithm).
//! * [`copy_and_hash`] writes exactly the bytes it hashes. A short write or a read error
//!   is an error, never a shorter success. Large inputs are hashed on a second thread
//!   while the caller's thread reads and writes (a fixed pool of buffers; a buffer is
//!   moved to the hasher and back, so nobody can modify it while it is being hashed).
//! * [`verify_digest_from_fd`] hashes a whole open file with `pread`, without moving its
//!   offset and without closing it.
//!
//! This crate does not open files and does not compare file identities: that is
//! `execsafe-fs` and `execsafe-cmd`. Errors never contain a computed digest.
//!
//! # Example
//!
//! ```
//! use execsafe_digest::{copy_and_hash, parse_digest};
//! let mut copy = Vec::new();
//! let (digest, n) = copy_and_hash(&b"abc"[..], &mut copy)?;
//! assert_eq!((n, copy.as_slice()), (3, &b"abc"[..]));
//! let pinned = parse_digest(
//!     "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")?;
//! assert_eq!(digest, pinned);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod copy;
mod digest;
mod error;
#[cfg(unix)]
mod verify_fd;

pub use copy::{copy_and_hash, hash_reader};
pub use digest::{Digest, parse_digest};
pub use error::DigestError;
#[cfg(unix)]
pub use verify_fd::verify_digest_from_fd;
