//! Removing a directory tree through fds, restoring write permission first.

use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd};

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use rustix::io::Errno;

/// How deep [`remove_contents`] descends; our trees are one level deep.
const MAX_DEPTH: u32 = 16;

/// Removes every entry of the directory behind `dir`, then leaves it empty.
///
/// Syscalls: `fchmod(dir, 0700)` (a sealed 0500 dir cannot be emptied by its non-root
/// owner otherwise), `openat(dir, ".")` + `getdents64` to list,
/// `unlinkat(dir, name, 0)` for files, and for sub-directories
/// `openat(dir, name, O_DIRECTORY|O_NOFOLLOW)`, recursion, `unlinkat(AT_REMOVEDIR)`.
pub(crate) fn remove_contents(dir: BorrowedFd<'_>, depth: u32) -> rustix::io::Result<()> {
    if depth > MAX_DEPTH {
        return Err(Errno::LOOP);
    }
    rustix::fs::fchmod(dir, crate::stat::to_mode(0o700))?;
    let mut first_err = None;
    let mut names = Vec::new();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == c"." || name == c".." {
            continue;
        }
        names.push((name.to_owned(), entry.file_type()));
    }
    for (name, ty) in names {
        if let Err(e) = remove_entry(dir, &name, ty, depth) {
            first_err.get_or_insert(e);
        }
    }
    first_err.map_or(Ok(()), Err)
}

fn remove_entry(
    dir: BorrowedFd<'_>,
    name: &CStr,
    ty: FileType,
    depth: u32,
) -> rustix::io::Result<()> {
    if ty != FileType::Directory {
        match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
            Err(Errno::ISDIR | Errno::PERM) => {} // a directory after all (d_type unknown)
            other => return other,
        }
    }
    let sub = rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    remove_contents(sub.as_fd(), depth + 1)?;
    drop(sub);
    rustix::fs::unlinkat(dir, name, AtFlags::REMOVEDIR)
}
