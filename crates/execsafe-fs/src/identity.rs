//! File identity from an open fd.

use std::io;
use std::os::fd::AsFd;

/// The identity of an open file: device and inode number together (an inode number alone
/// is only unique within one filesystem).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
}

impl FileIdentity {
    /// The identity of the file behind `fd`. Syscall: `fstat(2)`.
    ///
    /// # Errors
    ///
    /// The `fstat` error (`EBADF`).
    pub fn of(fd: impl AsFd) -> io::Result<Self> {
        let st = rustix::fs::fstat(fd)?;
        Ok(Self {
            dev: crate::stat::dev(&st),
            ino: crate::stat::ino(&st),
        })
    }
}

/// The inode number of the file behind `fd`. Syscall: `fstat(2)`.
///
/// Prefer [`FileIdentity`]: an inode number alone does not identify a file.
///
/// # Errors
///
/// The `fstat` error (`EBADF`).
#[doc(alias = "fstat")]
pub fn fstat_inode(fd: impl AsFd) -> io::Result<u64> {
    Ok(crate::stat::ino(&rustix::fs::fstat(fd)?))
}
