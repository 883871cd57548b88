//! The path a `#!` script runs by in place: one that no non-root user can redirect.

use std::fs::File;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use rustix::fs::AtFlags;

use crate::base_dir::{TRAVERSE, normal_components, walk_from_root};
use crate::identity::FileIdentity;
use crate::in_place::NotInPlace;

/// The resolved path of the script held open as `file`, when every directory from `/` to
/// it is owned by root and not group/other-writable unless sticky, and the path still
/// names `file`.
///
/// A script's interpreter opens it **by path** after `execve`, so in place a script is
/// only as safe as the directories on the way to it: the rule of the temp base (see
/// `secure_temp_dir`), with root in place of the caller.
///
/// Syscalls: `realpath` (`std::fs::canonicalize`) once; `openat(AT_FDCWD, "/",
/// O_PATH|O_DIRECTORY|O_CLOEXEC)`; per directory `openat(parent, name,
/// O_PATH|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)` and `fstat` (owner 0; mode `& 0o022` zero
/// unless `S_ISVTX`); then `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)` must give the
/// `(dev, ino)` of `fstat(file)`.
///
/// # Errors
///
/// [`NotInPlace::UnsafeAncestor`] naming the directory, [`NotInPlace::PathChanged`], or
/// [`NotInPlace::Syscall`].
#[doc(alias = "realpath")]
pub fn check_script_path(file: &File, path: &Path) -> Result<PathBuf, NotInPlace> {
    let sys = |op: &'static str| {
        move |e: std::io::Error| NotInPlace::Syscall {
            op,
            errno: e.raw_os_error().unwrap_or(0),
        }
    };
    let resolved = std::fs::canonicalize(path).map_err(sys("realpath"))?;
    let held = FileIdentity::of(file).map_err(sys("fstat"))?;
    let names = normal_components(&resolved);
    let Some((file_name, dirs)) = names.split_last() else {
        return Err(NotInPlace::PathChanged);
    };
    let fd = walk_from_root(dirs, TRAVERSE, check_dir, |_, e| sys("openat")(e.into()))?;
    let st = rustix::fs::statat(&fd, *file_name, AtFlags::SYMLINK_NOFOLLOW)
        .map_err(|e| sys("fstatat")(e.into()))?;
    let at_path = FileIdentity {
        dev: crate::stat::dev(&st),
        ino: crate::stat::ino(&st),
    };
    if at_path == held {
        Ok(resolved)
    } else {
        Err(NotInPlace::PathChanged)
    }
}

fn check_dir(fd: &impl AsFd, here: &Path) -> Result<(), NotInPlace> {
    let st = rustix::fs::fstat(fd).map_err(|e| NotInPlace::Syscall {
        op: "fstat",
        errno: e.raw_os_error(),
    })?;
    crate::base_dir::dir_rule(&st, &[0], "not owned by root").map_err(|reason| {
        NotInPlace::UnsafeAncestor {
            dir: here.into(),
            reason,
        }
    })
}
