//! Verifying an already-open file descriptor.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::FileExt;

use crate::copy::hash_reader;
use crate::digest::parse_digest;
use crate::error::DigestError;

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
#[doc(alias = "pread")]
pub fn verify_digest_from_fd(fd: impl AsFd, expected: &str) -> Result<(), DigestError> {
    let expected = parse_digest(expected)?;
    let raw = fd.as_fd().as_raw_fd();
    let file = File::from(
        fd.as_fd()
            .try_clone_to_owned()
            .map_err(|source| DigestError::Io {
                context: "duplicating",
                fd: raw,
                source,
            })?,
    );
    let (actual, _) = hash_reader(Positional {
        file: &file,
        offset: 0,
    })
    .map_err(|source| DigestError::Io {
        context: "reading from offset 0",
        fd: raw,
        source,
    })?;
    if actual == expected {
        Ok(())
    } else {
        Err(DigestError::Mismatch { fd: raw, expected })
    }
}

/// A `Read` over `pread` from a moving private offset: the file's own offset (shared
/// with the caller's fd) is never touched.
struct Positional<'a> {
    file: &'a File,
    offset: u64,
}

impl Read for Positional<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }
}
