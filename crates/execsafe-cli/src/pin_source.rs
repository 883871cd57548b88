//! Reading pin files and sums files: regular files only (no symlink), and refused when
//! another user could have written them (OpenSSH `StrictModes`).

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use execsafe::open_binary_no_follow;
use execsafe_cli::pinfile::{self, Pin};
use execsafe_cli::sums::{self, SumLine};

/// The pin file: `--pins`, else `$EXECSAFE_PINS` (non-empty). Never the cwd implicitly.
pub(crate) fn pins_path(arg: Option<&Path>) -> Option<PathBuf> {
    arg_or_env(arg, "EXECSAFE_PINS")
}

/// `arg`, else the non-empty environment variable `var`.
pub(crate) fn arg_or_env(arg: Option<&Path>, var: &str) -> Option<PathBuf> {
    arg.map(Path::to_path_buf).or_else(|| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// OpenSSH's `StrictModes` for a file execsafe trusts: owned by the euid or root, and not
/// group- or other-writable. `Err` names the file and what is wrong.
pub(crate) fn strict_modes(path: &Path, uid: u32, mode: u32) -> Result<(), String> {
    let euid = rustix::process::geteuid().as_raw();
    if uid != euid && uid != 0 {
        return Err(format!(
            "{}: refusing a file owned by another user (uid {uid})",
            path.display()
        ));
    }
    if mode & 0o022 != 0 {
        return Err(format!(
            "{}: refusing a group- or other-writable file (mode {:o}; chmod go-w)",
            path.display(),
            mode & 0o7777
        ));
    }
    Ok(())
}

/// Reads `path` after checking, on the opened fd, that it is a regular file owned by the
/// euid or root and not group/other-writable.
pub(crate) fn read_checked(path: &Path) -> Result<String, String> {
    let mut f = open_binary_no_follow(path).map_err(|e| e.to_string())?;
    let md = f
        .metadata()
        .map_err(|e| format!("fstat of {}: {e}", path.display()))?;
    strict_modes(path, md.uid(), md.mode())?;
    let mut text = String::new();
    f.read_to_string(&mut text)
        .map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(text)
}

pub(crate) fn load_pins(path: &Path) -> Result<Vec<Pin>, String> {
    pinfile::parse(&read_checked(path)?, path).map_err(|e| e.to_string())
}

pub(crate) fn load_sums(path: &Path) -> Result<Vec<SumLine>, String> {
    sums::parse(&read_checked(path)?, path).map_err(|e| e.to_string())
}

/// A sums-file name as a path: relative names are relative to the cwd (as for
/// `sha256sum -c`), never looked up in `PATH`.
pub(crate) fn sums_path(name: &str) -> PathBuf {
    if name.contains('/') {
        PathBuf::from(name)
    } else {
        Path::new(".").join(name)
    }
}
