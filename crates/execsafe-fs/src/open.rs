//! Opening a binary: no symlink, no FIFO, no device — regular files only.

use std::fs::File;
use std::path::Path;

use rustix::fs::{AtFlags, CWD, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FileKind, FsError};

/// Opens `path` read-only, refusing symlinks and anything but a regular file.
///
/// Syscalls:
/// 1. `openat(AT_FDCWD, path, O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK)`. `O_NONBLOCK`
///    makes opening a FIFO return at once instead of waiting for a writer.
/// 2. `fstat(fd)`: anything but `S_IFREG` is refused ([`FsError::NotRegular`]).
/// 3. `fcntl(F_SETFL)` without `O_NONBLOCK`, so reads behave normally.
///
/// When `openat` fails with `ENXIO` (a socket) the path is classified with
/// `fstatat(AT_SYMLINK_NOFOLLOW)` for the error only.
///
/// Only the last component is no-follow; symlinks in parent directories are followed.
///
/// # Errors
///
/// [`FsError::Symlink`] (`ELOOP`, or `EMLINK` on FreeBSD), [`FsError::NotFound`]
/// (`ENOENT`), [`FsError::NotRegular`], or [`FsError::Io`] for anything else.
///
/// ```
/// use execsafe_fs::{open_binary_no_follow, FsError};
/// assert!(matches!(open_binary_no_follow("/dev/zero"), Err(FsError::NotRegular { .. })));
/// ```
#[doc(alias = "openat")]
#[doc(alias = "O_NOFOLLOW")]
pub fn open_binary_no_follow(path: impl AsRef<Path>) -> Result<File, FsError> {
    let path = path.as_ref();
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
    let fd = match rustix::fs::openat(CWD, path, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::LOOP) => return Err(FsError::Symlink { path: path.into() }),
        #[cfg(target_os = "freebsd")]
        Err(Errno::MLINK) => return Err(FsError::Symlink { path: path.into() }),
        Err(Errno::NOENT) => return Err(FsError::NotFound { path: path.into() }),
        Err(Errno::NXIO) => {
            let kind = rustix::fs::statat(CWD, path, AtFlags::SYMLINK_NOFOLLOW)
                .map_or(FileKind::Unknown, |st| {
                    FileKind::from_mode(crate::stat::mode(&st))
                });
            return Err(FsError::NotRegular {
                path: path.into(),
                kind,
            });
        }
        Err(e) => return Err(FsError::io("opening", path, e)),
    };
    let st = rustix::fs::fstat(&fd).map_err(|e| FsError::io("fstat of", path, e))?;
    let kind = FileKind::from_mode(crate::stat::mode(&st));
    if kind != FileKind::Regular {
        return Err(FsError::NotRegular {
            path: path.into(),
            kind,
        });
    }
    let fl = rustix::fs::fcntl_getfl(&fd).map_err(|e| FsError::io("fcntl(F_GETFL) of", path, e))?;
    rustix::fs::fcntl_setfl(&fd, fl - OFlags::NONBLOCK)
        .map_err(|e| FsError::io("fcntl(F_SETFL) of", path, e))?;
    Ok(File::from(fd))
}
