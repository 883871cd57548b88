//! Verifying an already-open file descriptor.

use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::fs::FileExt;

use sha2::{Digest as _, Sha256};

use crate::digest::{Digest, parse_digest};
use crate::error::DigestError;

const BUF_SIZE: usize = 256 * 1024;

/// Hashes the whole file behind `fd` and compares it with `expected`.
///
/// Syscalls: `fcntl(F_DUPFD_CLOEXEC)` (a private duplicate, closed before returning),
/// then `pread64` from offset 0 until it returns 0. The caller's fd is **not** closed
/// and its file offset is **not** moved (the Go function did both). `expected` is parsed
/// before any byte is read.
///
/// This checks the bytes *now*; it does not stop a later exec-by-path from running other
/// bytes. Use `execsafe-cmd` to run verified bytes.
///
/// # Errors
///
/// * [`DigestError::Format`] for a malformed `expected`;
/// * [`DigestError::Io`] when the fd cannot be read at an offset (a pipe or socket gives
///   `ESPIPE`), or a read fails;
/// * [`DigestError::Mismatch`] when the content differs.
pub fn verify_digest_from_fd(fd: impl AsFd, expected: &str) -> Result<(), DigestError> {
    let expected = parse_digest(expected)?;
    let file = File::from(
        fd.as_fd()
            .try_clone_to_owned()
            .map_err(|source| DigestError::Io {
                context: "duplicating file descriptor",
                source,
            })?,
    );
    let actual = pread_hash(&file).map_err(|source| DigestError::Io {
        context: "reading file descriptor from offset 0",
        source,
    })?;
    if actual == expected {
        Ok(())
    } else {
        Err(DigestError::Mismatch { expected })
    }
}

fn pread_hash(file: &File) -> io::Result<Digest> {
    let mut buf = vec![0u8; BUF_SIZE];
    let mut hasher = Sha256::new();
    let mut offset = 0u64;
    loop {
        match file.read_at(&mut buf, offset) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Digest::from_bytes(hasher.finalize().into()))
}
