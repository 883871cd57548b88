//! The in-place tier: run the file that was hashed, through the fd that hashed it.

use std::fs::File;
use std::io::Seek;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use execsafe_fs::{InPlace, NotInPlace, check_script_path, in_place_check, proc_self_fd};

use crate::error::Error;
use crate::verified::{Holder, Placed, Source, copy_err, head};

/// Whether `file` (opened from `path`) may run in place, and what to execute then.
///
/// The eligibility rule on the fd (`execsafe_fs::in_place_check`); then a `#!` script
/// (first bytes read with `pread`) needs a path nobody but root can redirect
/// (`check_script_path`: it runs by that path), and an ELF runs as `/proc/self/fd/N` of
/// `file` itself (identity checked, so without procfs it is not eligible). The bytes
/// cannot change under us: only root could change them.
pub(crate) fn in_place_target(file: &File, path: &Path) -> Result<(InPlace, PathBuf), NotInPlace> {
    let basis = in_place_check(file)?;
    let is_script = head(file)
        .map_err(|e| NotInPlace::Syscall {
            op: "pread",
            errno: e.raw_os_error().unwrap_or(0),
        })?
        .starts_with(b"#!");
    let exec_path = if is_script {
        check_script_path(file, path)?
    } else {
        proc_self_fd(file.as_fd()).map_err(|_| NotInPlace::ProcUnavailable)?
    };
    Ok((basis, exec_path))
}

/// Runs `src` in place when nobody but root can change it; `Ok(Err(reason))` when it is
/// not eligible (nothing was left behind; the caller may copy instead).
///
/// Order: a `dup` of the opened fd (the one that will run) → [`in_place_target`] → the
/// whole file hashed through the fd from offset 0, at most `size + 1` bytes, count and
/// digest checked (a mismatch is an error, not a reason to copy).
pub(crate) fn try_in_place(src: &Source<'_>) -> Result<Result<Placed, NotInPlace>, Error> {
    let file = src.file.try_clone().map_err(|e| copy_err(src, e))?;
    let (basis, exec_path) = match in_place_target(&file, src.path) {
        Ok(target) => target,
        Err(reason) => return Ok(Err(reason)),
    };
    let mut from = src.file;
    from.rewind().map_err(|e| copy_err(src, e))?;
    src.copy_verified(from, std::io::sink())?;
    Ok(Ok(Placed {
        holder: Holder::InPlace { file, basis },
        exec_path,
        not_in_place: None,
    }))
}
