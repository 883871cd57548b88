//! The in-place tier: run the file that was hashed, through the fd that hashed it.

use std::io::Seek;
use std::os::fd::AsFd;

use execsafe_fs::{NotInPlace, check_script_path, in_place_check, proc_self_fd};

use crate::error::Error;
use crate::verified::{Holder, Placed, Source, copy_err, head};

/// Runs `src` in place when nobody but root can change it; `Ok(Err(reason))` when it is
/// not eligible (nothing was left behind; the caller may copy instead).
///
/// Order: the eligibility rule on the held fd (`execsafe_fs::in_place_check`) → the
/// whole file hashed through that fd from offset 0, at most `size + 1` bytes, count and
/// digest checked (a mismatch is an error, not a reason to copy) → a `#!` script needs a
/// path nobody but root can redirect (`check_script_path`: it runs by that path); an ELF
/// runs as `/proc/self/fd/N` of a `dup` of the hashed fd (identity checked, so no
/// procfs means not in place).
pub(crate) fn try_in_place(src: &Source<'_>) -> Result<Result<Placed, NotInPlace>, Error> {
    let basis = match in_place_check(src.file) {
        Ok(basis) => basis,
        Err(reason) => return Ok(Err(reason)),
    };
    let mut from = src.file;
    from.rewind().map_err(|e| copy_err(src, e))?;
    src.copy_verified(from, std::io::sink())?;
    let file = src.file.try_clone().map_err(|e| copy_err(src, e))?;
    let is_script = head(&file)
        .map_err(|e| copy_err(src, e))?
        .starts_with(b"#!");
    let exec_path = if is_script {
        match check_script_path(&file, src.path) {
            Ok(resolved) => resolved,
            Err(reason) => return Ok(Err(reason)),
        }
    } else {
        match proc_self_fd(file.as_fd()) {
            Ok(p) => p,
            Err(_) => return Ok(Err(NotInPlace::ProcUnavailable)),
        }
    };
    Ok(Ok(Placed {
        holder: Holder::InPlace { file, basis },
        exec_path,
        not_in_place: None,
    }))
}
