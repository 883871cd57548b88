//! Finding PROGRAM when it is a bare name.

use std::ffi::OsStr;
use std::path::PathBuf;

/// `program` itself when it contains `/`; else the first `<dir>/<program>` that exists
/// (as any file type, symlinks included: verification refuses what it must) in the
/// `:`-separated `path`. `None` when nothing is found.
pub(crate) fn resolve(program: &OsStr, path: &OsStr) -> Option<PathBuf> {
    if program.as_encoded_bytes().contains(&b'/') {
        return Some(PathBuf::from(program));
    }
    if program.is_empty() {
        return None;
    }
    std::env::split_paths(path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.symlink_metadata().is_ok())
}
